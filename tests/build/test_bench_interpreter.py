"""`make bench` measures the way Lambda runs a function: its interpreter (bench/layout.py, driver.py)
sees the standard library, the built function, the built layer and the runtime's boto3 stack
(bench/runtime-requirements.txt) and nothing else: no module of the dev venv (awscrt, pyOpenSSL,
cryptography, which botocore would pick up) and no site-packages can be imported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import layout as bench_layout
from bench.samples import samples_for
from bench.subjects import FLOOR_CODE, fresh_dynamodb, lambda_env, load_functions, run_driver

SUBJECTS = (
    ("SimulateFunction", "POST /v2/scores/simulate", False),
    ("HealthFunction", "GET /v2/health/liveness", False),
    ("ScoresFunction", "POST /v2/scores", True),
)


@pytest.fixture(scope="module")
def layout(build_dir: Path) -> bench_layout.Layout:
    notes: list[str] = []
    names = [name for name, _, _ in SUBJECTS]
    return bench_layout.Layout(
        python=bench_layout._interpreter(),
        runtime=bench_layout._runtime(),
        layer=bench_layout._layer(build_dir, notes),
        pinned_layer=bench_layout.LAMBDA_DIR / "unused",
        tasks=bench_layout._tasks(build_dir, names),
    )


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with fresh_dynamodb() as url:
        yield url


def _expected_sys_path(result: dict[str, object], *front: Path, runtime: Path) -> list[str]:
    stdlib = result["stdlib_path"]
    assert isinstance(stdlib, list)
    return [*(str(path) for path in front), *stdlib, str(runtime)]


@pytest.mark.parametrize(("function", "route", "hooks"), SUBJECTS)
def test_a_function_imports_nothing_from_outside_the_lambda_layout(
    layout: bench_layout.Layout, endpoint: str, function: str, route: str, hooks: bool
) -> None:
    spec = next(item for item in load_functions() if item.logical_id == function)
    sample = next(item for item in samples_for(spec)[0] if item.name == route)
    task = layout.tasks[function]
    env = lambda_env(layout, endpoint, function, layout.pythonpath(task), spec.environment, spec.memory_mb)
    driver_spec = {
        "mode": "handler",
        "handler": spec.handler,
        "function_name": function,
        "first_event": sample.event(),
        "hooks": hooks,
    }

    _, result, errors = run_driver(layout, driver_spec, env)

    assert result, errors[-3000:]
    assert str(result["first_status"]).startswith("2"), result.get("first_body")
    assert result["outside_modules"] == []
    assert result["sys_path"] == _expected_sys_path(result, task, layout.layer, runtime=layout.runtime)
    assert all("site-packages" not in entry for entry in result["sys_path"])


def test_the_floor_imports_only_the_runtime_s_boto3(layout: bench_layout.Layout, endpoint: str) -> None:
    env = lambda_env(layout, endpoint, "FloorFunction", str(layout.runtime), {})

    _, result, errors = run_driver(layout, {"mode": "floor", "code": FLOOR_CODE}, env)

    assert result, errors[-3000:]
    assert result["outside_modules"] == []
    assert result["sys_path"] == _expected_sys_path(result, runtime=layout.runtime)
