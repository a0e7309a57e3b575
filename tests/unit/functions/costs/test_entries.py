"""GET /costs/entries shows what priced each line: its price row, whether it is a charge or a
correction (and of which line), and why a call was routed to the cheaper model. Real handler, real
DynamoDB; the lines are written by the ledger and by a restatement."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from orgair.costs.budget import start_of_day
from orgair.costs.corrections import restate_day
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import PriceTable, Usage, price_table
from orgair.dal.costs import line_sk
from orgair.records.costs import CallMeta, Degradation
from support.costs import FakeClock, cost_settings
from support.lambda_events import FakeLambdaContext, api_event, load_function, principal_context

from devtools.embedded_dynamodb import EmbeddedDynamoDB

MODEL = "gpt-4o-2024-08-06"
CHEAPER = "gpt-4o-mini-2024-07-18"
DAY = datetime.now(UTC).date() - timedelta(days=1)
DEGRADED = Degradation(reason="soft_threshold", scope="tenant:acme", threshold="80", requested_model=MODEL)


@pytest.fixture
def costs(dynamodb: EmbeddedDynamoDB) -> Any:
    return load_function("costs")


def ledger(day: date) -> CostLedger:
    return CostLedger(cost_settings(), clock=FakeClock(datetime.combine(day, time(9), tzinfo=UTC)))


def spend(book: CostLedger, model: str, call_id: str, degradation: Degradation | None = None) -> None:
    meta = CallMeta("acme", "assessment", "corr", f"req-{call_id}", "parent", degradation=degradation)
    hold = book.reserve(meta, model, 100_000, call_id=call_id)
    book.settle(hold, Usage(input_tokens=2_000, output_tokens=400), outcome="ok")


def entries(module: Any, day: date, stage: str) -> list[dict[str, Any]]:
    event = api_event(
        "GET",
        "/costs/entries",
        stage=stage,
        query={"date": day.isoformat(), "limit": "100"},
        authorizer=principal_context("acme", "costs:read"),
    )
    result = module.lambda_handler(event, FakeLambdaContext("CostsFunction"))
    assert result["statusCode"] == 200, result["body"]
    items: list[dict[str, Any]] = json.loads(result["body"])["items"]
    return items


def later_row(table: PriceTable, since: date) -> PriceTable:
    last = table.price(MODEL, start_of_day(since))
    row = replace(last, output=last.output + Decimal("1"), effective_from=start_of_day(since), source="test")
    return table.with_row(row, f"{table.version}+late")


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_a_charge_shows_its_price_row_and_kind_and_no_degradation(costs: Any, stage: str) -> None:
    book = ledger(DAY)
    spend(book, MODEL, "plain")

    (entry,) = entries(costs, DAY, stage)

    assert entry["kind"] == "charge"
    assert entry["corrects"] is None
    assert entry["price_row_id"] == price_table().price(MODEL, book.clock()).row_id
    assert entry["degraded"] is None


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_a_degraded_call_shows_why_it_ran_on_the_cheaper_model(costs: Any, stage: str) -> None:
    spend(ledger(DAY), CHEAPER, "degraded", DEGRADED)

    (entry,) = entries(costs, DAY, stage)

    assert entry["model"] == CHEAPER
    assert entry["degraded"] == {
        "reason": "soft_threshold",
        "scope": "tenant:acme",
        "threshold": "80",
        "requested_model": MODEL,
    }


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_a_correction_shows_its_kind_the_line_it_corrects_and_the_new_price_row(
    costs: Any, stage: str
) -> None:
    book = ledger(DAY)
    spend(book, MODEL, "restated")
    (charge,) = book.store.day_lines(DAY)
    prices = later_row(price_table(), DAY)
    restate_day(book.store, prices, DAY, reason="late price", operator="ops", now=datetime.now(UTC))

    listed = entries(costs, DAY, stage)

    assert [item["kind"] for item in listed] == ["charge", "correction"]
    original, correction = listed
    assert original["corrects"] is None
    assert original["price_row_id"] == charge.price_row_id
    assert correction["corrects"] == line_sk(charge)
    assert correction["price_row_id"] == prices.price(MODEL, charge.timestamp).row_id
    assert correction["price_row_id"] != charge.price_row_id
    assert Decimal(correction["cost"]) == Decimal(400) / 1_000_000  # 400 output tokens at +$1 per million
    assert "reason" not in correction  # the operator's identity stays on the ledger, not in a tenant's view
