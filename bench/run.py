"""`make bench`: every figure of docs/performance.md measured in one run, cold starts interleaved.

Cold starts, import profiles, warm latency, round trips and library throughput run in fresh
interpreters with the built artifact layout (bench/layout.py, bench/driver.py; the subjects in
bench/subjects.py, the measurements in bench/measure.py); the local runner's overhead is measured from
this process (bench/runner_overhead.py). Results go to bench/results.json and bench/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.layout import INTERPRETER_FLAGS, ROOT, RUNTIME_LOCK, Layout, prepare
from bench.measure import (
    measure_cold,
    measure_importtime,
    measure_init_imports,
    measure_library,
    measure_warm,
)
from bench.runner_overhead import measure_runner_overhead
from bench.stats import summary
from bench.subjects import Subject, build_subjects, fresh_dynamodb, load_functions


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
