"""The events API Gateway (REST API, proxy payload 1.0) gives Lambda: the proxy event and the
REQUEST / TOKEN authorizer events, built from one HTTP request exactly as a deployed stage would."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from devtools.template import LOCAL_ACCOUNT, LOCAL_REGION

Headers = Sequence[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request as the runner received it. `path` and `query` are raw (still %-encoded)."""

    method: str
    path: str
    query: str = ""
    headers: Headers = ()
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"
    server_port: int = 3000
    oversized: bool = False
    """The body was larger than API Gateway accepts and was not read."""

    def header(self, name: str) -> str | None:
        """The last value of a header, whatever its case (API Gateway's `headers` keeps the last)."""
        wanted = name.lower()
        found = None
        for key, value in self.headers:
            if key.lower() == wanted:
                found = value
        return found


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """What API Gateway knows about a request once it has picked the stage and the resource."""

    request: HttpRequest
    api_id: str
    stage: str
    stage_variables: Mapping[str, str]
    resource: str
    path: str
    """The path without the stage prefix, as the event's `path`."""
    path_parameters: Mapping[str, str] | None
    request_id: str
    request_time: float

    @property
    def stage_path(self) -> str:
        """`requestContext.path` and `$context.path`: the path with the stage prefix."""
        return self.request.path

    @property
    def method_arn(self) -> str:
        """`arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path without slash>`."""
        return (
            f"arn:aws:execute-api:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{self.api_id}/{self.stage}/"
            f"{self.request.method}/{self.path.lstrip('/')}"
        )


def trace_id(now: float | None = None) -> str:
    return f"Root=1-{int(now or time.time()):08x}-{secrets.token_hex(12)}"


def gateway_headers(request: HttpRequest) -> list[tuple[str, str]]:
    """The request's headers plus the ones API Gateway adds before calling the integration."""
    headers = list(request.headers)
    forwarded = request.header("X-Forwarded-For")
    headers = [(key, value) for key, value in headers if key.lower() != "x-forwarded-for"]
    headers.append(
        ("X-Forwarded-For", f"{forwarded}, {request.source_ip}" if forwarded else request.source_ip)
    )
    if request.header("X-Forwarded-Port") is None:
        headers.append(("X-Forwarded-Port", str(request.server_port)))
    if request.header("X-Forwarded-Proto") is None:
        headers.append(("X-Forwarded-Proto", "http"))
    if request.header("X-Amzn-Trace-Id") is None:
        headers.append(("X-Amzn-Trace-Id", trace_id()))
    return headers


def header_maps(headers: Headers) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """`headers` (last value wins) and `multiValueHeaders` (every value, in order)."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in headers:
        single[key] = value
        multi.setdefault(key, []).append(value)
    return (single or None), (multi or None)


def query_maps(query: str) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """`queryStringParameters` (last value wins) and the multi-value form; None when there is none."""
    if not query:
        return None, None
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        single[key] = value
        multi.setdefault(key, []).append(value)
    return (single or None), (multi or None)


def encode_body(body: bytes) -> tuple[str | None, bool]:
    """Text bodies go as they are; anything that is not UTF-8 goes base64 with isBase64Encoded."""
    if not body:
        return None, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def request_context(info: RequestInfo, authorizer: Mapping[str, Any] | None = None) -> dict[str, Any]:
    request = info.request
    host = request.header("Host") or f"127.0.0.1:{request.server_port}"
    context: dict[str, Any] = {
        "accountId": LOCAL_ACCOUNT,
        "apiId": info.api_id,
        "domainName": host,
        "domainPrefix": host.split(".", 1)[0].split(":", 1)[0],
        "extendedRequestId": secrets.token_urlsafe(12),
        "httpMethod": request.method,
        "identity": {
            "accessKey": None,
            "accountId": None,
            "apiKey": None,
            "apiKeyId": None,
            "caller": None,
            "clientCert": None,
            "cognitoAuthenticationProvider": None,
            "cognitoAuthenticationType": None,
            "cognitoIdentityId": None,
            "cognitoIdentityPoolId": None,
            "principalOrgId": None,
            "sourceIp": request.source_ip,
            "user": None,
            "userAgent": request.header("User-Agent"),
            "userArn": None,
        },
        "path": info.stage_path,
        "protocol": request.protocol,
        "requestId": info.request_id,
        "requestTime": datetime.fromtimestamp(info.request_time, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "requestTimeEpoch": int(info.request_time * 1000),
        "resourceId": resource_id(info.resource),
        "resourcePath": info.resource,
        "stage": info.stage,
    }
    if authorizer is not None:
        context["authorizer"] = dict(authorizer)
    return context


def resource_id(resource: str) -> str:
    """A stable short id per resource, shaped like API Gateway's."""
    return hashlib.blake2s(resource.encode(), digest_size=5).hexdigest()[:6]


def proxy_event(
    info: RequestInfo, headers: Headers, authorizer: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The Lambda proxy integration event (payload format 1.0)."""
    single_headers, multi_headers = header_maps(headers)
    query, multi_query = query_maps(info.request.query)
    body, is_base64 = encode_body(info.request.body)
    return {
        "resource": info.resource,
        "path": info.path,
        "httpMethod": info.request.method,
        "headers": single_headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": dict(info.path_parameters) if info.path_parameters else None,
        "stageVariables": dict(info.stage_variables) if info.stage_variables else None,
        "requestContext": request_context(info, authorizer),
        "body": body,
        "isBase64Encoded": is_base64,
    }


def request_authorizer_event(info: RequestInfo, headers: Headers) -> dict[str, Any]:
    """The event of a REQUEST Lambda authorizer."""
    single_headers, multi_headers = header_maps(headers)
    query, multi_query = query_maps(info.request.query)
    return {
        "type": "REQUEST",
        "methodArn": info.method_arn,
        "resource": info.resource,
        "path": info.path,
        "httpMethod": info.request.method,
        "headers": single_headers or {},
        "multiValueHeaders": multi_headers or {},
        "queryStringParameters": query or {},
        "multiValueQueryStringParameters": multi_query or {},
        "pathParameters": dict(info.path_parameters or {}),
        "stageVariables": dict(info.stage_variables),
        "requestContext": request_context(info),
    }


def token_authorizer_event(info: RequestInfo, token: str) -> dict[str, Any]:
    """The event of a TOKEN Lambda authorizer."""
    return {"type": "TOKEN", "authorizationToken": token, "methodArn": info.method_arn}
