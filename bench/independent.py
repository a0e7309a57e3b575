"""`make bench-independent`: the simulate and liveness cold-start ratios measured a second, separate way.

Acceptance point 2 of issue #15: an independent measurement (fresh processes, the Lambda-like
interpreter, built artifacts) must agree with bench/results.md within 15 % on the simulate and
health ratios. This script shares no measuring code with bench/driver.py or bench/run.py
(bench/subjects.py, bench/measure.py):

- each cold start is `python -I -S -B -c <CHILD>` (CHILD below, a few lines): it puts the function,
  the layer and the runtime's packages on sys.path in Lambda's order, imports the handler, serves one
  event and prints the system-wide monotonic clock (CLOCK_MONOTONIC, the same clock in every process)
  before `os._exit`; the parent reads the same clock just before starting the process, so a cold
  start is process creation + interpreter start + imports + first response, timed from outside;
- the artifacts are `make build`'s, in the layout `make bench` prepares from them (bench/.lambda:
  the built function and layer with their shipped bytecode, bench/.runtime: the runtime's boto3
  stack, bench/.peer: the peer), which this script checks exist and are the ones under the build dir;
- subjects run interleaved in its own shuffled order (its own seed), N rounds; each ratio is the
  median of the per-round ratios, computed here from the raw times, and compared with the same
  ratio recomputed from bench/results.json's per-round times.

Writes bench/independent.md and bench/independent.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.independent_ratios import (
    COMPARED,
    FLOOR_LABEL,
    compare,
    paired_median_ratio,
    published_ratios,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"

CHILD = """
import os, sys, time
paths = os.environ["IND_PATHS"].split(os.pathsep)
sys.path[0:0] = paths[:-1]
sys.path.append(paths[-1])
spec = os.environ["IND_SPEC"]
if spec.startswith("code:"):
    exec(spec[5:], {})
    status = "floor"
else:
    import importlib, json
    module, _, name = spec.rpartition(".")
    handler = getattr(importlib.import_module(module), name)
    class Context:
        function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        function_version = "$LATEST"
        memory_limit_in_mb = "512"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + function_name
        aws_request_id = "00000000-0000-4000-8000-000000000000"
        log_group_name = "/aws/lambda/" + function_name
        log_stream_name = "independent"
        def get_remaining_time_in_millis(self):
            return 10000
    with open(os.environ["IND_EVENT"], encoding="utf-8") as handle:
        event = json.load(handle)
    status = handler(event, Context()).get("statusCode")
done = time.monotonic_ns()
os.write(1, f"{done} {status}\\n".encode())
os._exit(0)
"""
"""What each fresh process runs (standard library only before the handler's own imports)."""

FLOOR = "code:import boto3; boto3.client('dynamodb', region_name='us-east-1')"

SIMULATE_BODY = {
    "company_id": "independent-co-1",
    "sector": "financial_services",
    "dimensions": {
        "data_infrastructure": 66,
        "ai_governance": 52,
        "technology_stack": 71,
        "talent": 48,
        "leadership": 59,
        "use_case_portfolio": 63,
        "culture": 55,
    },
    "talent_concentration": 0.3,
    "market_cap_percentile": 0.62,
    "evidence_count": 5,
}


@dataclass
class Subject:
    label: str
    spec: str
    paths: list[Path]
    env: dict[str, str]
    event: dict[str, Any] | None = None
    times_ms: dict[int, float] = field(default_factory=dict)
    statuses: set[str] = field(default_factory=set)


def _api_event(method: str, path: str, body: Any, *, authorized: bool) -> dict[str, Any]:
    """An API Gateway REST (payload 1.0) event from the committed sample events/health.json; `authorized`
    adds the context our authorizer gives API Gateway for an admin key (the peer has no authorizer)."""
    event: dict[str, Any] = json.loads((ROOT / "events" / "health.json").read_text(encoding="utf-8"))
    headers = {"Content-Type": "application/json", "Host": "api.example.com"}
    event.update(
        {
            "resource": path,
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {key: [value] for key, value in headers.items()},
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": None,
            "stageVariables": {"paramVersion": "v2.0"},
            "body": None if body is None else json.dumps(body),
            "isBase64Encoded": False,
        }
    )
    context = dict(event.get("requestContext") or {})
    context.update({"stage": "v2", "httpMethod": method, "resourcePath": path, "path": f"/v2{path}"})
    if authorized:
        context["authorizer"] = {
            "tenant_id": "independent",
            "scopes": "admin",
            "key_id": "key-independent",
            "principalId": "key-independent",
        }
    event["requestContext"] = context
    return event


def _digest(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix == ".py":
            digest.update(str(path.relative_to(directory)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _check_artifacts(build_dir: Path, task: Path, name: str) -> None:
    """The prepared task is the built function (same sources) with bytecode next to them."""
    if not task.is_dir():
        raise SystemExit(
            f"{task} is missing: run `make bench` first (it prepares bench/.lambda from make build)"
        )
    if _digest(task) != _digest(build_dir / name):
        raise SystemExit(f"{task} differs from {build_dir / name}: run `make bench` again")
    if not any(task.rglob("*.pyc")):
        raise SystemExit(f"{task} has no shipped bytecode")


def _runtime_dir() -> Path:
    lock = BENCH / "runtime-requirements.txt"
    runtime = BENCH / ".runtime" / hashlib.sha256(lock.read_bytes()).hexdigest()[:16]
    if not (runtime / "boto3").is_dir():
        raise SystemExit(f"{runtime} is missing: run `make bench` first")
    return runtime


def _base_env(name: str, task: Path | None, runtime: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "HOME": str(BENCH / ".lambda" / "home"),
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "LAMBDA_RUNTIME_DIR": str(runtime),
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_SESSION_TOKEN": "local",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "_X_AMZN_TRACE_ID": "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=1",
        "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:9",
    }
    if task is not None:
        env["LAMBDA_TASK_ROOT"] = str(task)
    return env


def subjects(build_dir: Path) -> list[Subject]:
    from devtools.template import Template, load_template

    functions = {spec.logical_id: spec for spec in Template(load_template()).functions()}
    runtime = _runtime_dir()
    layer = BENCH / ".lambda" / "opt" / "python"
    if not (layer / "orgair").is_dir():
        raise SystemExit(f"{layer} is missing: run `make bench` first")
    found: list[Subject] = []
    for name, method, path, body, authorized in (
        ("SimulateFunction", "POST", "/scores/simulate", SIMULATE_BODY, True),
        ("HealthFunction", "GET", "/health/liveness", None, False),
    ):
        task = BENCH / ".lambda" / "task" / name
        _check_artifacts(build_dir, task, name)
        function = functions[name]
        env = {**_base_env(name, task, runtime), **function.environment}
        found.append(
            Subject(
                f"{name} {method} /v2{path}",
                function.handler,
                [task, layer, runtime],
                env,
                _api_event(method, path, body, authorized=authorized),
            )
        )
    peer = BENCH / ".peer"
    peer_task = peer / "task"
    peer_site = next((site for site in sorted(peer.glob("site-*")) if (site / "fastapi").is_dir()), None)
    if not (peer_task / "app.py").is_file() or peer_site is None:
        raise SystemExit(f"the peer is not prepared under {peer}: run `make bench` first")
    peer_env = {**_base_env("PeerFunction", peer_task, runtime), "PEER_TABLE_NAME": "peer-scores"}
    for label, method, path, body in (
        ("peer POST /scores/simulate", "POST", "/scores/simulate", SIMULATE_BODY),
        ("peer GET /health", "GET", "/health", None),
    ):
        found.append(
            Subject(
                label,
                "app.handler",
                [peer_task, peer_site, runtime],
                peer_env,
                _api_event(method, path, body, authorized=False),
            )
        )
    found.append(Subject(FLOOR_LABEL, FLOOR, [runtime], _base_env("FloorFunction", None, runtime)))
    return found


def cold_start(python: str, subject: Subject, scratch: Path) -> tuple[float, str]:
    """One fresh process: milliseconds from just before it is started to its first response."""
    env = {
        **subject.env,
        "IND_PATHS": os.pathsep.join(str(path) for path in subject.paths),
        "IND_SPEC": subject.spec,
    }
    if subject.event is not None:
        event_file = scratch / f"{abs(hash(subject.label))}.json"
        event_file.write_text(json.dumps(subject.event), encoding="utf-8")
        env["IND_EVENT"] = str(event_file)
    started = time.monotonic_ns()
    process = subprocess.run(
        [python, "-I", "-S", "-B", "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = process.stdout.strip().splitlines()
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"{subject.label} failed ({process.returncode}): {process.stderr[-1500:]}")
    done, status = lines[-1].split(" ", 1)
    return (int(done) - started) / 1e6, status


def _python() -> str:
    """The base Python 3.13 (not a venv's): where the running interpreter's stdlib comes from."""
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    return str(base if base.exists() else sys.executable)


def measure(rounds: int, seed: int, build_dir: Path) -> dict[str, Any]:
    found = subjects(build_dir)
    rng = random.Random(seed)
    python = _python()
    with tempfile.TemporaryDirectory(prefix="orgair-independent-") as scratch:
        for round_index in range(rounds):
            order = list(found)
            rng.shuffle(order)
            for subject in order:
                elapsed, status = cold_start(python, subject, Path(scratch))
                subject.times_ms[round_index] = elapsed
                subject.statuses.add(status)
            print(f"  independent round {round_index + 1}/{rounds} done", flush=True)
    by_label = {subject.label: subject for subject in found}
    ratios: dict[str, float | None] = {}
    for ours, peer in COMPARED:
        ratios[f"{ours} / {peer}"] = paired_median_ratio(by_label[ours].times_ms, by_label[peer].times_ms)
        ratios[f"{ours} / {FLOOR_LABEL}"] = paired_median_ratio(
            by_label[ours].times_ms, by_label[FLOOR_LABEL].times_ms
        )
    return {
        "python": python,
        "rounds": rounds,
        "seed": seed,
        "subjects": {
            subject.label: {
                "p50_ms": round(statistics.median(subject.times_ms.values()), 1),
                "min_ms": round(min(subject.times_ms.values()), 1),
                "statuses": sorted(subject.statuses),
                "times_ms": {str(key): round(value, 3) for key, value in subject.times_ms.items()},
                "sys_path_front": [str(path) for path in subject.paths],
            }
            for subject in found
        },
        "ratios": ratios,
    }


def markdown(measured: dict[str, Any], published: dict[str, float | None], results: dict[str, Any]) -> str:
    load = measured["load_average"]
    lines = [
        "# Independent cold-start measurement (bench/independent.py)",
        "",
        f"Generated by `make bench-independent` at {measured['generated_at']}, {measured['rounds']} interleaved "
        f"rounds (seed {measured['seed']}), `{measured['python']} -I -S -B -c <CHILD>` per cold start; load average "
        f"{load['before']} before and {load['after']} after (other helpers' work shares the 2 CPUs). "
        f"Compared with bench/results.json generated at {results.get('generated_at')} on commit {results.get('commit')}.",
        "",
        "How: see the docstring of bench/independent.py (no code shared with bench/driver.py or bench/run.py; "
        "times taken from outside the process with the system-wide monotonic clock).",
        "",
        "| ratio (paired median over rounds) | independent | bench/results.md | difference | within 15 % |",
        "|---|---:|---:|---:|---|",
    ]
    for name, value in measured["ratios"].items():
        verdict = compare(value, published.get(name))
        difference = verdict["difference_pct"]
        lines.append(
            f"| {name} | {_ratio(value)} | {_ratio(published.get(name))} | "
            f"{'–' if difference is None else f'{difference:+.1f} %'} | {'yes' if verdict['agrees'] else '**no**'} |"
        )
    lines += ["", "| subject | cold p50 | min | statuses |", "|---|---:|---:|---|"]
    for label, subject in measured["subjects"].items():
        lines.append(
            f"| {label} | {subject['p50_ms']:.1f} ms | {subject['min_ms']:.1f} ms | {', '.join(subject['statuses'])} |"
        )
    return "\n".join(lines) + "\n"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="independent cold-start measurement (make bench-independent)"
    )
    parser.add_argument("--build-dir", type=Path, default=ROOT / ".aws-sam" / "build")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seed", type=int, default=15015)
    args = parser.parse_args(argv)
    if args.rounds < 15:
        parser.error("--rounds must be at least 15")
    results = json.loads((BENCH / "results.json").read_text(encoding="utf-8"))
    before = [round(value, 2) for value in os.getloadavg()]
    measured = measure(args.rounds, args.seed, args.build_dir.resolve())
    measured["load_average"] = {"before": before, "after": [round(value, 2) for value in os.getloadavg()]}
    measured["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    published = published_ratios(results)
    measured["published"] = published
    measured["comparison"] = {
        name: compare(value, published.get(name)) for name, value in measured["ratios"].items()
    }
    (BENCH / "independent.json").write_text(json.dumps(measured, indent=2) + "\n", encoding="utf-8")
    (BENCH / "independent.md").write_text(markdown(measured, published, results), encoding="utf-8")
    print("wrote bench/independent.md and bench/independent.json", flush=True)
    return 0 if all(item["agrees"] for item in measured["comparison"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
