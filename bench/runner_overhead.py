"""The local runner's own overhead: the same requests through `make run`'s HTTP front and straight
to the handlers, at a fixed rate."""

from __future__ import annotations

import http.client
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench.layout import ROOT
from bench.samples import (
    FakeLambdaContext,
    api_event,
    load_module,
)
from bench.stats import summary


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
