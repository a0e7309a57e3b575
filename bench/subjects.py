"""What the cold-start benchmark starts: one subject per function (its first event from a sample),
the peer, the floors (boto3 with a DynamoDB client, with and without the function's first calls) and the
variants that leave one decision out; each run in a fresh interpreter by bench/driver.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.layout import INTERPRETER_FLAGS, LAMBDA_DIR, ROOT, Layout, without_bytecode
from bench.samples import (
    PEER_REQUESTS,
    sample_event_file,
    samples_for,
)
from devtools.embedded_dynamodb import dynamodb_environment, local_client
from devtools.template import Template, load_template
from devtools.template_specs import FunctionSpec

DRIVER = Path(__file__).resolve().parent / "driver.py"
FLOOR_CODE = "import boto3; client = boto3.client('dynamodb', region_name='us-east-1')"
FLOOR_CALLS_CODE = """
import threading
CALLS = {calls}
def call(operation, params):
    try:
        getattr(client, operation)(**params)
    except client.exceptions.ClientError:
        pass  # a conditional write already applied in an earlier round: the same round trip
if {concurrent!r}:
    threads = [threading.Thread(target=call, args=item) for item in CALLS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
else:
    for item in CALLS:
        call(*item)
"""
"""The floor's first event: the DynamoDB requests a function's first request made, replayed with the
floor's client (on threads when the function made them concurrently), so the floor pays the same round
trips to the same embedded server. CALLS is the repr the driver recorded (a Python literal); threading
is already loaded by boto3."""
FLOOR_LABEL = "floor: boto3 + DynamoDB client"
PEER_TABLE = "peer-scores"
AUTHORIZER_KEY = "oak_sample-local-key-not-secret-0123456789abcdef"
LIBRARY_COMPANIES = 1000


@dataclass
class Subject:
    """One thing whose cold start is measured: a handler and its first event, the peer, or the floor."""

    label: str
    spec: dict[str, Any]
    env: dict[str, str]
    function: str | None = None
    route: str | None = None
    peer_label: str | None = None
    floor_label: str | None = None
    tags: tuple[str, ...] = ()
    samples: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sys_path: list[str] = field(default_factory=list)
    outside: set[str] = field(default_factory=set)


def lambda_env(
    layout: Layout, endpoint: str, name: str, pythonpath: str, extra: dict[str, str], memory_mb: int = 512
) -> dict[str, str]:
    """The environment the python3.13 runtime gives a function (plus the template's variables)."""
    task = pythonpath.split(os.pathsep, 1)[0]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "HOME": str(LAMBDA_DIR / "home"),
        "BENCH_SYS_PATH": pythonpath,
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]bench",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "LAMBDA_TASK_ROOT": task,
        "LAMBDA_RUNTIME_DIR": str(layout.runtime),
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_SESSION_TOKEN": "local",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        **extra,
    }


def function_env(layout: Layout, endpoint: str, function: FunctionSpec, task: Path) -> dict[str, str]:
    """`lambda_env` of a template function run from its task directory, on the DynamoDB at `endpoint`."""
    return lambda_env(
        layout,
        endpoint,
        function.logical_id,
        layout.pythonpath(task),
        function.environment,
        function.memory_mb,
    )


def handler_spec(function: FunctionSpec) -> dict[str, Any]:
    """The driver's spec for a function's handler; the caller adds the events."""
    return {
        "mode": "handler",
        "handler": function.handler,
        "function_name": function.logical_id,
        "memory_mb": str(function.memory_mb),
    }


def run_driver(
    layout: Layout, spec: dict[str, Any], env: dict[str, str], *flags: str
) -> tuple[int, dict[str, Any], str]:
    """Start a fresh interpreter on the driver; (start timestamp, its result, its stderr)."""
    with tempfile.TemporaryDirectory(prefix="orgair-bench-") as scratch:
        spec_path = Path(scratch) / "spec.json"
        out_path = Path(scratch) / "out.json"
        spec_path.write_text(json.dumps({**spec, "out": str(out_path)}), encoding="utf-8")
        with (Path(scratch) / "stderr").open("w+", encoding="utf-8") as stderr:
            started = time.perf_counter_ns()
            process = subprocess.run(
                [str(layout.python), *INTERPRETER_FLAGS, *flags, str(DRIVER), str(spec_path)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                timeout=600,
                check=False,
            )
            stderr.seek(0)
            errors = stderr.read()
        if process.returncode != 0 or not out_path.exists():
            return started, {}, errors or f"exit status {process.returncode}"
        return started, json.loads(out_path.read_text(encoding="utf-8")), errors


def load_functions() -> list[FunctionSpec]:
    return Template(load_template()).functions()


def _variant(base: Subject, label: str, pythonpath: str, env: dict[str, str] | None = None) -> Subject:
    return Subject(
        f"{base.label} [{label}]",
        dict(base.spec),
        {**base.env, **(env or {}), "BENCH_SYS_PATH": pythonpath},
        function=base.function,
        route=base.route,
        tags=("variant",),
    )


def _variants(layout: Layout, subjects: list[Subject]) -> list[Subject]:
    """The same cold starts without one decision each, to measure what the decision is worth."""
    variants: list[Subject] = []
    stored = next((s for s in subjects if "score" in s.tags), None) or next(
        (s for s in subjects if s.route and s.route.endswith("/health/readiness")), None
    )
    light = next((s for s in subjects if s.route and s.route.endswith("/health/liveness")), None)
    if stored is not None:
        task = Path(stored.env["LAMBDA_TASK_ROOT"])
        variants.append(
            _variant(stored, "boto3 pinned in the layer", layout.pythonpath(task, layout.pinned_layer))
        )
        bare_layer = layout.variant_layers.get("no bytecode")
        if bare_layer is not None:
            bare_task = without_bytecode(task, LAMBDA_DIR / "variants" / "no-bytecode-task" / task.name)
            variants.append(_variant(stored, "no bytecode", layout.pythonpath(bare_task, bare_layer)))
    if light is not None:
        task = Path(light.env["LAMBDA_TASK_ROOT"])
        for name in ("Tracer at import", "Tracer auto-patching at import"):
            patched = layout.variant_layers.get(name)
            if patched is not None:
                variants.append(_variant(light, name, layout.pythonpath(task, patched)))
        eager = layout.variant_layers.get("Tracer at import")
        if eager is not None:
            # Without LAMBDA_TASK_ROOT the X-Ray recorder takes its centralised sampler, which builds
            # botocore X-Ray clients at import: what an interpreter that is not set up as Lambda's sees.
            outside = _variant(
                light, "Tracer at import, LAMBDA_TASK_ROOT unset", layout.pythonpath(task, eager)
            )
            outside.env = {key: value for key, value in outside.env.items() if key != "LAMBDA_TASK_ROOT"}
            variants.append(outside)
        plugins = {key: value for key, value in light.env.items() if key != "PYDANTIC_DISABLE_PLUGINS"}
        if plugins != light.env:
            variant = _variant(light, "pydantic plugin discovery on", light.env["BENCH_SYS_PATH"])
            variant.env = plugins
            variants.append(variant)
    return variants


def build_subjects(layout: Layout, functions: list[FunctionSpec], endpoint: str) -> list[Subject]:
    subjects: list[Subject] = []
    for function in functions:
        task = layout.tasks.get(function.logical_id)
        if task is None:
            continue
        samples, _ = samples_for(function)
        base = handler_spec(function)
        cold = [sample for sample in samples if sample.cold]
        if not function.routes:
            event = sample_event_file(function)
            if event is not None:
                env = function_env(layout, endpoint, function, task)
                subjects.append(
                    Subject(
                        f"{function.logical_id} (events/{function.code_uri.name}.json)",
                        {**base, "first_event": event},
                        env,
                        function=function.logical_id,
                        route=f"{function.logical_id} event",
                    )
                )
        for sample in cold:
            env = function_env(layout, endpoint, function, task)
            subjects.append(
                Subject(
                    f"{function.logical_id} {sample.name}",
                    {**base, "first_event": sample.event()},
                    env,
                    function=function.logical_id,
                    route=sample.name,
                    peer_label=f"peer {sample.peer}" if sample.peer else None,
                    tags=sample.tags,
                )
            )
    subjects.extend(_variants(layout, subjects))
    if layout.peer_task is not None:
        for route, sample in PEER_REQUESTS.items():
            env = lambda_env(
                layout,
                endpoint,
                "PeerFunction",
                layout.peer_pythonpath(),
                {"PEER_TABLE_NAME": PEER_TABLE},
            )
            spec = {"mode": "handler", "handler": "app.handler", "function_name": "PeerFunction"}
            subjects.append(
                Subject(f"peer {route}", {**spec, "first_event": sample.event()}, env, tags=("peer",))
            )
    floor_env = lambda_env(layout, endpoint, "FloorFunction", str(layout.runtime), {})
    subjects.append(Subject(FLOOR_LABEL, {"mode": "floor", "code": FLOOR_CODE}, floor_env, tags=("floor",)))
    subjects.extend(floors_with_first_calls(layout, subjects, floor_env))
    return subjects


def capture_first_calls(layout: Layout, subject: Subject) -> tuple[str, int] | None:
    """The DynamoDB requests (operation, parameters) of the subject's first event, and how many were
    in flight at once; None when it made none. One untimed run with botocore hooks on."""
    _, result, errors = run_driver(layout, {**subject.spec, "hooks": True, "capture": True}, subject.env)
    if not result:
        raise RuntimeError(f"capturing the first DynamoDB calls of {subject.label} failed: {errors[-1500:]}")
    calls = result.get("first_calls")
    if not calls or calls == "[]":
        return None
    return str(calls), int(result.get("first_calls_max_in_flight", 1))


def floors_with_first_calls(
    layout: Layout, subjects: list[Subject], floor_env: dict[str, str]
) -> list[Subject]:
    """For each function subject whose first event calls DynamoDB: the floor plus the same calls.

    The plain floor (import boto3, create a client) makes no request, while a DynamoDB function's cold
    figure includes its first round trips; this floor pays them too, so the ratio compares like with like.
    """
    floors: list[Subject] = []
    for subject in subjects:
        if subject.function is None or "variant" in subject.tags:
            continue
        captured = capture_first_calls(layout, subject)
        if captured is None:
            continue
        calls, in_flight = captured
        label = f"floor + first DynamoDB calls of {subject.label}"
        first_code = FLOOR_CALLS_CODE.format(calls=calls, concurrent=in_flight > 1)
        spec = {"mode": "floor", "code": FLOOR_CODE, "first_code": first_code}
        subject.floor_label = label
        floors.append(Subject(label, spec, floor_env, tags=("floor-calls",)))
    return floors


def _seed(endpoint: str) -> None:
    """The peer's table, and the API key that events/authorizer.json presents."""
    client = local_client(endpoint)
    if PEER_TABLE not in client.list_tables()["TableNames"]:
        client.create_table(
            TableName=PEER_TABLE,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    os.environ.update(dynamodb_environment(endpoint))
    from orgair.auth.keys import register_key
    from orgair.aws import reset_clients
    from orgair.settings import get_settings

    get_settings.cache_clear()
    reset_clients()
    register_key(AUTHORIZER_KEY, tenant_id="bench", scopes=frozenset({"admin"}), name="bench")
    reset_clients()


@contextmanager
def fresh_dynamodb() -> Iterator[str]:
    """A fresh embedded DynamoDB (its own process, the template's tables, seeded); yields its endpoint."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.dynamodb_server"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        if not endpoint.startswith("http"):
            raise RuntimeError("the embedded DynamoDB did not start")
        _seed(endpoint)
        yield endpoint
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
