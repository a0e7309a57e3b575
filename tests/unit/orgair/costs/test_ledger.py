"""Reserve / settle / report on the embedded DynamoDB: atomic admission, exactly-once lines, exact sums."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from orgair.costs.budget import GLOBAL_SCOPE, tenant_scope
from orgair.costs.ledger import CostLedger
from orgair.costs.money import format_usd
from orgair.costs.pricing import Usage
from orgair.costs.reported import UsageReport
from orgair.errors import BudgetExceeded, UnknownModelPrice, ValidationFailed
from support.costs import FakeClock, assert_reconciled, at, call_meta, ledger_total

MODEL = "gpt-4o-2024-08-06"


def test_fifty_concurrent_reservations_admit_exactly_the_ten_the_budget_holds(make_ledger: Any) -> None:
    probe: CostLedger = make_ledger()
    estimate = probe.estimate(MODEL, ["x" * 3000], 1500)
    ledger: CostLedger = make_ledger(DAILY_COST_BUDGET_USD=Decimal(estimate * 10 + estimate // 2) / 1_000_000)

    def reserve(index: int) -> str:
        try:
            ledger.reserve(call_meta(f"tenant{index % 5}"), MODEL, estimate)
        except BudgetExceeded:
            return "refused"
        return "admitted"

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(reserve, range(50)))

    counter = ledger.store.counter(GLOBAL_SCOPE, ledger.clock().date())
    assert results.count("admitted") == 10
    assert results.count("refused") == 40
    assert counter.committed_micros == 10 * estimate
    assert counter.committed_micros <= ledger.global_limit_micros


def test_refusal_is_a_429_naming_scope_limit_committed_and_next_utc_midnight(
    make_ledger: Any, clock: FakeClock
) -> None:
    clock.now = at("2026-03-02T23:00:00")
    ledger: CostLedger = make_ledger()
    ledger.store.set_tenant_limit("acme", 30_000, clock())
    ledger.reserve(call_meta(), MODEL, 20_000)

    with pytest.raises(BudgetExceeded) as refused:
        ledger.reserve(call_meta(), MODEL, 20_000)

    problem = refused.value.to_problem(instance="/v2/assessments", correlation_id="c")
    assert problem["status"] == 429
    assert problem["type"].endswith("/budget-exceeded")
    assert problem["scope"] == "tenant:acme"
    assert problem["limit"] == "0.030000"
    assert problem["committed"] == "0.020000"
    assert problem["resets_at"] == "2026-03-03T00:00:00.000Z"
    assert refused.value.headers["Retry-After"] == "3600"


def test_a_global_refusal_names_the_shared_budget_without_its_figures(
    make_ledger: Any, clock: FakeClock
) -> None:
    clock.now = at("2026-03-02T23:00:00")
    ledger: CostLedger = make_ledger(DAILY_COST_BUDGET_USD=Decimal("0.040000"))
    ledger.reserve(call_meta("other-tenant"), MODEL, 20_000)
    ledger.reserve(call_meta("third-tenant"), MODEL, 20_000)

    with pytest.raises(BudgetExceeded) as refused:
        ledger.reserve(call_meta(), MODEL, 20_000)

    problem = refused.value.to_problem(instance="/v2/assessments", correlation_id="c")
    assert problem["scope"] == "global"
    assert "limit" not in problem
    assert "committed" not in problem
    assert "0.02" not in problem["detail"]
    assert "0.04" not in problem["detail"]
    assert "shared daily budget is exhausted" in problem["detail"]
    assert problem["resets_at"] == "2026-03-03T00:00:00.000Z"
    assert refused.value.headers["Retry-After"] == "3600"


def test_tenant_budget_refuses_while_global_still_admits(make_ledger: Any, clock: FakeClock) -> None:
    ledger: CostLedger = make_ledger()
    ledger.store.set_tenant_limit("acme", 25_000, clock())
    ledger.reserve(call_meta("acme"), MODEL, 20_000)

    with pytest.raises(BudgetExceeded) as refused:
        ledger.reserve(call_meta("acme"), MODEL, 20_000)
    ledger.reserve(call_meta("globex"), MODEL, 20_000)

    assert refused.value.extensions["scope"] == "tenant:acme"
    assert refused.value.extensions["committed"] == "0.020000"
    day = clock().date()
    assert ledger.store.counter(GLOBAL_SCOPE, day).committed_micros == 40_000, "refusal added nothing"


def test_an_estimate_above_the_limit_is_refused_without_touching_counters(
    make_ledger: Any, clock: FakeClock
) -> None:
    ledger: CostLedger = make_ledger(DAILY_COST_BUDGET_USD=Decimal("0.01"))
    with pytest.raises(BudgetExceeded):
        ledger.reserve(call_meta(), MODEL, 10_001)
    assert ledger.store.counter(GLOBAL_SCOPE, clock().date()).committed_micros == 0


def test_unknown_model_is_refused_before_any_reservation(ledger: CostLedger, clock: FakeClock) -> None:
    with pytest.raises(UnknownModelPrice):
        ledger.reserve(call_meta(), "gpt-unknown", 1)
    assert ledger.store.counter(GLOBAL_SCOPE, clock().date()).committed_micros == 0


def test_settle_moves_estimate_to_actual_and_writes_one_line_even_when_repeated(
    ledger: CostLedger, clock: FakeClock
) -> None:
    hold = ledger.reserve(call_meta(), MODEL, 50_000)
    usage = Usage(input_tokens=1_000, cached_input_tokens=200, output_tokens=300)

    first = ledger.settle(hold, usage, outcome="ok", provider_request_id="req_abc")
    again = ledger.settle(hold, usage, outcome="ok")

    assert first.cost_micros == 2_500 + 250 + 3_000  # 1000 x $2.50/M + 200 x $1.25/M + 300 x $10/M
    assert again == first
    day = clock().date()
    lines = list(ledger.store.ledger_lines("acme", day))
    assert len(lines) == 1
    assert lines[0].provider_request_id == "req_abc"
    assert lines[0].pricing_version == ledger.prices.version
    counter = ledger.store.counter(tenant_scope("acme"), day)
    assert (counter.committed_micros, counter.settled_micros) == (5_750, 5_750)


def test_ledger_sum_equals_settled_to_the_micro_dollar(ledger: CostLedger, clock: FakeClock) -> None:
    for index in range(25):
        hold = ledger.reserve(call_meta(attempt=index + 1), "gpt-4o-mini", 10_000)
        ledger.settle(
            hold, Usage(input_tokens=7 * index + 1, cached_input_tokens=index, output_tokens=3), outcome="ok"
        )

    day = clock().date()
    total = ledger_total(ledger, "acme", day)
    settled = ledger.store.counter(GLOBAL_SCOPE, day).settled_micros
    assert format_usd(total) == format_usd(settled)
    assert total == settled
    assert_reconciled(ledger, ["acme"], day)


def test_a_call_admitted_before_midnight_is_charged_to_that_day_and_the_new_day_starts_empty(
    make_ledger: Any, clock: FakeClock
) -> None:
    clock.now = at("2026-03-02T23:59:59.900000")
    ledger: CostLedger = make_ledger(
        DAILY_COST_BUDGET_USD=Decimal("0.05"), TENANT_GLOBAL_SHARE_PCT=Decimal(1)
    )
    hold = ledger.reserve(call_meta(), MODEL, 40_000)
    with pytest.raises(BudgetExceeded):
        ledger.reserve(call_meta(), MODEL, 40_000)

    clock.now = at("2026-03-03T00:00:00.100000")
    ledger.settle(hold, Usage(input_tokens=100, output_tokens=100), outcome="ok")
    after_midnight = ledger.reserve(call_meta(), MODEL, 40_000)

    assert hold.day == date(2026, 3, 2)
    assert after_midnight.day == date(2026, 3, 3)
    old = ledger.store.counter(GLOBAL_SCOPE, date(2026, 3, 2))
    new = ledger.store.counter(GLOBAL_SCOPE, date(2026, 3, 3))
    assert (old.committed_micros, old.settled_micros) == (1_250, 1_250)
    assert new.committed_micros == 40_000
    assert [line.day for line in ledger.store.ledger_lines("acme", date(2026, 3, 2))] == [date(2026, 3, 2)]


def report(tokens: int = 1_000) -> UsageReport:
    return UsageReport(
        provider="openai", model=MODEL, usage=Usage(input_tokens=tokens, output_tokens=tokens), purpose="etl"
    )


def test_twenty_concurrent_identical_reports_make_one_ledger_line(
    ledger: CostLedger, clock: FakeClock
) -> None:
    def send(_: int) -> tuple[str, bool]:
        line, replayed = ledger.record_external(call_meta(), "report-0001", report())
        return line.call_id, replayed

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(send, range(20)))

    day = clock().date()
    lines = list(ledger.store.ledger_lines("acme", day))
    assert len(lines) == 1
    assert {call_id for call_id, _ in results} == {lines[0].call_id}
    assert sum(1 for _, replayed in results if not replayed) == 1
    assert lines[0].cost_micros == 2_500 + 10_000
    assert_reconciled(ledger, ["acme"], day)


def test_a_reused_idempotency_key_with_another_body_is_refused(ledger: CostLedger) -> None:
    ledger.record_external(call_meta(), "key-1", report(1_000))
    with pytest.raises(ValidationFailed) as refused:
        ledger.record_external(call_meta(), "key-1", report(2_000))
    assert refused.value.errors[0].field == "Idempotency-Key"


def test_the_same_idempotency_key_of_two_tenants_records_two_lines(
    ledger: CostLedger, clock: FakeClock
) -> None:
    ledger.record_external(call_meta("acme"), "key-1", report())
    ledger.record_external(call_meta("globex"), "key-1", report())
    day = clock().date()
    assert len(list(ledger.store.ledger_lines("acme", day))) == 1
    assert len(list(ledger.store.ledger_lines("globex", day))) == 1


def test_reported_usage_of_a_model_served_by_another_provider_is_refused(ledger: CostLedger) -> None:
    with pytest.raises(ValidationFailed):
        ledger.record_external(
            call_meta(), "k", UsageReport(provider="anthropic", model=MODEL, usage=Usage(input_tokens=1))
        )


def test_entries_paginate_in_order_with_an_opaque_cursor_and_stay_inside_the_tenant(
    ledger: CostLedger, clock: FakeClock
) -> None:
    for index in range(7):
        clock.advance(seconds=1)
        ledger.record_external(call_meta("acme"), f"k{index}", report(index + 1))
    ledger.record_external(call_meta("globex"), "g", report())
    day = clock().date()

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = ledger.entries("acme", day, limit=3, cursor=cursor)
        seen.extend(line.call_id for line in page.lines)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break

    expected = [line.call_id for line in ledger.store.ledger_lines("acme", day)]
    assert seen == expected
    assert len(seen) == 7
    assert pages >= 3
    first = ledger.entries("acme", day, limit=3)
    assert first.next_cursor is not None
    with pytest.raises(ValidationFailed):
        ledger.entries("globex", day, limit=3, cursor=first.next_cursor)


def test_summary_reports_committed_settled_held_and_spend_by_model(
    ledger: CostLedger, clock: FakeClock
) -> None:
    ledger.store.set_tenant_limit("acme", 100_000, clock())
    settled = ledger.reserve(call_meta(), MODEL, 20_000)
    ledger.settle(settled, Usage(input_tokens=1_000, output_tokens=500), outcome="ok")
    ledger.reserve(call_meta(), "claude-sonnet-4-20250514", 30_000)
    ledger.record_external(
        call_meta(), "k", UsageReport("anthropic", "claude-sonnet-4-20250514", Usage(10, 0, 0, 10))
    )

    summary = ledger.summary("acme", clock().date())

    assert summary.counter.settled_micros == 7_500 + 180
    assert summary.counter.held_micros == 30_000
    assert summary.counter.committed_micros == 37_680
    assert summary.limit_micros == 100_000
    assert summary.utilisation == "0.3768"
    assert {spend.model: spend.cost_micros for spend in summary.by_model} == {
        MODEL: 7_500,
        "claude-sonnet-4-20250514": 180,
    }
    assert summary.projection.end_of_day_micros >= summary.counter.committed_micros
