"""Health function on both stages: liveness, readiness against the embedded DynamoDB, detailed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from orgair.settings import get_settings
from support.dynamodb_faults import UNREACHABLE_URL, refuse_connections
from support.lambda_events import (
    FakeLambdaContext,
    api_event,
    load_function,
    principal_context,
    proxy_headers,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB


@pytest.fixture
def health() -> Any:
    return load_function("health")


def call(module: Any, event: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, Any]]:
    result = module.lambda_handler(event, FakeLambdaContext("HealthFunction"))
    headers = proxy_headers(result)
    return result["statusCode"], headers, json.loads(result["body"])


@pytest.mark.parametrize(("stage", "version"), [("v1", "v1.0"), ("v2", "v2.0")])
def test_health_names_the_stage_and_its_parameter_version(health: Any, stage: str, version: str) -> None:
    status, _, body = call(health, api_event("GET", "/health", stage=stage))
    assert status == 200
    assert body["stage"] == stage
    assert body["param_version"] == version
    assert body["status"] == "ok"


def test_liveness_needs_no_dependency(health: Any) -> None:
    status, _, body = call(health, api_event("GET", "/health/liveness"))
    assert (status, body) == (200, {"status": "alive"})


def test_readiness_checks_every_table(health: Any, dynamodb: EmbeddedDynamoDB) -> None:
    status, _, body = call(health, api_event("GET", "/health/readiness"))
    assert status == 200
    assert {check["name"] for check in body["checks"]} == {
        "dynamodb:scores",
        "dynamodb:reviews",
        "dynamodb:costs",
        "dynamodb:idempotency",
        "dynamodb:api_keys",
    }
    assert all(check["status"] == "ok" for check in body["checks"])


def test_readiness_is_503_with_retry_after_when_a_table_is_missing(
    health: Any, dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COSTS_TABLE_NAME", "NoSuchTable")
    get_settings.cache_clear()
    status, headers, body = call(health, api_event("GET", "/health/readiness"))
    assert status == 503
    assert headers["Retry-After"].isdigit()
    assert headers["Content-Type"] == "application/problem+json"
    failing = [check["name"] for check in body["checks"] if check["status"] != "ok"]
    assert failing == ["dynamodb:costs"]


def test_readiness_is_503_when_dynamodb_is_unreachable(health: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from orgair.aws import dynamodb_client, reset_clients

    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", UNREACHABLE_URL)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    reset_clients()
    refuse_connections(dynamodb_client())
    try:
        status, _, body = call(health, api_event("GET", "/health/readiness"))
    finally:
        reset_clients()
    assert status == 503
    assert body["type"].endswith("/problems/dependency-unavailable")


def test_detailed_health_requires_admin(health: Any, dynamodb: EmbeddedDynamoDB) -> None:
    status, _, _ = call(
        health, api_event("GET", "/health/detailed", authorizer=principal_context(scopes="scores:read"))
    )
    assert status == 403
    status, _, body = call(health, api_event("GET", "/health/detailed", authorizer=principal_context()))
    assert status == 200
    assert body["status"] == "ok"
    assert body["environment"] == "development"
    assert len(body["dependencies"]) == 5
    assert all(isinstance(dep["latency_ms"], float) for dep in body["dependencies"])


def test_sample_event_gives_200(health: Any) -> None:
    from support.lambda_events import ROOT

    event = json.loads((ROOT / "events" / "health.json").read_text())
    status, headers, _ = call(health, event)
    assert status == 200
    assert headers["X-Correlation-ID"] == "sample-correlation-id"
