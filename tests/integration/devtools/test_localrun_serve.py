"""The real local runner as a subprocess, over real HTTP on loopback: what `make run` and
`make invoke` give a developer."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator

import httpx
import pytest
from support.local_runner import Runner, start, stop
from support.local_runner import runner_environment as local_runner_environment
from support.python_runs import run_python

from devtools.template import ROOT, Template, load_template

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_integration-admin-key-0123456789abcdefghij"


def runner_environment(**overrides: str) -> dict[str, str]:
    return local_runner_environment(LOCAL_ADMIN_API_KEY=ADMIN_KEY, **overrides)


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    running = start(runner_environment())
    yield running
    stop(running)


@pytest.fixture(scope="module")
def client(runner: Runner) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=runner.url, timeout=10) as session:
        yield session


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "instance", "correlation_id"} <= set(body)
    return dict(body)


def test_startup_lists_every_route_with_its_url(runner: Runner) -> None:
    output = "\n".join(runner.lines)  # the whole startup banner, not only its last lines
    for stage in ("v1", "v2"):
        assert f"GET     {runner.url}/{stage}/health " in output
    assert f"{runner.url}/_local/invoke/HealthFunction" in output
    assert "LOCAL_ADMIN_API_KEY registered" in output


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_health_on_both_stages(client: httpx.Client, stage: str) -> None:
    response = client.get(f"/{stage}/health")
    assert response.status_code == 200
    assert response.json()["stage"] == stage
    assert response.headers["x-request-id"]


def test_correlation_id_is_echoed_and_logged(client: httpx.Client, runner: Runner) -> None:
    response = client.get("/v2/health", headers={"X-Correlation-ID": "abc"})
    assert response.status_code == 200
    assert response.headers["x-correlation-id"] == "abc"
    runner.wait_for_line(r"GET /v2/health -> 200 .*correlation_id=abc")


def test_admin_key_passes_the_authorizer(client: httpx.Client) -> None:
    assert_problem(client.get("/v1/health/detailed"), 401)
    response = client.get("/v1/health/detailed", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert response.status_code == 200, response.text


def test_unknown_route_is_404_problem(client: httpx.Client) -> None:
    body = assert_problem(client.get("/v1/no/such/route"), 404)
    assert body["instance"] == "/v1/no/such/route"


@pytest.mark.parametrize("method", ["DELETE", "TRACE", "CONNECT", "PROPFIND", "BREW"])
def test_a_method_no_route_defines_is_the_templates_404_problem_never_a_501_page(
    client: httpx.Client, method: str
) -> None:
    body = assert_problem(client.request(method, "/v1/health"), 404)
    assert body["instance"] == "/v1/health"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", 400),
        (b"NOT AN HTTP REQUEST LINE AT ALL\r\n\r\n", 400),
        (b"GET /v1/health HTTP/9.0\r\n\r\n", 505),
    ],
    ids=["bad Content-Length", "bad request line", "unknown HTTP version"],
)
def test_a_request_that_is_not_http_is_a_problem_never_an_html_page(
    runner: Runner, request_bytes: bytes, status: int
) -> None:
    host, port = runner.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request_bytes)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, payload = answer.decode("latin-1").partition("\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status}")
    assert "application/problem+json" in head
    assert json.loads(payload)["status"] == status


def test_malformed_json_to_a_post_route_is_400_problem(client: httpx.Client) -> None:
    template = Template(load_template())
    posts = sorted(
        (route.path for spec in template.functions() for route in spec.routes if route.method == "POST"),
        key=lambda path: (path.count("{"), path),
    )
    if not posts:
        pytest.skip("template.yaml has no POST route yet (POST /scores is the first planned one)")
    path = re.sub(r"\{[^}]+\}", "x", posts[0])
    response = client.post(
        f"/v1{path}",
        content=b'{"company_id": ',
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {ADMIN_KEY}"},
    )
    body = assert_problem(response, 400)
    assert body["type"] == "https://api.orgair.io/problems/malformed-request"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [({"W_TALENT": "0.5"}, "W_TALENT"), ({"APP_ENV": "production", "DEBUG": "true"}, "DEBUG")],
)
def test_invalid_configuration_stops_startup(overrides: dict[str, str], named: str) -> None:
    completed = run_python(
        "-m", "devtools.localrun", "serve", env=runner_environment(**overrides), timeout=30
    )
    assert completed.returncode != 0
    assert "invalid configuration" in completed.stderr
    assert named in completed.stderr
    assert "Ready:" not in completed.stdout


def test_sigint_stops_everything_with_exit_0() -> None:
    environment = runner_environment()
    running = start(environment)
    assert stop(running) == 0
    assert "Stopped." in running.output()
    for port in (environment["PORT"], environment["DYNAMODB_PORT"]):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", int(port))) != 0


INVOKE_HEALTH = ("-m", "devtools.localrun", "invoke", "HealthFunction", "--event")
"""`make invoke FN=HealthFunction EVENT=...` without make; the event file (or - for stdin) follows."""


def test_invoke_prints_the_handler_result() -> None:
    completed = run_python(*INVOKE_HEALTH, "events/health.json", env=runner_environment(), timeout=30)
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["stage"] == "v2"
    assert "REPORT RequestId:" in completed.stderr


def dynamodb_port(runner: Runner) -> int:
    line = runner.wait_for_line(r"^DynamoDB \(embedded moto\): http://127\.0\.0\.1:\d+")
    found = re.search(r":(\d+)\s", line)
    assert found is not None
    return int(found.group(1))


def test_invoke_uses_the_running_runners_dynamodb(runner: Runner) -> None:
    event = json.loads((ROOT / "events" / "health.json").read_text())
    event.update({"resource": "/health/readiness", "path": "/health/readiness"})
    completed = run_python(
        *INVOKE_HEALTH,
        "-",
        env=runner_environment(DYNAMODB_PORT=str(dynamodb_port(runner))),
        timeout=30,
        stdin=json.dumps(event),
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["statusCode"] == 200
    assert "a running `make run`" in completed.stderr
