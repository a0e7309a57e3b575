"""The real runner (`python -m devtools.localrun serve`) over HTTP with the service's own template and
authorizer: a bad key is a 401 without an authorizer error, and each tenant has its own request
quota (the usage plan's, from the TENANT_* settings), so one tenant's 429 leaves another served."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from devtools.cli import main as orgair
from devtools.template import ROOT

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_tenant-limits-admin-key-0123456789abcdefghij"
DAILY_QUOTA = 3
STARTUP_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    dynamodb_url: str
    lines: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    port, dynamodb_port = free_port(), free_port()
    environment = {
        **os.environ,
        "PORT": str(port),
        "DYNAMODB_PORT": str(dynamodb_port),
        "LOCAL_ADMIN_API_KEY": ADMIN_KEY,
        "PYTHONUNBUFFERED": "1",
        "TENANT_DAILY_QUOTA": str(DAILY_QUOTA),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.localrun", "serve"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Served(process, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{dynamodb_port}")

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            running.lines.append(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not any(line.startswith("Ready:") for line in running.lines):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the runner did not start:\n" + "\n".join(running.lines))
        time.sleep(0.05)
    yield running
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def new_key(served: Served, tenant: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert (
        orgair(
            ["--endpoint-url", served.dynamodb_url, "keys", "create", "--tenant", tenant, "--scopes", "admin"]
        )
        == 0
    )
    return capsys.readouterr().out.splitlines()[-1]


def detailed(served: Served, key: str) -> httpx.Response:
    return httpx.get(
        f"{served.url}/v2/health/detailed", headers={"Authorization": f"Bearer {key}"}, timeout=10
    )


def test_an_unknown_key_is_a_401_problem_and_no_authorizer_error(served: Served) -> None:
    response = detailed(served, "oak_" + "Z" * 43)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    body = response.json()
    assert body["type"] == "https://api.orgair.io/problems/unauthorized"
    assert body["status"] == 401
    time.sleep(0.2)
    assert not [line for line in served.lines if "AuthorizerFunction: [ERROR]" in line]


def test_one_tenant_past_its_quota_gets_429_while_another_is_still_served(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    busy, quiet = new_key(served, "busy", capsys), new_key(served, "quiet", capsys)
    assert [detailed(served, busy).status_code for _ in range(DAILY_QUOTA)] == [200] * DAILY_QUOTA
    refused = detailed(served, busy)
    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 86_400
    assert refused.json()["type"] == "https://api.orgair.io/problems/rate-limited"
    assert detailed(served, quiet).status_code == 200
