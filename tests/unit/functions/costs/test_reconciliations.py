"""GET /costs/reconciliations: the operator's view of each provider's reconciliation of a day."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from orgair.costs.reconciliation.compare import result_of
from orgair.dal.reconciliations import ReconciliationStore
from orgair.records.reconciliations import AlertClaim, ModelFigures, Tokens
from orgair.settings import get_settings
from support.lambda_events import FakeLambdaContext, api_event, load_function, principal_context

from devtools.embedded_dynamodb import EmbeddedDynamoDB

CHECKED_AT = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)


@pytest.fixture
def costs(dynamodb: EmbeddedDynamoDB) -> Any:
    return load_function("costs")


def get(module: Any, query: dict[str, str] | None, scopes: str = "admin") -> tuple[int, dict[str, Any]]:
    event = api_event(
        "GET", "/costs/reconciliations", query=query, authorizer=principal_context("ops", scopes)
    )
    result = module.lambda_handler(event, FakeLambdaContext("CostsFunction"))
    return result["statusCode"], json.loads(result["body"])


def store_flagged_day(day: datetime) -> None:
    store = ReconciliationStore(get_settings().COSTS_TABLE_NAME)
    ours = {"gpt-4o-2024-08-06": ModelFigures(Tokens(input=1_000, output=300_000), Decimal("3.0025"))}
    theirs = {
        "gpt-4o-2024-08-06": ModelFigures(Tokens(input=1_000, output=303_000), Decimal("3.0325")),
        "(unattributed)": ModelFigures(amount_usd=Decimal("0.0000004")),
    }
    store.put_result(result_of(day.date(), "openai", "provisional", CHECKED_AT, ours, theirs))
    claim = AlertClaim(day.date(), "openai", "provisional", "claimed", "token-1", CHECKED_AT)
    store.claim_alert(claim)
    store.mark_alert_published(claim, CHECKED_AT)


def test_an_operator_sees_the_days_results_with_the_breakdown_and_the_alert(costs: Any) -> None:
    store_flagged_day(datetime(2026, 3, 1, tzinfo=UTC))

    status, body = get(costs, {"date": "2026-03-01"})

    assert status == 200
    (item,) = body["items"]
    assert (item["provider"], item["stage"], item["status"]) == ("openai", "provisional", "flagged")
    assert item["alert"]["state"] == "published"
    assert (item["ledger_total"], item["provider_total"]) == ("3.002500", "3.032500")
    by_model = {model["model"]: model for model in item["models"]}
    assert by_model["gpt-4o-2024-08-06"]["flagged"] == ["tokens:output"]
    assert by_model["gpt-4o-2024-08-06"]["provider"]["tokens"]["output"] == 303_000
    assert by_model["(unattributed)"]["flagged"] == []
    assert by_model["(unattributed)"]["provider"]["cost"] == "0.000000"


def test_without_a_date_the_view_is_yesterdays_provisional_day(costs: Any) -> None:
    yesterday = datetime.now(UTC) - timedelta(days=1)
    store_flagged_day(yesterday)

    status, body = get(costs, None)

    assert status == 200
    assert body["date"] == yesterday.date().isoformat()
    assert len(body["items"]) == 1


def test_a_tenants_key_without_the_admin_scope_is_refused(costs: Any) -> None:
    status, body = get(costs, {"date": "2026-03-01"}, scopes="costs:read costs:write")

    assert status == 403
    assert body["type"].endswith("/forbidden")


def test_a_bad_date_is_a_422_naming_date(costs: Any) -> None:
    status, body = get(costs, {"date": "2026-13-01"})

    assert status == 422
    assert body["errors"][0]["field"] == "date"
