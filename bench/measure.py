"""The measurements made in fresh interpreters: cold starts (interleaved rounds), import profiles,
handler imports, warm latency with round trips, and library throughput."""

from __future__ import annotations

import random
from typing import Any

from bench.layout import Layout
from bench.samples import (
    company,
    sample_event_file,
    samples_for,
)
from bench.stats import summary
from bench.subjects import (
    LIBRARY_COMPANIES,
    Subject,
    fresh_dynamodb,
    function_env,
    handler_spec,
    lambda_env,
    run_driver,
)
from devtools.template_specs import FunctionSpec


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
            spec = {**handler_spec(function), "hooks": True, "first_event": item["event"], "warm": [item]}
            with fresh_dynamodb() as endpoint:
                env = function_env(layout, endpoint, function, task)
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
