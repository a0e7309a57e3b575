"""The shared HTTP layer: problem+json for every error, correlation headers, stage version, scopes."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import Response
from orgair.http import caller, create_app, make_handler, param_version, requires
from orgair.jsonbody import parse_json_body
from orgair.jsontypes import JsonNumber
from orgair.settings import get_settings
from pydantic import BaseModel, ConfigDict, Field
from support.lambda_events import FakeLambdaContext, api_event, principal_context, proxy_headers


class Echo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    amount: Decimal


class EchoOut(BaseModel):
    name: str
    amount: JsonNumber
    version: str


def build_handler() -> Any:
    app = create_app()

    @app.post("/echo")
    def echo(body: Echo) -> EchoOut:
        return EchoOut(name=body.name, amount=body.amount, version=param_version(app))

    @app.get("/secure")
    @requires("scores:read")
    def secure() -> dict[str, str]:
        principal = caller(app)
        return {"tenant": principal.tenant_id}

    @app.post("/guarded")
    @requires("scores:write")
    def guarded(body: Echo) -> dict[str, str]:
        return {"tenant": caller(app).tenant_id, "name": body.name}

    @app.get("/undeclared")
    def undeclared() -> dict[str, str]:
        return {"tenant": caller(app).tenant_id}

    @app.get("/unavailable")
    def unavailable() -> Response[str]:
        return Response(status_code=503, content_type="text/plain", body="down")

    @app.get("/boom")
    def boom() -> dict[str, str]:
        raise RuntimeError("internal detail that must not leak")

    return make_handler(app)


def call(handler: Any, event: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
    result = handler(event, FakeLambdaContext())
    headers = proxy_headers(result)
    return result["statusCode"], headers, json.loads(result["body"])


def test_valid_body_is_parsed_with_exact_decimals_and_stage_version() -> None:
    status, headers, body = call(
        build_handler(), api_event("POST", "/echo", stage="v1", body='{"name":"a","amount":0.1}')
    )
    assert status == 200
    assert body == {"name": "a", "amount": 0.1, "version": "v1.0"}
    assert headers["Content-Type"] == "application/json"


def test_correlation_id_is_echoed_and_request_id_and_timing_added() -> None:
    event = api_event("POST", "/echo", body={"name": "a", "amount": 1}, headers={"x-correlation-id": "abc"})
    status, headers, _ = call(build_handler(), event)
    assert status == 200
    assert headers["X-Correlation-ID"] == "abc"
    assert headers["X-Request-ID"] == event["requestContext"]["requestId"]
    assert headers["X-Process-Time"].endswith("ms")


def test_correlation_id_defaults_to_the_request_id() -> None:
    event = api_event("POST", "/echo", body={"name": "a", "amount": 1})
    _, headers, _ = call(build_handler(), event)
    assert headers["X-Correlation-ID"] == event["requestContext"]["requestId"]


def test_unknown_route_is_a_404_problem_whose_instance_is_the_path_the_caller_used() -> None:
    status, headers, body = call(
        build_handler(), api_event("GET", "/nowhere", headers={"X-Correlation-ID": "c1"})
    )
    assert status == 404
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"].endswith("/problems/not-found")
    assert body["instance"] == "/v2/nowhere"  # requestContext.path: the stage as the caller sent it
    assert body["correlation_id"] == "c1"


def test_every_503_carries_retry_after_even_one_a_route_builds_itself() -> None:
    status, headers, _ = call_raw(build_handler(), api_event("GET", "/unavailable"))
    assert status == 503
    assert int(headers["Retry-After"]) > 0


def call_raw(handler: Any, event: dict[str, Any]) -> tuple[int, dict[str, str], str]:
    result = handler(event, FakeLambdaContext())
    headers = proxy_headers(result)
    return result["statusCode"], headers, result["body"]


def test_malformed_json_is_a_400_problem() -> None:
    status, headers, body = call(build_handler(), api_event("POST", "/echo", body='{"name": "a",'))
    assert status == 400
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"].endswith("/problems/malformed-request")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_malformed(literal: str) -> None:
    status, _, body = call(
        build_handler(), api_event("POST", "/echo", body=f'{{"name":"a","amount":{literal}}}')
    )
    assert status == 400
    assert body["status"] == 400


def test_schema_violation_is_a_422_naming_each_field() -> None:
    status, _, body = call(build_handler(), api_event("POST", "/echo", body={"name": "", "extra": 1}))
    assert status == 422
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"name", "amount", "extra"}
    assert body["type"].endswith("/problems/validation-error")


def test_oversized_body_is_a_413_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BODY_BYTES", "2048")
    get_settings.cache_clear()
    handler = build_handler()
    status, headers, body = call(handler, api_event("POST", "/echo", body={"name": "x" * 4096, "amount": 1}))
    assert status == 413
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"].endswith("/problems/payload-too-large")


def test_deeply_nested_json_is_refused() -> None:
    nested = "[" * 40 + "]" * 40
    status, _, body = call(
        build_handler(), api_event("POST", "/echo", body=f'{{"name":"a","amount":1,"x":{nested}}}')
    )
    assert status == 400
    assert "nests deeper" in body["detail"]


def test_non_json_content_type_is_415() -> None:
    event = api_event(
        "POST", "/echo", body="name=a", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    status, _, body = call(build_handler(), event)
    assert status == 415
    assert body["type"].endswith("/problems/unsupported-media-type")


def test_unexpected_error_is_a_500_problem_that_leaks_nothing() -> None:
    status, _, body = call(build_handler(), api_event("GET", "/boom"))
    assert status == 500
    assert body["detail"] == "An unexpected error occurred."
    assert "internal detail" not in json.dumps(body)


def test_debug_mode_shows_the_error_in_a_500(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "true")
    get_settings.cache_clear()
    _, _, body = call(build_handler(), api_event("GET", "/boom"))
    assert "internal detail" in body["detail"]


def test_missing_authorizer_context_is_401() -> None:
    status, _, body = call(build_handler(), api_event("GET", "/secure"))
    assert status == 401
    assert body["type"].endswith("/problems/unauthorized")


def test_missing_scope_is_403_and_admin_implies_every_scope() -> None:
    handler = build_handler()
    status, _, _ = call(
        handler, api_event("GET", "/secure", authorizer=principal_context(scopes="costs:read"))
    )
    assert status == 403
    status, _, body = call(handler, api_event("GET", "/secure", authorizer=principal_context(scopes="admin")))
    assert (status, body) == (200, {"tenant": "acme"})


def test_cors_is_off_unless_origins_are_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    event = api_event(
        "POST", "/echo", body={"name": "a", "amount": 1}, headers={"Origin": "https://evil.example"}
    )
    _, headers, _ = call(build_handler(), event)
    assert "Access-Control-Allow-Origin" not in headers
    monkeypatch.setenv("CORS_ORIGINS", "https://app.orgair.io")
    get_settings.cache_clear()
    event = api_event(
        "POST", "/echo", body={"name": "a", "amount": 1}, headers={"Origin": "https://app.orgair.io"}
    )
    _, headers, _ = call(build_handler(), event)
    assert headers["Access-Control-Allow-Origin"] == "https://app.orgair.io"


def test_parse_json_body_keeps_decimals_exact() -> None:
    assert parse_json_body('{"a": 0.12}') == {"a": Decimal("0.12")}


def test_a_configuration_error_at_request_time_is_a_500_that_names_nothing() -> None:
    from orgair.errors import ConfigurationError

    app = create_app()

    @app.get("/misconfigured")
    def misconfigured() -> dict[str, str]:
        raise ConfigurationError("invalid configuration: SECTOR_HR_BASELINES.technology: out of range")

    status, _, body = call(make_handler(app), api_event("GET", "/misconfigured"))
    assert status == 500
    assert body["detail"] == "An unexpected error occurred."
    assert "SECTOR_HR_BASELINES" not in json.dumps(body)


# ---------------------------------------------------------------------- scope before the request is read

HOSTILE_BODIES = {
    "extreme exponent": '{"name":"a","amount":1e999999999}',
    "deep nesting": "[" * 100_000,
    "duplicate keys": '{"name":"a","name":"b","amount":1}',
    "not JSON": "{",
    "schema violation": '{"unexpected": true}',
}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_a_key_without_the_routes_scope_gets_403_before_the_body_is_read(body: str) -> None:
    handler = build_handler()
    reader = principal_context(scopes="scores:read")

    status, _, problem = call(handler, api_event("POST", "/guarded", body=body, authorizer=reader))
    assert (status, problem["type"]) == (403, "https://api.orgair.io/problems/forbidden")

    status, _, problem = call(handler, api_event("POST", "/guarded", body=body))
    assert (status, problem["type"]) == (401, "https://api.orgair.io/problems/unauthorized")


def test_a_key_without_the_routes_scope_gets_403_whatever_the_media_type() -> None:
    event = api_event(
        "POST",
        "/guarded",
        body="<x/>",
        headers={"Content-Type": "application/xml"},
        authorizer=principal_context(scopes="scores:read"),
    )
    assert call(build_handler(), event)[0] == 403


def test_a_key_with_the_routes_scope_reaches_the_route() -> None:
    event = api_event(
        "POST",
        "/guarded",
        body={"name": "a", "amount": 1},
        authorizer=principal_context(scopes="scores:write"),
    )
    assert call(build_handler(), event)[:1] == (200,)


def test_a_route_reading_its_caller_without_a_declared_scope_is_a_500_never_an_unchecked_caller() -> None:
    event = api_event("GET", "/undeclared", authorizer=principal_context(scopes="admin"))
    status, _, body = call(build_handler(), event)
    assert status == 500
    assert "acme" not in json.dumps(body)


# ---------------------------------------------------------------------- hostile but valid JSON


@pytest.mark.wallclock
def test_a_number_with_an_extreme_exponent_is_a_422_naming_the_field_in_milliseconds() -> None:
    handler = build_handler()
    started = time.perf_counter()
    status, _, body = call(handler, api_event("POST", "/echo", body='{"name":"a","amount":1e999999999}'))
    elapsed = time.perf_counter() - started
    assert (status, body["type"]) == (422, "https://api.orgair.io/problems/validation-error")
    assert body["errors"] == [{"field": "amount", "message": "number literal has an exponent beyond ±400"}]
    assert elapsed < 0.5


def test_an_integer_past_pythons_int_string_limit_is_a_422_naming_the_field() -> None:
    status, _, body = call(
        build_handler(), api_event("POST", "/echo", body='{"name":"a","amount":' + "9" * 5000 + "}")
    )
    assert status == 422
    assert body["errors"][0]["field"] == "amount"


def test_nesting_past_the_recursion_limit_is_a_400_not_a_500() -> None:
    for body in ("[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"a":' * 50_000):
        status, _, problem = call(build_handler(), api_event("POST", "/echo", body=body))
        assert (status, problem["type"]) == (400, "https://api.orgair.io/problems/malformed-request")


def test_a_duplicate_key_is_a_400_naming_it() -> None:
    status, _, body = call(
        build_handler(), api_event("POST", "/echo", body='{"name":"a","amount":1,"name":"b"}')
    )
    assert (status, body["type"]) == (400, "https://api.orgair.io/problems/malformed-request")
    assert body["errors"] == [{"field": "name", "message": "duplicate key"}]


@pytest.mark.parametrize(
    "content_type",
    [
        "application/foo+json",
        "application/merge-patch+json",
        "text/json",
        "application/jsonx",
        "APPLICATION/JSON",
    ],
)
def test_a_body_that_is_not_application_json_is_a_415(content_type: str) -> None:
    event = api_event("POST", "/echo", body='{"name":"a","amount":1}', headers={"Content-Type": content_type})
    status, headers, body = call(build_handler(), event)
    assert (status, headers["Content-Type"]) == (415, "application/problem+json")
    assert body["type"] == "https://api.orgair.io/problems/unsupported-media-type"
    assert body["errors"] == [{"field": "Content-Type", "message": "expected application/json"}]


def test_application_json_with_parameters_is_read() -> None:
    event = api_event(
        "POST",
        "/echo",
        body='{"name":"a","amount":1}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert call(build_handler(), event)[0] == 200


def test_invalid_json_is_a_400_saying_where() -> None:
    status, _, body = call(build_handler(), api_event("POST", "/echo", body='{"name": "a",\n "amount": }'))
    assert status == 400
    assert body["errors"] == [{"field": "body", "message": "Expecting value at line 2 column 12"}]
