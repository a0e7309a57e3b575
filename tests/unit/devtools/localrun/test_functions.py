"""Handlers in-process: loading, errors, timeouts, execution environments up to the reserved
concurrency (one request at a time each, the rest waiting in line), changed code picked up without
a restart (the watcher, gate and purge themselves: test_handlers.py)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from support.source_files import write

from devtools.localrun.functions import FunctionRegistry
from devtools.localrun.handlers import MODULE_PREFIX
from devtools.template_specs import FunctionSpec


def function(root: Path, logical_id: str, code: str, *, timeout: int = 3) -> FunctionSpec:
    write(root / logical_id / "app.py", code)
    return FunctionSpec(logical_id, root / logical_id, "app.lambda_handler", timeout, 128, {})


@pytest.fixture
def fresh_name() -> Iterator[str]:
    """A unique logical id; its module is dropped afterwards."""
    name = f"Fn{time.monotonic_ns()}"
    yield name
    for module in [module for module in sys.modules if module.startswith(MODULE_PREFIX + name)]:
        sys.modules.pop(module, None)


def test_handler_gets_event_and_a_lambda_context(tmp_path: Path, fresh_name: str) -> None:
    code = (
        "def lambda_handler(event, context):\n"
        "    return {'event': event, 'name': context.function_name, 'mb': context.memory_limit_in_mb,\n"
        "            'arn': context.invoked_function_arn, 'id': context.aws_request_id,\n"
        "            'group': context.log_group_name, 'stream': context.log_stream_name,\n"
        "            'left': context.get_remaining_time_in_millis()}\n"
    )
    registry = FunctionRegistry([function(tmp_path, fresh_name, code)])
    outcome = registry.invoke(fresh_name, {"a": 1}, request_id="rid-1")
    result = outcome.result
    assert outcome.error is None
    assert result["event"] == {"a": 1}
    assert result["name"] == fresh_name
    assert result["mb"] == "128"  # a string, as awslambdaric gives it
    assert result["arn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{fresh_name}"
    assert result["id"] == "rid-1"
    assert result["group"] == f"/aws/lambda/{fresh_name}"
    assert "[$LATEST]" in result["stream"]
    assert 2000 < result["left"] <= 3000


def test_a_raised_exception_is_reported_like_lambda(tmp_path: Path, fresh_name: str) -> None:
    registry = FunctionRegistry(
        [function(tmp_path, fresh_name, "def lambda_handler(event, context):\n    raise KeyError('k')\n")]
    )
    outcome = registry.invoke(fresh_name, {})
    assert outcome.error is not None
    payload = outcome.error.payload(outcome.request_id)
    assert payload["errorType"] == "KeyError"
    assert payload["errorMessage"] == "'k'"
    assert payload["stackTrace"]


def test_import_errors_are_reported_not_raised(tmp_path: Path, fresh_name: str) -> None:
    registry = FunctionRegistry([function(tmp_path, fresh_name, "def lambda_handler(:\n")])
    outcome = registry.invoke(fresh_name, {})
    assert outcome.error is not None
    assert outcome.error.error_type == "Runtime.UserCodeSyntaxError"
    assert MODULE_PREFIX + fresh_name not in sys.modules


@pytest.mark.wallclock
def test_timeout_returns_and_the_next_call_gets_a_fresh_instance(tmp_path: Path, fresh_name: str) -> None:
    code = (
        "import time\nSTARTS = []\n"
        "def lambda_handler(event, context):\n"
        "    STARTS.append(1)\n"
        "    if event.get('sleep'):\n        time.sleep(event['sleep'])\n"
        "    return len(STARTS)\n"
    )
    registry = FunctionRegistry([function(tmp_path, fresh_name, code)])
    started = time.monotonic()
    outcome = registry.invoke(fresh_name, {"sleep": 2}, timeout=0.2)
    assert outcome.timed_out
    assert time.monotonic() - started < 1.5
    # A fresh environment: the module was loaded again, so its state starts over.
    assert registry.invoke(fresh_name, {}).result == 1


PEAK_CODE = (
    "import threading, time\nACTIVE = []\nPEAK = [0]\nLOCK = threading.Lock()\n"
    "def lambda_handler(event, context):\n"
    "    with LOCK:\n        ACTIVE.append(1)\n        PEAK[0] = max(PEAK[0], len(ACTIVE))\n"
    "    time.sleep(event.get('sleep', 0.05))\n"
    "    with LOCK:\n        ACTIVE.pop()\n"
    "    return [PEAK[0], context.log_stream_name]\n"
)


def _invoke_at_once(registry: FunctionRegistry, name: str, count: int, **kwargs: object) -> list[object]:
    outcomes: list[object] = []
    start = threading.Barrier(count)

    def call() -> None:
        start.wait()
        outcomes.append(registry.invoke(name, {}, **kwargs))  # type: ignore[arg-type]

    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_each_execution_environment_serves_one_request_at_a_time(tmp_path: Path, fresh_name: str) -> None:
    registry = FunctionRegistry([function(tmp_path, fresh_name, PEAK_CODE)], default_concurrency=3)
    outcomes = _invoke_at_once(registry, fresh_name, 9)
    results = [outcome.result for outcome in outcomes]  # type: ignore[attr-defined]
    assert len(results) == 9
    # Each environment has its own copy of the module: none ever saw two requests at once.
    assert {peak for peak, _ in results} == {1}
    registry.close()


def test_requests_run_concurrently_up_to_the_reserved_concurrency_and_the_rest_wait(
    tmp_path: Path, fresh_name: str
) -> None:
    spec = replace(function(tmp_path, fresh_name, PEAK_CODE), reserved_concurrency=3)
    lines: list[str] = []
    registry = FunctionRegistry([spec], default_concurrency=50, log=lines.append)
    started = time.monotonic()
    outcomes = _invoke_at_once(registry, fresh_name, 9)
    elapsed = time.monotonic() - started
    assert all(outcome.error is None and not outcome.timed_out for outcome in outcomes)  # type: ignore[attr-defined]
    streams = {outcome.result[1] for outcome in outcomes}  # type: ignore[attr-defined]
    assert len(streams) == 3  # three environments (log streams), as Lambda would start
    assert registry.environments(fresh_name) == 3
    assert sorted(line.split(" (")[0] for line in lines) == [
        f"{fresh_name}: INIT_START execution environment {slot}" for slot in (1, 2, 3)
    ]
    # 9 requests of 50 ms through at most 3 environments take at least three rounds (never 9 at once).
    assert elapsed >= 0.15
    registry.close()


def test_sequential_requests_reuse_one_warm_environment(tmp_path: Path, fresh_name: str) -> None:
    registry = FunctionRegistry([function(tmp_path, fresh_name, PEAK_CODE)], default_concurrency=5)
    streams = {registry.invoke(fresh_name, {"sleep": 0}).result[1] for _ in range(5)}
    assert len(streams) == 1
    assert registry.environments(fresh_name) == 1
    registry.close()


def test_a_request_that_finds_no_free_environment_within_its_wait_is_queued_not_run(
    tmp_path: Path, fresh_name: str
) -> None:
    registry = FunctionRegistry([function(tmp_path, fresh_name, PEAK_CODE)], concurrency={fresh_name: 1})
    busy = threading.Thread(target=registry.invoke, args=(fresh_name, {"sleep": 0.6}))
    busy.start()
    time.sleep(0.1)
    outcome = registry.invoke(fresh_name, {}, queue_timeout=0.2)
    busy.join()
    assert outcome.queued
    assert outcome.timed_out
    assert outcome.result is None
    assert 150 <= outcome.duration_ms < 550
    # The waiting did not break anything: the environment serves the next request.
    assert registry.invoke(fresh_name, {"sleep": 0}, queue_timeout=1).result[0] == 1
    registry.close()


def test_a_waiting_request_is_served_when_an_environment_comes_free(tmp_path: Path, fresh_name: str) -> None:
    registry = FunctionRegistry([function(tmp_path, fresh_name, PEAK_CODE)], default_concurrency=1)
    busy = threading.Thread(target=registry.invoke, args=(fresh_name, {"sleep": 0.3}))
    busy.start()
    time.sleep(0.05)
    outcome = registry.invoke(fresh_name, {"sleep": 0}, queue_timeout=5)
    busy.join()
    assert not outcome.queued
    assert outcome.result[0] == 1
    registry.close()


def test_changed_code_is_picked_up_without_restart(
    tmp_path: Path, fresh_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit in the function or in a shared package reloads both on the next invocation."""
    layer = tmp_path / "layer"
    package = f"lrshared{time.monotonic_ns()}"
    shared = write(layer / package / "__init__.py", "VALUE = 'one'\n")
    monkeypatch.syspath_prepend(str(layer))
    code = f"import {package}\ndef lambda_handler(event, context):\n    return {package}.VALUE + ' v1'\n"
    functions = tmp_path / "functions"
    spec = function(functions, fresh_name, code)
    reloads: list[list[str]] = []
    registry = FunctionRegistry(
        [spec], watch_roots=[functions, layer], shared_packages=(package,), on_reload=reloads.append
    )
    try:
        assert registry.invoke(fresh_name, {}).result == "one v1"
        write(shared, "VALUE = 'two'\n")
        assert registry.invoke(fresh_name, {}).result == "two v1"
        write(functions / fresh_name / "app.py", code.replace("v1", "v2"))
        assert registry.invoke(fresh_name, {}).result == "two v2"
        assert reloads == [[str(shared)], [str(functions / fresh_name / "app.py")]]
    finally:
        sys.modules.pop(package, None)


RESOLVER_CODE = (
    "import time\nfrom aws_lambda_powertools.event_handler import APIGatewayRestResolver\n"
    "app = APIGatewayRestResolver()\n"
    "@app.get('/<name>')\n"
    "def echo(name):\n"
    "    time.sleep(0.1)  # the other environments resolve their requests meanwhile\n"
    "    return {'asked': name, 'seen': app.current_event.path, 'request': app.lambda_context.aws_request_id}\n"
    "def lambda_handler(event, context):\n    return app.resolve(event, context)\n"
)


def test_an_edit_of_the_same_size_within_the_same_second_is_picked_up_over_cached_bytecode(
    tmp_path: Path, fresh_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    functions = tmp_path / "functions"
    spec = function(functions, fresh_name, "def lambda_handler(event, context):\n    return 'one'\n")
    source = functions / fresh_name / "app.py"
    second = source.stat().st_mtime_ns // 1_000_000_000 * 1_000_000_000
    os.utime(source, ns=(second, second + 100))
    # No shared packages: a reload would otherwise purge this process's own `orgair` modules.
    registry = FunctionRegistry([spec], watch_roots=[functions], shared_packages=())
    try:
        assert registry.invoke(fresh_name, {}).result == "one"
        assert Path(importlib.util.cache_from_source(str(source))).is_file()

        source.write_text("def lambda_handler(event, context):\n    return 'two'\n")
        os.utime(source, ns=(second, second + 200))  # same whole second, same size: the .pyc matches

        assert registry.invoke(fresh_name, {}).result == "two"
    finally:
        registry.close()


def test_concurrent_environments_of_a_powertools_function_each_see_only_their_own_request(
    tmp_path: Path, fresh_name: str
) -> None:
    """Powertools keeps the current request on a class attribute; the runner keeps it per environment."""
    registry = FunctionRegistry([function(tmp_path, fresh_name, RESOLVER_CODE)], default_concurrency=4)
    answers: dict[str, dict[str, str]] = {}
    start = threading.Barrier(4)

    def call(name: str) -> None:
        start.wait()
        event = {"httpMethod": "GET", "path": f"/{name}", "headers": {}, "requestContext": {"stage": "v1"}}
        outcome = registry.invoke(fresh_name, event, request_id=f"rid-{name}")
        answers[name] = json.loads(outcome.result["body"])

    threads = [threading.Thread(target=call, args=(name,)) for name in ("a", "b", "c", "d")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    registry.close()
    assert registry.environments(fresh_name) == 0
    assert answers == {
        name: {"asked": name, "seen": f"/{name}", "request": f"rid-{name}"} for name in ("a", "b", "c", "d")
    }
