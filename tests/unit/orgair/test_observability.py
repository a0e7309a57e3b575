"""Tracing in a Lambda-like process: the X-Ray SDK loads only with the first downstream client, and
then every DynamoDB and LLM (httpx) call is an X-Ray subsegment, as the SDK's UDP emitter sends it
to the daemon address (a socket on loopback here, the X-Ray daemon in AWS)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.local_runner import QuietHandler, serve_http

from devtools.embedded_dynamodb import EmbeddedDynamoDB

ROOT = Path(__file__).resolve().parents[3]
TRACE_ID = "1-5759e988-bd862e3fe1be46a994272793"

DOWNSTREAM_CALLS = """
import json, sys
from orgair.observability import tracer
loaded_at_import = "aws_xray_sdk" in sys.modules
from orgair.aws import dynamodb_client
from orgair.transport import http_client
dynamodb_client().list_tables()
http_client().get(sys.argv[1])
print(json.dumps({"loaded_at_import": loaded_at_import, "built": tracer.built}))
"""

NO_DOWNSTREAM_CALLS = """
import json, sys
sys.path[0:0] = [sys.argv[1], sys.argv[3]]
import app
from support.lambda_events import FakeLambdaContext
event = json.load(open(sys.argv[2]))
response = app.lambda_handler(event, FakeLambdaContext("HealthFunction"))
print(json.dumps({"status": response["statusCode"], "xray": sorted(m for m in sys.modules if m.startswith("aws_xray_sdk"))}))
"""


class _Provider(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server dispatches to do_<METHOD>
        self.reply(200, b'{"ok": true}', {"Content-Type": "application/json"})


@pytest.fixture
def daemon() -> Iterator[socket.socket]:
    """The X-Ray daemon's UDP port, on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock


@pytest.fixture
def llm_provider() -> Iterator[str]:
    with serve_http(_Provider) as url:
        yield f"{url}/v1/models"


def lambda_environment(daemon: socket.socket, extra: dict[str, str]) -> dict[str, str]:
    host, port = daemon.getsockname()
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(ROOT),
        "LAMBDA_TASK_ROOT": str(ROOT),
        "AWS_LAMBDA_FUNCTION_NAME": "TracingCheck",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "_X_AMZN_TRACE_ID": f"Root={TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=1",
        "AWS_XRAY_DAEMON_ADDRESS": f"{host}:{port}",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "PYDANTIC_DISABLE_PLUGINS": "1",
        **extra,
    }


def run(script: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def emitted(daemon: socket.socket) -> list[dict[str, Any]]:
    """Every entity the SDK sent: each datagram is a JSON header line, then the entity."""
    daemon.settimeout(0.5)
    entities: list[dict[str, Any]] = []
    while True:
        try:
            datagram = daemon.recv(65_535)
        except TimeoutError:
            return entities
        header, _, body = datagram.decode().partition("\n")
        assert json.loads(header) == {"format": "json", "version": 1}
        entities.append(json.loads(body))


@pytest.mark.network
def test_dynamodb_and_llm_calls_are_x_ray_subsegments_of_the_invocation(
    daemon: socket.socket, llm_provider: str
) -> None:
    server = EmbeddedDynamoDB().start()
    try:
        env = lambda_environment(daemon, {"AWS_ENDPOINT_URL_DYNAMODB": server.endpoint_url})
        result = run(DOWNSTREAM_CALLS, [llm_provider], env)
    finally:
        server.stop()
    entities = emitted(daemon)

    assert result == {"loaded_at_import": False, "built": True}
    dynamodb = [
        e for e in entities if e.get("namespace") == "aws" and e.get("name", "").lower() == "dynamodb"
    ]
    assert len(dynamodb) == 1
    assert dynamodb[0]["type"] == "subsegment"
    assert dynamodb[0]["trace_id"] == TRACE_ID
    assert dynamodb[0]["aws"]["operation"] == "ListTables"
    llm = [e for e in entities if e.get("namespace") == "remote"]
    assert len(llm) == 1
    assert llm[0]["type"] == "subsegment"
    assert llm[0]["trace_id"] == TRACE_ID
    assert llm[0]["http"]["request"]["url"] == llm_provider
    assert llm[0]["http"]["response"]["status"] == 200


@pytest.mark.network
def test_a_function_without_downstream_calls_never_loads_the_x_ray_sdk(daemon: socket.socket) -> None:
    env = lambda_environment(daemon, {})
    result = run(
        NO_DOWNSTREAM_CALLS,
        [str(ROOT / "functions" / "health"), str(ROOT / "events" / "health.json"), str(ROOT / "tests")],
        env,
    )

    assert result == {"status": 200, "xray": []}
    assert emitted(daemon) == []
