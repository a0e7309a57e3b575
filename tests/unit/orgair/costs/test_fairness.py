"""Budgets fair across tenants: a tenant's reported usage is bounded, counts against its own
scopes only, and can never refuse another tenant's call; a refusal shows only the caller's figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from orgair.costs.budget import GLOBAL_SCOPE, external_scope, tenant_scope
from orgair.costs.ledger import CostLedger, UsageReport
from orgair.costs.pricing import Usage
from orgair.costs.records import CallMeta
from orgair.errors import BudgetExceeded, ValidationFailed
from support.costs import FakeClock, assert_reconciled

MODEL = "gpt-4o-2024-08-06"


def meta(tenant: str) -> CallMeta:
    return CallMeta(tenant, "external", "corr", "req", "parent", 1)


def report(output_tokens: int, **extra: Any) -> UsageReport:
    """gpt-4o output costs 10 µUSD a token."""
    return UsageReport("openai", MODEL, Usage(output_tokens=output_tokens), **extra)


def test_reported_usage_never_enters_the_global_budget_so_another_tenant_is_still_admitted(
    make_ledger: Any, clock: FakeClock
) -> None:
    ledger: CostLedger = make_ledger(
        DAILY_COST_BUDGET_USD=Decimal("1"),
        MAX_REQUEST_COST_USD=Decimal("1"),
        EXTERNAL_USAGE_DAILY_LIMIT_USD=Decimal("5"),
    )
    for index in range(5):
        ledger.record_external(meta("greedy"), f"k{index}", report(100_000))

    hold = ledger.reserve(meta("other"), MODEL, ledger.global_limit_micros)

    day = clock().date()
    assert hold.estimate_micros == 1_000_000, "the whole global budget is still there for the others"
    assert ledger.store.counter(tenant_scope("greedy"), day).settled_micros == 5_000_000
    assert ledger.store.counter(external_scope("greedy"), day).settled_micros == 5_000_000
    assert ledger.store.counter(GLOBAL_SCOPE, day).committed_micros == 1_000_000


def test_a_report_above_the_per_report_bound_is_a_422_naming_its_token_fields_and_writes_nothing(
    make_ledger: Any, clock: FakeClock
) -> None:
    ledger: CostLedger = make_ledger(MAX_REQUEST_COST_USD=Decimal("0.50"))

    with pytest.raises(ValidationFailed) as refused:
        ledger.record_external(
            meta("acme"),
            "big",
            UsageReport("openai", MODEL, Usage(input_tokens=100_000, output_tokens=100_000_000)),
        )

    assert refused.value.status == 422
    assert {error.field for error in refused.value.errors} == {"input_tokens", "output_tokens"}
    assert "0.500000" in refused.value.detail
    assert list(ledger.store.ledger_lines("acme", clock().date())) == []
    assert ledger.store.external_marker("acme", "big") is None


def test_reports_beyond_the_tenants_daily_allowance_are_a_429_with_its_own_figures(
    make_ledger: Any, clock: FakeClock
) -> None:
    ledger: CostLedger = make_ledger(EXTERNAL_USAGE_DAILY_LIMIT_USD=Decimal("0.25"))
    ledger.record_external(meta("acme"), "first", report(20_000))

    with pytest.raises(BudgetExceeded) as refused:
        ledger.record_external(meta("acme"), "second", report(10_000))

    problem = refused.value.to_problem(instance="/v2/costs", correlation_id="c")
    assert problem["scope"] == "external:acme"
    assert (problem["limit"], problem["committed"]) == ("0.250000", "0.200000")
    assert int(refused.value.headers["Retry-After"]) >= 1
    assert [line.call_id for line in ledger.store.ledger_lines("acme", clock().date())] == [
        ledger.store.external_marker("acme", "first").call_id  # type: ignore[union-attr]
    ]
    other, replayed = ledger.record_external(meta("globex"), "second", report(10_000))
    assert (other.cost_micros, replayed) == (100_000, False), "the allowance is per tenant"
    assert_reconciled(ledger, ["acme", "globex"], clock().date())


def test_reports_count_against_the_tenants_own_budget(make_ledger: Any, clock: FakeClock) -> None:
    ledger: CostLedger = make_ledger()
    ledger.store.set_tenant_limit("acme", 150_000, clock())
    ledger.record_external(meta("acme"), "first", report(10_000))

    with pytest.raises(BudgetExceeded) as by_report:
        ledger.record_external(meta("acme"), "second", report(10_000))
    with pytest.raises(BudgetExceeded) as by_call:
        ledger.reserve(meta("acme"), MODEL, 60_000)

    assert by_report.value.extensions["scope"] == "tenant:acme"
    assert by_call.value.extensions["scope"] == "tenant:acme"
    assert by_call.value.extensions["committed"] == "0.100000"


def test_a_reused_key_with_another_parent_request_id_is_refused_not_replayed(ledger: CostLedger) -> None:
    ledger.record_external(meta("acme"), "key-1", report(100, parent_request_id="batch-1"))

    with pytest.raises(ValidationFailed) as refused:
        ledger.record_external(meta("acme"), "key-1", report(100, parent_request_id="batch-2"))
    line, replayed = ledger.record_external(meta("acme"), "key-1", report(100, parent_request_id="batch-1"))

    assert refused.value.errors[0].field == "Idempotency-Key"
    assert replayed is True
    assert line.meta.parent_request_id == "batch-1"
