"""The emulated API Gateway, in-process: stages, routing, authorizer, gateway and proxy responses."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from devtools.localrun.api import MAX_BODY_BYTES, LocalApi
from devtools.localrun.events import HttpRequest
from devtools.localrun.functions import FunctionRegistry
from devtools.localrun.gateway import HttpResponse
from devtools.template import Template, load_template

MakeRequest = Callable[..., HttpRequest]


def body(response: HttpResponse) -> Any:
    return json.loads(response.body)


def test_stage_prefix_selects_stage_and_its_variables(api: LocalApi, make_request: MakeRequest) -> None:
    for stage, version in (("v1", "v1.0"), ("v2", "v2.0")):
        response = api.handle(make_request("GET", f"/{stage}/public", query="a=1"))
        assert response.status == 200
        event = body(response)["event"]
        assert event["path"] == "/public"
        assert event["resource"] == "/public"
        assert event["requestContext"]["stage"] == stage
        assert event["requestContext"]["path"] == f"/{stage}/public"
        assert event["stageVariables"] == {"paramVersion": version}
        assert event["queryStringParameters"] == {"a": "1"}


def test_response_gets_request_id_and_default_content_type(api: LocalApi, make_request: MakeRequest) -> None:
    response = api.handle(make_request("GET", "/v1/public"))
    payload = body(response)
    assert response.header("Content-Type") == "application/json"
    assert response.header("X-Request-ID") == payload["context"]["aws_request_id"]
    assert response.header("x-amzn-RequestId") == payload["event"]["requestContext"]["requestId"]
    assert payload["context"]["function_name"] == "EchoFunction"


def test_unknown_path_and_unknown_stage_are_404_from_the_template(
    api: LocalApi, make_request: MakeRequest
) -> None:
    for path in ("/v1/nope", "/v9/public", "/"):
        response = api.handle(make_request("GET", path))
        assert response.status == 404
        assert response.header("Content-Type") == "application/problem+json"
        assert body(response) == {"status": 404, "instance": path}


def test_a_method_the_resource_does_not_define_is_the_templates_404_like_an_unknown_path(
    api: LocalApi, make_request: MakeRequest
) -> None:
    for method in ("DELETE", "TRACE", "PROPFIND"):
        response = api.handle(make_request(method, "/v1/companies/acme/scores"))
        assert response.status == 404
        assert response.header("Content-Type") == "application/problem+json"
        assert body(response) == {"status": 404, "instance": "/v1/companies/acme/scores"}


def test_oversized_body_is_413(api: LocalApi, make_request: MakeRequest) -> None:
    response = api.handle(make_request("POST", "/v1/companies/acme/scores", body=b"x" * (MAX_BODY_BYTES + 1)))
    assert response.status == 413
    assert body(response)["type"] == "https://api.orgair.io/problems/payload-too-large"


def test_missing_identity_header_is_401_without_calling_the_authorizer(
    api: LocalApi, make_request: MakeRequest, loaded: Callable[[str], ModuleType]
) -> None:
    api.handle(make_request("GET", "/v1/public"))  # loads nothing of the authorizer
    response = api.handle(make_request("GET", "/v1/companies/acme/scores"))
    assert response.status == 401
    assert response.header("WWW-Authenticate") == "Bearer"
    assert response.header("Content-Type") == "application/problem+json"
    rendered = body(response)
    assert rendered["instance"] == "/v1/companies/acme/scores"
    assert rendered["id"] == response.header("x-amzn-RequestId") == response.header("X-Correlation-ID")
    with pytest.raises(KeyError):
        loaded("AuthFunction")


def test_allowed_request_carries_the_authorizer_context(
    api: LocalApi, make_request: MakeRequest, loaded: Callable[[str], ModuleType]
) -> None:
    response = api.handle(
        make_request("GET", "/v2/companies/acme/scores", headers={"Authorization": "Bearer allow"})
    )
    assert response.status == 200
    event = body(response)["event"]
    authorizer = event["requestContext"]["authorizer"]
    assert authorizer["tenant_id"] == "t1"
    assert authorizer["count"] == "3"
    assert authorizer["flag"] == "true"
    assert authorizer["principalId"] == "user-1"
    assert isinstance(authorizer["integrationLatency"], int)
    assert event["pathParameters"] == {"company_id": "acme"}
    authorizer_event = loaded("AuthFunction").CALLS[0]
    assert authorizer_event["type"] == "REQUEST"
    assert authorizer_event["methodArn"] == (
        "arn:aws:execute-api:us-east-1:123456789012:local/v2/GET/companies/acme/scores"
    )
    assert authorizer_event["resource"] == "/companies/{company_id}/scores"
    assert authorizer_event["pathParameters"] == {"company_id": "acme"}


def test_authorizer_answers_are_cached_per_identity_and_rechecked_per_method(
    api: LocalApi, make_request: MakeRequest, loaded: Callable[[str], ModuleType]
) -> None:
    allowed = {"Authorization": "Bearer allow"}
    for _ in range(3):
        assert api.handle(make_request("GET", "/v1/companies/a/scores", headers=allowed)).status == 200
    assert len(loaded("AuthFunction").CALLS) == 1
    narrow = {"Authorization": "Bearer narrow"}
    assert api.handle(make_request("GET", "/v1/companies/a/scores", headers=narrow)).status == 200
    # The cached policy names GET /companies/a/scores only: another method is denied from the cache.
    assert api.handle(make_request("POST", "/v1/companies/a/scores", headers=narrow)).status == 403
    assert len(loaded("AuthFunction").CALLS) == 2
    api.on_reload([])
    assert api.handle(make_request("GET", "/v1/companies/a/scores", headers=allowed)).status == 200
    assert len(loaded("AuthFunction").CALLS) == 3


@pytest.mark.parametrize(
    ("token", "status"),
    [("Bearer unknown", 401), ("Bearer deny", 403), ("Bearer boom", 500), ("Bearer nested", 500)],
)
def test_authorizer_outcomes(api: LocalApi, make_request: MakeRequest, token: str, status: int) -> None:
    response = api.handle(make_request("GET", "/v1/companies/a/scores", headers={"Authorization": token}))
    assert response.status == status
    assert response.header("X-Request-ID")


def test_public_route_gets_no_authorizer_context(api: LocalApi, make_request: MakeRequest) -> None:
    event = body(api.handle(make_request("GET", "/v1/public", headers={"Authorization": "Bearer allow"})))[
        "event"
    ]
    assert "authorizer" not in event["requestContext"]


def test_greedy_path(api: LocalApi, make_request: MakeRequest) -> None:
    event = body(api.handle(make_request("GET", "/v1/files/a/b.txt")))["event"]
    assert event["resource"] == "/files/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a/b.txt"}


def test_function_error_is_502_and_logged(
    api: LocalApi, make_request: MakeRequest, log_lines: list[str]
) -> None:
    response = api.handle(make_request("GET", "/v1/boom"))
    assert response.status == 502
    assert body(response)["status"] == 502
    assert any("ValueError: boom" in line for line in log_lines)


def test_malformed_proxy_response_is_502(
    api: LocalApi, make_request: MakeRequest, log_lines: list[str]
) -> None:
    assert api.handle(make_request("GET", "/v1/malformed")).status == 502
    assert any("Malformed Lambda proxy response" in line for line in log_lines)


def test_timeout_is_504_problem(api: LocalApi, make_request: MakeRequest) -> None:
    response = api.handle(make_request("GET", "/v1/slow"))
    assert response.status == 504
    assert response.header("Content-Type") == "application/problem+json"
    assert body(response)["status"] == 504


def test_a_request_waiting_longer_than_the_integration_timeout_for_a_busy_function_is_504_problem(
    template: Template, make_request: MakeRequest
) -> None:
    """Three requests at once to a function with one environment: the first runs (0.7 s), the second
    waits for it and runs, the third would wait 1.4 s and gets API Gateway's timeout at 1.0 s."""
    lines: list[str] = []
    registry = FunctionRegistry(template.functions(), concurrency={"SlowFunction": 1})
    api = LocalApi(template, registry, log=lines.append, integration_timeout=1.0)
    responses: list[HttpResponse] = []
    start = threading.Barrier(3)

    def call() -> None:
        start.wait()
        responses.append(api.handle(make_request("GET", "/v1/nap")))

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    registry.close()
    assert sorted(response.status for response in responses) == [200, 200, 504]
    (timed_out,) = [response for response in responses if response.status == 504]
    assert timed_out.header("Content-Type") == "application/problem+json"
    assert body(timed_out)["type"].endswith("/gateway-timeout")
    assert body(timed_out)["instance"] == "/v1/nap"
    assert any("SlowFunction: no free execution environment" in line for line in lines)


def test_method_settings_throttle_is_429(api: LocalApi, make_request: MakeRequest) -> None:
    statuses = [api.handle(make_request("GET", "/v1/limited")).status for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert api.handle(make_request("GET", "/v2/limited")).status == 200  # buckets are per stage


def test_access_log_line_names_correlation_id(
    api: LocalApi, make_request: MakeRequest, log_lines: list[str]
) -> None:
    api.handle(make_request("GET", "/v1/public", headers={"X-Correlation-ID": "abc"}))
    assert "GET /v1/public -> 200" in log_lines[-1]
    assert "correlation_id=abc" in log_lines[-1]


def test_local_invoke_returns_the_raw_result(api: LocalApi, make_request: MakeRequest) -> None:
    event = {"path": "/public", "headers": {}}
    response = api.handle(
        make_request("POST", "/_local/invoke/EchoFunction", body=json.dumps(event).encode())
    )
    assert response.status == 200
    result = body(response)
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["event"] == event
    failed = api.handle(make_request("POST", "/_local/invoke/EchoFunction", body=b'{"path": "/boom"}'))
    assert failed.status == 500
    assert failed.header("X-Amz-Function-Error") == "Unhandled"
    assert body(failed)["errorType"] == "ValueError"
    assert api.handle(make_request("POST", "/_local/invoke/Nope")).status == 404
    assert api.handle(make_request("GET", "/_local/invoke/EchoFunction")).status == 405
    assert api.handle(make_request("POST", "/_local/invoke/EchoFunction", body=b"{")).status == 400


def test_routes_run_without_an_authorizer_the_template_lacks(
    project: Path, make_request: MakeRequest
) -> None:
    text = project.read_text().replace(
        "FunctionArn: !GetAtt AuthFunction.Arn", "FunctionArn: !GetAtt Missing.Arn"
    )
    project.write_text(text)
    template = Template(load_template(project), base_dir=project.parent)
    registry = FunctionRegistry(template.functions())
    try:
        api = LocalApi(template, registry, log=lambda _: None)
        assert any("KeyAuthorizer" in warning for warning in api.warnings)
        response = api.handle(make_request("GET", "/v1/companies/a/scores"))
        assert response.status == 200
        assert "authorizer" not in body(response)["event"]["requestContext"]
    finally:
        registry.close()
