"""The proxy and authorizer events match what Lambda receives from a REST API stage."""

from __future__ import annotations

import base64
import uuid

from devtools.localrun.events import (
    HttpRequest,
    RequestInfo,
    gateway_headers,
    proxy_event,
    request_authorizer_event,
    token_authorizer_event,
)

PROXY_KEYS = {
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext",
    "body",
    "isBase64Encoded",
}


def info(
    request: HttpRequest,
    *,
    resource: str = "/companies/{company_id}/scores",
    path: str = "/companies/acme/scores",
    parameters: dict[str, str] | None = None,
) -> RequestInfo:
    return RequestInfo(
        request=request,
        api_id="local",
        stage="v2",
        stage_variables={"paramVersion": "v2.0"},
        resource=resource,
        path=path,
        path_parameters=parameters if parameters is not None else {"company_id": "acme"},
        request_id=str(uuid.uuid4()),
        request_time=1_795_000_000.123,
    )


def test_proxy_event_has_payload_1_0_shape() -> None:
    request = HttpRequest(
        method="POST",
        path="/v2/companies/acme/scores",
        query="limit=5&tag=a&tag=b&empty=",
        headers=[("Host", "127.0.0.1:3000"), ("Accept", "a"), ("Accept", "b"), ("User-Agent", "ua")],
        body=b'{"x": 1}',
        source_ip="127.0.0.9",
    )
    details = info(request)
    event = proxy_event(details, gateway_headers(request), {"tenant_id": "t1", "principalId": "p"})
    assert set(event) == PROXY_KEYS
    assert event["resource"] == "/companies/{company_id}/scores"
    assert event["path"] == "/companies/acme/scores"
    assert event["httpMethod"] == "POST"
    assert event["headers"]["Accept"] == "b"
    assert event["multiValueHeaders"]["Accept"] == ["a", "b"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.9"
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert event["headers"]["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert event["queryStringParameters"] == {"limit": "5", "tag": "b", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {"limit": ["5"], "tag": ["a", "b"], "empty": [""]}
    assert event["pathParameters"] == {"company_id": "acme"}
    assert event["stageVariables"] == {"paramVersion": "v2.0"}
    assert event["body"] == '{"x": 1}'
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["accountId"] == "123456789012"
    assert context["apiId"] == "local"
    assert context["resourcePath"] == "/companies/{company_id}/scores"
    assert context["httpMethod"] == "POST"
    assert context["path"] == "/v2/companies/acme/scores"
    assert context["stage"] == "v2"
    assert context["requestId"] == details.request_id
    assert context["requestTimeEpoch"] == 1_795_000_000_123
    assert context["identity"]["sourceIp"] == "127.0.0.9"
    assert context["identity"]["userAgent"] == "ua"
    assert context["domainName"] == "127.0.0.1:3000"
    assert context["protocol"] == "HTTP/1.1"
    assert context["authorizer"] == {"tenant_id": "t1", "principalId": "p"}


def test_absent_parts_are_null() -> None:
    request = HttpRequest(method="GET", path="/v1/health", headers=[("Host", "h")])
    event = proxy_event(info(request, resource="/health", path="/health", parameters={}), request.headers)
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    assert "authorizer" not in event["requestContext"]


def test_binary_body_is_base64() -> None:
    payload = b"\x89PNG\r\n\x1a\n\xff\xfe"
    request = HttpRequest(method="POST", path="/v1/upload", body=payload)
    event = proxy_event(info(request), request.headers)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload


def test_forwarded_for_is_appended_to() -> None:
    request = HttpRequest(
        method="GET", path="/v1/x", headers=[("X-Forwarded-For", "10.0.0.1")], source_ip="1.2.3.4"
    )
    headers = dict(gateway_headers(request))
    assert headers["X-Forwarded-For"] == "10.0.0.1, 1.2.3.4"


def test_request_authorizer_event() -> None:
    request = HttpRequest(
        method="GET", path="/v2/companies/acme/scores", headers=[("Authorization", "Bearer k")], query="a=1"
    )
    details = info(request)
    event = request_authorizer_event(details, request.headers)
    assert event["type"] == "REQUEST"
    assert (
        event["methodArn"] == "arn:aws:execute-api:us-east-1:123456789012:local/v2/GET/companies/acme/scores"
    )
    assert event["resource"] == "/companies/{company_id}/scores"
    assert event["path"] == "/companies/acme/scores"
    assert event["httpMethod"] == "GET"
    assert event["headers"] == {"Authorization": "Bearer k"}
    assert event["multiValueHeaders"] == {"Authorization": ["Bearer k"]}
    assert event["queryStringParameters"] == {"a": "1"}
    assert event["pathParameters"] == {"company_id": "acme"}
    assert event["stageVariables"] == {"paramVersion": "v2.0"}
    assert event["requestContext"]["stage"] == "v2"
    assert "body" not in event


def test_token_authorizer_event() -> None:
    request = HttpRequest(method="GET", path="/v2/companies/acme/scores")
    event = token_authorizer_event(info(request), "Bearer k")
    assert event == {
        "type": "TOKEN",
        "authorizationToken": "Bearer k",
        "methodArn": "arn:aws:execute-api:us-east-1:123456789012:local/v2/GET/companies/acme/scores",
    }


def test_header_lookup_is_case_insensitive_and_keeps_the_last() -> None:
    request = HttpRequest(method="GET", path="/", headers=[("x-a", "1"), ("X-A", "2")])
    assert request.header("X-a") == "2"
    assert request.header("missing") is None
