"""`make bench`: every figure of docs/performance.md measured in one run, cold starts interleaved.

Cold starts, import profiles, warm latency, round trips and library throughput run in fresh
interpreters with the built artifact layout (bench/layout.py, bench/driver.py); the local runner's
overhead is measured from this process. Results go to bench/results.json and bench/results.md.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.layout import INTERPRETER_FLAGS, LAMBDA_DIR, ROOT, RUNTIME_LOCK, Layout, prepare, without_bytecode
from bench.samples import (
    PEER_REQUESTS,
    FakeLambdaContext,
    api_event,
    company,
    load_module,
    sample_event_file,
    samples_for,
)
from bench.stats import summary
from devtools.embedded_dynamodb import dynamodb_environment, local_client
from devtools.template import FunctionSpec, Template, load_template

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
        base = {
            "mode": "handler",
            "handler": function.handler,
            "function_name": function.logical_id,
            "memory_mb": str(function.memory_mb),
        }
        cold = [sample for sample in samples if sample.cold]
        if not function.routes:
            event = sample_event_file(function)
            if event is not None:
                env = lambda_env(
                    layout,
                    endpoint,
                    function.logical_id,
                    layout.pythonpath(task),
                    function.environment,
                    function.memory_mb,
                )
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
            env = lambda_env(
                layout,
                endpoint,
                function.logical_id,
                layout.pythonpath(task),
                function.environment,
                function.memory_mb,
            )
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


def measure_cold(layout: Layout, subjects: list[Subject], runs: int, rng: random.Random) -> None:
    """`runs` rounds; every subject once per round, in a new random order each round."""
    for round_index in range(runs):
        order = list(subjects)
        rng.shuffle(order)
        for subject in order:
            started, result, errors = run_driver(layout, subject.spec, subject.env)
            if not result:
                subject.errors.append(errors[-2000:])
                continue
            subject.sys_path = result.get("sys_path", [])
            subject.outside.update(result.get("outside_modules", []))
            subject.samples.append(
                {
                    "round": round_index,
                    "cold_ms": (result["t_first_ns"] - started) / 1e6,
                    "startup_ms": (result["t_start_ns"] - started) / 1e6,
                    "import_ms": (result["t_imported_ns"] - result["t_start_ns"]) / 1e6,
                    "first_event_ms": (result["t_first_ns"] - result["t_imported_ns"]) / 1e6,
                    "rss_mb": result.get("rss_kb", 0) / 1024,
                    "status": result.get("first_status"),
                    "body": result.get("first_body", "") if round_index == 0 else "",
                }
            )
        print(f"  cold round {round_index + 1}/{runs} done", flush=True)


def parse_importtime(stderr: str, top: int = 12) -> dict[str, Any]:
    """Self time summed per top-level package (what each package costs, its dependencies apart)."""
    by_package: dict[str, int] = {}
    for line in stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        package = parts[2].strip().split(".", 1)[0]
        by_package[package] = by_package.get(package, 0) + int(parts[0])
    packages = sorted(by_package.items(), key=lambda item: item[1], reverse=True)[:top]
    return {
        "packages_ms": [[package, round(micros / 1000, 1)] for package, micros in packages],
        "total_self_ms": round(sum(by_package.values()) / 1000, 1),
    }


def measure_importtime(layout: Layout, subjects: list[Subject]) -> dict[str, Any]:
    profiles: dict[str, Any] = {}
    for subject in subjects:
        if "peer" in subject.tags or "variant" in subject.tags:
            continue
        _, result, errors = run_driver(layout, subject.spec, subject.env, "-X", "importtime")
        if result:
            profiles[subject.label] = parse_importtime(errors)
    return profiles


def _warm_items(function: FunctionSpec) -> tuple[list[dict[str, Any]], list[str]]:
    samples, not_sampled = samples_for(function)
    items: list[dict[str, Any]] = [
        {
            "name": sample.name,
            "event": sample.event(),
            "iterations": sample.iterations,
            "warmup": sample.warmup,
            "unique_headers": list(sample.unique_headers),
        }
        for sample in samples
    ]
    if not function.routes:
        event = sample_event_file(function)
        if event is not None:
            items.append(
                {"name": f"{function.logical_id} event", "event": event, "iterations": 200, "warmup": 20}
            )
    return items, not_sampled


def _warm_summary(function: str, measured: dict[str, Any]) -> dict[str, Any]:
    totals = [value / 1e6 for value in measured["total_ns"]]
    spent = [value / 1e6 for value in measured["dynamodb_ns"]]
    wire = [value / 1e6 for value in measured["wire_ns"]]
    ours = [total - part for total, part in zip(totals, spent, strict=True)]
    ours_with_client = [total - part for total, part in zip(totals, wire, strict=True)]
    succeeded = all(str(status).startswith("2") or status == "ok" for status in measured["statuses"])
    return {
        "function": function,
        "total_ms": summary(totals),
        "dynamodb_ms": summary(spent),
        "wire_ms": summary(wire),
        "ours_ms": summary(ours),
        "ours_with_botocore_ms": summary(ours_with_client),
        "calls_per_request": summary([float(count) for count in measured["calls"]]),
        "operations": measured["operations"],
        "max_in_flight": measured["max_in_flight"],
        "statuses": measured["statuses"],
        "peak_rss_mb": round(measured.get("peak_rss_kb", 0) / 1024, 1),
        "body_sample": "" if succeeded else measured["body_sample"],
    }


def measure_warm(layout: Layout, functions: list[FunctionSpec]) -> tuple[dict[str, Any], list[str]]:
    """Each route in a fresh environment and a fresh DynamoDB: warmed up, then timed with hooks on."""
    routes: dict[str, Any] = {}
    missing: list[str] = []
    for function in functions:
        task = layout.tasks.get(function.logical_id)
        items, not_sampled = _warm_items(function)
        missing.extend(not_sampled)
        if task is None:
            continue
        for item in items:
            spec = {
                "mode": "handler",
                "handler": function.handler,
                "function_name": function.logical_id,
                "memory_mb": str(function.memory_mb),
                "hooks": True,
                "first_event": item["event"],
                "warm": [item],
            }
            with fresh_dynamodb() as endpoint:
                env = lambda_env(
                    layout,
                    endpoint,
                    function.logical_id,
                    layout.pythonpath(task),
                    function.environment,
                    function.memory_mb,
                )
                _, result, errors = run_driver(layout, spec, env)
            measured = result.get("warm", {}).get(item["name"])
            if measured is None:
                routes[item["name"]] = {"function": function.logical_id, "error": errors[-1500:]}
            else:
                routes[item["name"]] = _warm_summary(function.logical_id, measured)
        print(f"  warm {function.logical_id} done", flush=True)
    return routes, missing


def measure_init_imports(layout: Layout, functions: list[FunctionSpec], runs: int = 3) -> dict[str, Any]:
    """Every function's handler import alone (no event): how long, and which heavy packages it loads."""
    found: dict[str, Any] = {}
    for function in functions:
        task = layout.tasks.get(function.logical_id)
        if task is None:
            continue
        env = lambda_env(
            layout,
            "http://127.0.0.1:9",
            function.logical_id,
            layout.pythonpath(task),
            function.environment,
            function.memory_mb,
        )
        spec = {"mode": "handler", "handler": function.handler, "function_name": function.logical_id}
        times: list[float] = []
        loaded: list[str] = []
        for _ in range(runs):
            _, result, errors = run_driver(layout, spec, env)
            if not result:
                found[function.logical_id] = {"error": errors[-1500:]}
                break
            times.append((result["t_imported_ns"] - result["t_start_ns"]) / 1e6)
            loaded = result.get("loaded_at_import", [])
        else:
            found[function.logical_id] = {"import_ms": summary(times), "loaded": loaded}
    return found


def measure_library(layout: Layout, endpoint: str) -> dict[str, Any]:
    env = lambda_env(layout, endpoint, "LibraryBench", layout.pythonpath(layout.layer), {})
    spec = {
        "mode": "floor",
        "code": "",
        "library": {"companies": [company(index) for index in range(LIBRARY_COMPANIES)], "seconds": 3},
    }
    _, result, errors = run_driver(layout, spec, env)
    if not result:
        return {"error": errors[-1500:]}
    return {key: round(value) for key, value in result["library"].items()}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(
    port: int, path: str, connection: http.client.HTTPConnection | None
) -> tuple[float, http.client.HTTPConnection, int]:
    for _ in range(2):
        connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
        except (ConnectionError, http.client.HTTPException):
            connection.close()
            connection = None
            continue
        elapsed = (time.perf_counter() - started) * 1000
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = None
        return (
            elapsed,
            connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10),
            response.status,
        )
    raise ConnectionError(f"the local runner on port {port} did not answer {path}")


@contextmanager
def _local_runner(port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "PORT": str(port), "DYNAMODB_PORT": str(_free_port())}
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.localrun", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def _stdout_to_devnull() -> Iterator[None]:
    """The handler's log lines go where the runner's go (nowhere), so both pay the same for them."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)


def measure_runner_overhead(requests: int = 200, warmup: int = 20, rate: float = 40.0) -> dict[str, Any]:
    """GET /v1/health/liveness through `python -m devtools.localrun serve` vs the handler called directly.

    Requests are paced below the stage's throttling rate (50/s) so the runner's rate limiter stays out of it.
    """
    if importlib.util.find_spec("devtools.localrun.__main__") is None:
        return {"status": "not yet available (devtools.localrun has no __main__)"}
    module = load_module("bench_health_app", ROOT / "functions" / "health" / "app.py")
    direct: list[float] = []
    with _stdout_to_devnull():
        for index in range(requests + warmup):
            event = api_event("GET", "/health/liveness", stage="v1")
            started = time.perf_counter()
            module.lambda_handler(event, FakeLambdaContext("HealthFunction"))
            if index >= warmup:
                direct.append((time.perf_counter() - started) * 1000)
    port = _free_port()
    through: list[float] = []
    statuses: set[int] = set()
    with _local_runner(port) as process:
        deadline = time.monotonic() + 90
        connection: http.client.HTTPConnection | None = None
        while True:
            if process.poll() is not None:
                return {"status": f"not available (the runner exited with status {process.returncode})"}
            try:
                _, connection, status = _get(port, "/v1/health/liveness", None)
                if status == 200:
                    break
            except (ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                return {"status": "not available (the runner did not answer within 90 s)"}
            time.sleep(0.25)
        time.sleep(2.5)
        paced_from = time.monotonic()
        for index in range(requests + warmup):
            time.sleep(max(0.0, paced_from + index / rate - time.monotonic()))
            elapsed, connection, status = _get(port, "/v1/health/liveness", connection)
            statuses.add(status)
            if index >= warmup and status == 200:
                through.append(elapsed)
        connection.close()
    direct_summary, through_summary = summary(direct), summary(through)
    if not through:
        return {"status": f"not available (the runner answered {sorted(statuses)})"}
    return {
        "status": "measured",
        "direct_ms": direct_summary,
        "through_runner_ms": through_summary,
        "overhead_p50_ms": round(through_summary["p50"] - direct_summary["p50"], 3),
        "runner_statuses": sorted(statuses),
    }


def artifact_sizes(build_dir: Path) -> dict[str, Any]:
    """Unzipped bytes of each built artifact, bytecode included; "other" is what is not code
    (the OpenAPI documents and the Swagger UI files OpenApiFunction serves, the layer's native
    extensions and data)."""
    sizes: dict[str, Any] = {}
    for artifact in sorted(path for path in build_dir.iterdir() if path.is_dir()):
        totals = {"total": 0, "py": 0, "pyc": 0, "other": 0}
        for path in artifact.rglob("*"):
            if path.is_file() and not path.is_symlink():
                size = path.stat().st_size
                kind = "py" if path.suffix == ".py" else "pyc" if path.suffix == ".pyc" else "other"
                totals[kind] += size
                totals["total"] += size
        sizes[artifact.name] = totals
    return sizes


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


def _distributions(site: Path) -> list[str]:
    """`name==version` of every distribution installed in a directory."""
    found = []
    for dist_info in site.glob("*.dist-info"):
        name, version = dist_info.name.removesuffix(".dist-info").rsplit("-", 1)
        found.append(f"{name}=={version}")
    return sorted(found, key=str.lower)


def interpreter_record(layout: Layout, subjects: list[Subject]) -> dict[str, Any]:
    """What the Lambda-like interpreter was: command, sys.path, packages, modules loaded from outside."""
    examples = {
        subject.label: subject.sys_path
        for subject in subjects
        if subject.sys_path and ("floor" in subject.tags or "no-sdk" in subject.tags)
    }
    return {
        "command": [str(layout.python), *INTERPRETER_FLAGS, "bench/driver.py", "<spec.json>"],
        "python": subprocess.run(
            [str(layout.python), *INTERPRETER_FLAGS, "-c", "import sys; print(sys.version.split()[0])"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip(),
        "runtime_lock": str(RUNTIME_LOCK.relative_to(ROOT)),
        "runtime_packages": _distributions(layout.runtime),
        "layer_packages": _distributions(layout.layer),
        "sys_path": examples,
        "outside_modules": {
            subject.label: sorted(subject.outside) for subject in subjects if subject.outside
        },
        "subjects_checked": sum(1 for subject in subjects if subject.sys_path),
    }


def _load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _git(*args: str) -> str:
    if shutil.which("git") is None:
        return ""
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return result.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="orgair performance benchmark (make bench)")
    parser.add_argument("--build-dir", type=Path, default=ROOT / ".aws-sam" / "build")
    parser.add_argument("--runs", type=int, default=15, help="cold starts per subject (interleaved)")
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args(argv)
    started = time.monotonic()
    load_before = _load_average()
    functions = load_functions()
    print("preparing the Lambda layout under bench/.lambda and the peer under bench/.peer", flush=True)
    layout = prepare(args.build_dir.resolve(), [function.logical_id for function in functions])
    with fresh_dynamodb() as endpoint:
        subjects = build_subjects(layout, functions, endpoint)
        print(f"cold starts: {len(subjects)} subjects x {args.runs} runs, interleaved", flush=True)
        measure_cold(layout, subjects, args.runs, random.Random(args.seed))
        interpreter = interpreter_record(layout, subjects)
        print("import profiles", flush=True)
        importtime = measure_importtime(layout, subjects)
    print("handler imports", flush=True)
    init_imports = measure_init_imports(layout, functions)
    print("warm latency and round trips", flush=True)
    warm, not_sampled = measure_warm(layout, functions)
    print("library throughput", flush=True)
    library = measure_library(layout, "http://127.0.0.1:9")
    print("local runner overhead", flush=True)
    runner = measure_runner_overhead()
    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": _load_average(),
        },
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "runs": args.runs,
        "notes": layout.notes,
        "interpreter": interpreter,
        "template_routes": {
            function.logical_id: [f"{route.method.upper()} {route.path}" for route in function.routes]
            for function in functions
        },
        "cold": [
            {
                "label": subject.label,
                "function": subject.function,
                "route": subject.route,
                "peer": subject.peer_label,
                "floor_with_calls": subject.floor_label,
                "tags": list(subject.tags),
                "cold_ms": summary([sample["cold_ms"] for sample in subject.samples]),
                "cold_ms_by_round": {
                    str(sample["round"]): round(sample["cold_ms"], 3) for sample in subject.samples
                },
                "startup_ms": summary([sample["startup_ms"] for sample in subject.samples]),
                "import_ms": summary([sample["import_ms"] for sample in subject.samples]),
                "first_event_ms": summary([sample["first_event_ms"] for sample in subject.samples]),
                "rss_mb": summary([sample["rss_mb"] for sample in subject.samples]),
                "statuses": sorted({str(sample["status"]) for sample in subject.samples}),
                "first_body": next((s["body"] for s in subject.samples if s["body"]), ""),
                "errors": subject.errors[:1],
            }
            for subject in subjects
        ],
        "importtime": importtime,
        "init_imports": init_imports,
        "warm": warm,
        "not_sampled": not_sampled,
        "library": library,
        "runner": runner,
        "sizes": artifact_sizes(args.build_dir),
    }
    results["duration_s"] = round(time.monotonic() - started, 1)
    report.write(results)
    print(f"wrote bench/results.md and bench/results.json in {results['duration_s']} s", flush=True)
    return 0
