"""The costs function end to end: API Gateway events in, problem+json or views out, real DynamoDB."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from orgair.aws import reset_clients
from orgair.costs.budget import day_of
from orgair.costs.check import BudgetCheck
from orgair.costs.ledger import CostLedger
from orgair.records.costs import AlertRecord
from orgair.settings import get_settings
from support.dynamodb_faults import closed_endpoint
from support.lambda_events import (
    ROOT,
    FakeLambdaContext,
    api_event,
    load_function,
    principal_context,
    proxy_headers,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

REPORT = {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 1234, "output_tokens": 567}


@pytest.fixture
def costs(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DAILY_COST_BUDGET_USD", "10")
    return load_function("costs")


def call(module: Any, event: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, Any]]:
    result = module.lambda_handler(event, FakeLambdaContext("CostsFunction"))
    headers = proxy_headers(result)
    return result["statusCode"], headers, json.loads(result["body"])


def post_report(
    module: Any,
    key: str | None,
    body: dict[str, Any] = REPORT,
    tenant: str = "acme",
    scopes: str = "costs:write",
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    headers = {"Idempotency-Key": key} if key else {}
    event = api_event(
        "POST", "/costs", body=body, headers=headers, authorizer=principal_context(tenant, scopes)
    )
    return call(module, event)


def get(module: Any, path: str, query: dict[str, str] | None = None, tenant: str = "acme") -> Any:
    return call(
        module, api_event("GET", path, query=query, authorizer=principal_context(tenant, "costs:read"))
    )


def test_a_report_is_recorded_once_and_a_retry_replays_the_same_entry(costs: Any) -> None:
    first_status, _, first = post_report(costs, "rep-1")
    again_status, again_headers, again = post_report(costs, "rep-1")
    _, _, entries = get(costs, "/costs/entries")

    assert first_status == 201
    assert first["replayed"] is False
    assert first["entry"]["cost"] == "0.008755"
    assert first["entry"]["cost_micro_usd"] == 1234 * 25 // 10 + 567 * 10
    assert again_status == 201  # the original status, as every idempotent route replays
    assert again_headers["Idempotent-Replayed"] == "true"
    assert again["entry"] == first["entry"]
    assert [item["call_id"] for item in entries["items"]] == [first["entry"]["call_id"]]


def test_a_report_without_idempotency_key_is_a_problem_naming_the_header(costs: Any) -> None:
    status, headers, body = post_report(costs, None)
    assert status == 422
    assert headers["Content-Type"] == "application/problem+json"
    assert body["errors"] == [{"field": "Idempotency-Key", "message": "header required"}]


@pytest.mark.parametrize("key", ["has space", "x" * 256, "caf\u00e9", "tab\there"])
def test_a_report_with_a_malformed_idempotency_key_is_a_422_naming_the_header_and_records_nothing(
    costs: Any, key: str
) -> None:
    status, headers, body = post_report(costs, key)
    _, _, entries = get(costs, "/costs/entries")

    assert status == 422
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"].endswith("/validation-error")
    assert body["errors"] == [
        {"field": "Idempotency-Key", "message": "must be 1 to 255 visible ASCII characters"}
    ]
    assert entries["items"] == []


def test_reporting_needs_the_costs_write_scope(costs: Any) -> None:
    status, _, body = post_report(costs, "k", scopes="costs:read")
    assert (status, body["status"]) == (403, 403)


def test_an_unpriced_model_is_refused_with_422(costs: Any) -> None:
    status, _, body = post_report(costs, "k", body={**REPORT, "model": "gpt-unknown"})
    assert status == 422
    assert body["type"].endswith("/unpriced-model")


def test_a_malformed_report_names_the_field(costs: Any) -> None:
    status, _, body = post_report(costs, "k", body={**REPORT, "output_tokens": -1})
    assert status == 422
    assert body["errors"][0]["field"] == "output_tokens"


def test_the_summary_equals_the_sum_of_the_entries_to_the_micro_dollar(costs: Any) -> None:
    reports = [
        {**REPORT, "input_tokens": 333, "output_tokens": 7},
        {**REPORT, "input_tokens": 1, "cached_input_tokens": 3, "output_tokens": 1},
        {
            "provider": "anthropic",
            "model": "claude-sonnet-4-20250514",
            "input_tokens": 999,
            "output_tokens": 1,
        },
        {**REPORT, "model": "gpt-4o-mini", "input_tokens": 7, "output_tokens": 3},
    ]
    for index, body in enumerate(reports):
        post_report(costs, f"r{index}", body=body)
    post_report(costs, "other", tenant="globex")

    _, _, summary = get(costs, "/costs/summary")
    _, _, entries = get(costs, "/costs/entries", {"limit": "100"})

    total = sum(Decimal(item["cost"]) for item in entries["items"])
    assert len(entries["items"]) == 4
    assert Decimal(summary["settled"]) == total
    assert summary["committed"] == summary["settled"]
    assert summary["held"] == "0.000000"
    assert sum(Decimal(model["cost"]) for model in summary["by_model"]) == total
    assert all(len(value.split(".")[1]) == 6 for value in (summary["settled"], summary["forecast"]))
    assert summary["limit"] is None
    assert summary["scope"] == "tenant:acme"


def test_entries_are_paginated_and_a_cursor_only_works_for_its_own_tenant_and_day(costs: Any) -> None:
    for index in range(5):
        post_report(costs, f"p{index}", body={**REPORT, "output_tokens": index + 1})

    seen: list[str] = []
    query: dict[str, str] = {"limit": "2"}
    pages = 0
    while True:
        status, _, page = get(costs, "/costs/entries", query)
        assert status == 200
        seen.extend(item["call_id"] for item in page["items"])
        pages += 1
        if page["next_cursor"] is None:
            break
        query = {"limit": "2", "cursor": page["next_cursor"]}

    _, _, first = get(costs, "/costs/entries", {"limit": "2"})
    stolen, _, problem = get(
        costs, "/costs/entries", {"limit": "2", "cursor": first["next_cursor"]}, tenant="globex"
    )
    assert len(seen) == len(set(seen)) == 5
    assert pages == 3
    assert stolen == 422
    assert problem["errors"][0]["field"] == "cursor"


def test_another_tenant_sees_none_of_the_lines(costs: Any) -> None:
    post_report(costs, "k")
    _, _, entries = get(costs, "/costs/entries", tenant="globex")
    _, _, summary = get(costs, "/costs/summary", tenant="globex")
    assert entries["items"] == []
    assert summary["settled"] == "0.000000"


def test_a_bad_date_is_a_422_naming_date(costs: Any) -> None:
    status, _, body = get(costs, "/costs/summary", {"date": "02/03/2026"})
    assert status == 422
    assert body["errors"][0]["field"] == "date"


def test_alerts_of_the_tenant_scope_are_listed_for_the_day(costs: Any) -> None:
    ledger = CostLedger(get_settings())
    now = datetime.now(UTC)
    ledger.store.set_tenant_limit("acme", 10_000, now)
    post_report(costs, "big")

    class Sent:
        def publish(self, alert: AlertRecord) -> None:
            return None

    BudgetCheck(ledger, Sent()).run()
    status, _, body = get(costs, "/costs/alerts", {"date": day_of(now).isoformat()})
    _, _, other = get(costs, "/costs/alerts", tenant="globex")

    assert status == 200
    assert {item["threshold"] for item in body["items"]} >= {"50", "80"}
    assert all(item["scope"] == "tenant:acme" for item in body["items"])
    assert other["items"] == []


def test_an_unreachable_store_is_a_503_with_retry_after(costs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", closed_endpoint())
    reset_clients()
    status, headers, body = get(costs, "/costs/summary")
    reset_clients()
    assert status == 503
    assert "Retry-After" in headers
    assert body["type"].endswith("/dependency-unavailable")


@pytest.mark.parametrize(("sample", "expected"), [("costs-record.json", 201), ("costs-summary.json", 200)])
def test_the_sample_events_are_served(costs: Any, sample: str, expected: int) -> None:
    event = json.loads((ROOT / "events" / sample).read_text())
    status, headers, body = call(costs, event)
    assert status == expected, body
    assert headers["X-Correlation-ID"] == "sample-correlation-id"


def test_a_reused_key_with_a_different_parent_request_id_is_a_422_not_a_replay(costs: Any) -> None:
    first_status, _, first = post_report(costs, "rep-parent", {**REPORT, "parent_request_id": "batch-1"})
    status, headers, body = post_report(costs, "rep-parent", {**REPORT, "parent_request_id": "batch-2"})
    _, _, entries = get(costs, "/costs/entries")

    assert first_status == 201
    assert first["entry"]["parent_request_id"] == "batch-1"
    assert first["entry"]["anomalous"] is False
    assert status == 422
    assert "Idempotent-Replayed" not in headers
    assert body["type"].endswith("/validation-error")
    assert body["errors"][0]["field"] == "Idempotency-Key"
    assert [entry["parent_request_id"] for entry in entries["items"]] == ["batch-1"]
