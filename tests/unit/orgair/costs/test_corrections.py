"""Effective-dated prices on the ledger: the row that priced each line, corrections, exact re-derivation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from orgair.costs.corrections import rederive_total, restate_day
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import PriceTable, Usage, price_table
from orgair.costs.reported import UsageReport
from orgair.errors import ValidationFailed
from orgair.records.costs import CallMeta, LedgerLine
from support.costs import FakeClock, assert_reconciled, at, cost_settings

from devtools.embedded_dynamodb import EmbeddedDynamoDB

MODEL = "gpt-4o-mini"
OTHER = "claude-haiku-4-5-20251001"
DAY = date(2026, 3, 2)


def meta(tenant: str, n: int) -> CallMeta:
    return CallMeta(
        tenant_id=tenant,
        purpose="assessment",
        correlation_id=f"corr-{n}",
        request_id=f"req-{n}",
        parent_request_id=f"parent-{n}",
    )


def with_price(table: PriceTable, model: str, starts: str, input_price: str, version: str) -> PriceTable:
    last = table.price(model, at(starts))
    row = replace(last, input=Decimal(input_price), effective_from=at(starts), source=f"restated {starts}")
    return table.with_row(row, version)


def ledger_with(table: PriceTable, clock: FakeClock) -> CostLedger:
    return CostLedger(cost_settings(), clock=clock, prices=table)


def call(ledger: CostLedger, tenant: str, n: int, model: str, usage: Usage) -> LedgerLine:
    hold = ledger.reserve(meta(tenant, n), model, ledger.estimate(model, ["x" * 3000], 1500))
    return ledger.settle(hold, usage, outcome="answered")


def busy_day(ledger: CostLedger) -> list[LedgerLine]:
    """Five restatable calls of MODEL (two tenants), two of OTHER, a report, and three that aren't."""
    lines = [
        call(ledger, "acme" if n % 2 else "globex", n, MODEL, Usage(input_tokens=1000 + n, output_tokens=333))
        for n in range(5)
    ]
    lines += [
        call(ledger, "acme", 10 + n, OTHER, Usage(input_tokens=500, output_tokens=100)) for n in range(2)
    ]
    report, _ = ledger.record_external(
        meta("acme", 20), "key-1", UsageReport(provider="openai", model=MODEL, usage=Usage(input_tokens=7))
    )
    lines.append(report)
    zero = ledger.reserve(meta("acme", 30), MODEL, 1_000)
    lines.append(ledger.settle(zero, None, outcome="provider_error"))
    uncertain = ledger.reserve(meta("acme", 31), MODEL, 1_000)
    settled = ledger.settle_uncertain(uncertain, outcome="timeout")
    assert settled is not None
    lines.append(settled)
    return lines


def test_every_line_names_the_row_in_force_when_its_call_was_admitted(
    dynamodb: EmbeddedDynamoDB, clock: FakeClock
) -> None:
    ledger = ledger_with(price_table(), clock)
    line = call(ledger, "acme", 1, MODEL, Usage(input_tokens=10, output_tokens=10))
    stored = next(iter(ledger.store.ledger_lines("acme", line.day)))
    assert stored.price_row_id == price_table().price(MODEL, clock()).row_id
    assert stored.price_row_id == f"{MODEL}@2025-11-24T00:00:00Z"


def test_a_price_change_effective_tomorrow_leaves_todays_lines_unchanged(
    dynamodb: EmbeddedDynamoDB, clock: FakeClock
) -> None:
    clock.now = at("2026-03-02T23:59:00")
    today = ledger_with(price_table(), clock)
    held = today.reserve(meta("acme", 1), MODEL, today.estimate(MODEL, ["x" * 300], 500))
    before = busy_day(today)
    changed = with_price(price_table(), MODEL, "2026-03-03T00:00:00", "9.00", "next")
    clock.now = at("2026-03-03T00:00:30")
    tomorrow = ledger_with(changed, clock)
    late = tomorrow.settle(held, Usage(input_tokens=100, output_tokens=100), outcome="answered")
    restated = restate_day(tomorrow.store, changed, DAY, reason="new price", operator="ops", now=clock())
    after = tomorrow.store.day_lines(DAY)

    assert late.price_row_id == f"{MODEL}@2025-11-24T00:00:00Z"
    assert late.cost_micros == price_table().price(MODEL, at("2026-03-02T23:59:00")).cost_micros(late.usage)
    assert restated.corrections == []
    assert sorted(line.cost_micros for line in after) == sorted(line.cost_micros for line in [*before, late])
    fresh = call(tomorrow, "acme", 99, MODEL, Usage(input_tokens=1_000))
    assert fresh.cost_micros == 9_000
    assert fresh.price_row_id == f"{MODEL}@2026-03-03T00:00:00Z"


def test_a_restatement_of_n_lines_appends_exactly_n_correction_lines_and_a_retry_none(
    dynamodb: EmbeddedDynamoDB, clock: FakeClock
) -> None:
    ledger = ledger_with(price_table(), clock)
    busy_day(ledger)
    total_before = sum(line.cost_micros for line in ledger.store.day_lines(DAY))
    restated_table = with_price(price_table(), MODEL, "2026-03-02T00:00:00", "0.30", "restated")
    clock.now = at("2026-03-03T09:00:00")

    first = restate_day(
        ledger.store, restated_table, DAY, reason="OpenAI restated", operator="ops", now=clock()
    )
    again = restate_day(
        ledger.store, restated_table, DAY, reason="OpenAI restated", operator="ops", now=clock()
    )
    lines = ledger.store.day_lines(DAY)

    assert len(first.corrections) == 6  # five calls of MODEL and the report; not the zero or uncertain lines
    assert again.corrections == []
    assert [line.kind for line in lines].count("correction") == 6
    assert all(c.price_row_id == f"{MODEL}@2026-03-02T00:00:00Z" for c in first.corrections)
    assert all(c.reason and "by ops" in c.reason for c in first.corrections)
    assert first.total_after_micros == sum(line.cost_micros for line in lines)
    assert first.total_after_micros > total_before
    assert_reconciled(ledger, ["acme", "globex"], DAY)


def test_re_deriving_a_closed_day_gives_the_recorded_total_before_and_after_corrections(
    dynamodb: EmbeddedDynamoDB, clock: FakeClock
) -> None:
    ledger = ledger_with(price_table(), clock)
    busy_day(ledger)
    once = with_price(price_table(), MODEL, "2026-03-02T00:00:00", "0.30", "once")
    twice = with_price(once, MODEL, "2026-03-02T00:00:01", "0.20", "twice")
    clock.now = at("2026-03-04T00:00:00")

    closed = ledger.store.day_lines(DAY)
    assert rederive_total(closed, price_table()) == sum(line.cost_micros for line in closed)
    restate_day(ledger.store, once, DAY, reason="first", operator="ops", now=clock())
    second = restate_day(ledger.store, twice, DAY, reason="second", operator="ops", now=clock())
    lines = ledger.store.day_lines(DAY)

    assert len(second.corrections) == 6
    assert {c.call_id.rpartition("#")[2] for c in second.corrections} == {"C002"}
    assert rederive_total(lines, twice) == sum(line.cost_micros for line in lines)
    expected = sum(
        twice.price(line.model, line.timestamp).cost_micros(line.usage)
        if line.status == "settled" and line.usage.total_tokens
        else line.cost_micros
        for line in closed
    )
    assert sum(line.cost_micros for line in lines) == expected
    assert_reconciled(ledger, ["acme", "globex"], DAY)


def test_only_a_closed_day_with_a_reason_can_be_restated(
    dynamodb: EmbeddedDynamoDB, clock: FakeClock
) -> None:
    ledger = ledger_with(price_table(), clock)
    with pytest.raises(ValidationFailed) as today:
        restate_day(ledger.store, price_table(), DAY, reason="r", operator="ops", now=clock())
    with pytest.raises(ValidationFailed) as no_reason:
        restate_day(ledger.store, price_table(), date(2026, 3, 1), reason=" ", operator="ops", now=clock())
    assert today.value.errors[0].field == "day"
    assert no_reason.value.errors[0].field == "reason"
