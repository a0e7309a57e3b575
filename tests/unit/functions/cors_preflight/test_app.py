"""CORS preflight function: what API Gateway's OPTIONS methods answer when CorsOrigins is set."""

from __future__ import annotations

from typing import Any

import pytest
from support.lambda_events import FakeLambdaContext, api_event, load_function, proxy_headers

ALLOWED = "https://app.example.com"
REQUESTED_HEADERS = "authorization,content-type,idempotency-key,x-correlation-id"


def preflight(origin: str, path: str = "/scores") -> tuple[int, dict[str, Any], str]:
    module = load_function("cors_preflight")
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": REQUESTED_HEADERS,
    }
    event = api_event("OPTIONS", path, headers=headers)
    event["requestContext"].pop("authorizer", None)  # API Gateway calls it without the authorizer
    result = module.lambda_handler(event, FakeLambdaContext("CorsPreflightFunction"))
    headers = proxy_headers(result)
    return result["statusCode"], headers, result.get("body") or ""


@pytest.fixture(autouse=True)
def _origin_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", ALLOWED)


@pytest.mark.parametrize("path", ["/scores", "/scores/01ARZ3NDEKTSV4RRFFQ69G5FAV", "/costs/summary"])
def test_a_preflight_from_the_allowed_origin_allows_the_api_key_header(path: str) -> None:
    status, headers, body = preflight(ALLOWED, path)

    assert (status, body) == (204, "")
    assert headers["Access-Control-Allow-Origin"] == ALLOWED
    allowed_headers = {name.strip().lower() for name in headers["Access-Control-Allow-Headers"].split(",")}
    assert set(REQUESTED_HEADERS.split(",")) <= allowed_headers
    assert "X-Correlation-ID" in headers["Access-Control-Expose-Headers"].split(",")
    assert int(headers["Access-Control-Max-Age"]) > 0
    assert headers["Vary"] == "Origin"


def test_a_preflight_from_another_origin_gets_no_permission() -> None:
    status, headers, _ = preflight("https://evil.example")

    assert status == 204
    assert not any(name.startswith("Access-Control-Allow-Origin") for name in headers)
    assert "Access-Control-Allow-Headers" not in headers
