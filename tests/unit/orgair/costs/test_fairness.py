"""Budgets fair across tenants: a tenant's reported usage is bounded, counts against its own
scopes only, and can never refuse another tenant's call; a tenant's own calls can take at most its
share of the global budget (TENANT_GLOBAL_SHARE_PCT); a refusal shows only the caller's figures."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from orgair.costs.budget import GLOBAL_SCOPE, external_scope, global_share_scope, tenant_scope
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.costs.reported import UsageReport
from orgair.errors import BudgetExceeded, ValidationFailed
from orgair.records.costs import CallMeta
from support.configuration import refused_settings
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

    holds = [ledger.reserve(meta(tenant), MODEL, ledger.share_limit_micros) for tenant in ("other", "third")]

    day = clock().date()
    assert sum(hold.estimate_micros for hold in holds) == 1_000_000, "all of global is there for the others"
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


def gateway_meta(tenant: str) -> CallMeta:
    return CallMeta(tenant, "assessment", "corr", "req", "parent", 1)


def test_a_tenant_at_its_share_of_the_global_budget_is_refused_with_its_own_figures_and_another_is_admitted(
    make_ledger: Any, clock: FakeClock
) -> None:
    clock.now = clock().replace(hour=23)
    ledger: CostLedger = make_ledger(
        DAILY_COST_BUDGET_USD=Decimal("1"), TENANT_GLOBAL_SHARE_PCT=Decimal("0.4")
    )
    for _ in range(4):
        ledger.reserve(gateway_meta("greedy"), MODEL, 100_000)

    with pytest.raises(BudgetExceeded) as refused:
        ledger.reserve(gateway_meta("greedy"), MODEL, 1)
    admitted = [ledger.reserve(gateway_meta("other"), MODEL, 100_000) for _ in range(4)]

    problem = refused.value.to_problem(instance="/v2/assessments", correlation_id="c")
    assert problem["scope"] == "global-share:greedy"
    assert (problem["limit"], problem["committed"]) == ("0.400000", "0.400000")
    assert problem["resets_at"] == "2026-03-03T00:00:00.000Z"
    assert refused.value.headers["Retry-After"] == "3600"
    assert "global" not in problem["detail"].replace("global-share:greedy", "")
    assert len(admitted) == 4
    day = clock().date()
    assert ledger.store.counter(GLOBAL_SCOPE, day).committed_micros == 800_000, "the refusal added nothing"
    assert ledger.store.counter(global_share_scope("greedy"), day).committed_micros == 400_000


def test_many_concurrent_calls_of_one_tenant_never_commit_more_than_its_share(
    make_ledger: Any, clock: FakeClock
) -> None:
    ledger: CostLedger = make_ledger(DAILY_COST_BUDGET_USD=Decimal("1"))
    estimate = 60_000  # the 50 % share ($0.50) holds eight of them, with room to spare for none more

    def reserve(index: int) -> str:
        try:
            hold = ledger.reserve(gateway_meta("greedy"), MODEL, estimate)
        except BudgetExceeded as refusal:
            return str(refusal.extensions["scope"])
        ledger.settle(hold, Usage(output_tokens=5_000 + index), outcome="ok")
        return "admitted"

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(reserve, range(40)))

    day = clock().date()
    share = ledger.store.counter(global_share_scope("greedy"), day)
    assert ledger.share_limit_micros == 500_000
    assert share.committed_micros <= ledger.share_limit_micros
    assert results.count("admitted") >= 8, "settled calls below their estimate free room for more"
    assert set(results) <= {"admitted", "global-share:greedy"}
    assert "global-share:greedy" in results
    own_calls = sum(line.cost_micros for line in ledger.store.ledger_lines("greedy", day))
    assert share.settled_micros == share.committed_micros == own_calls
    assert share.limit_micros == 500_000, "the counter records the share limit it was admitted under"
    assert ledger.store.counter(GLOBAL_SCOPE, day).committed_micros == own_calls
    assert_reconciled(ledger, ["greedy"], day)
    ledger.reserve(gateway_meta("other"), MODEL, 500_000)


def test_many_concurrent_holds_of_one_tenant_admit_exactly_what_its_share_holds(
    make_ledger: Any, clock: FakeClock
) -> None:
    ledger: CostLedger = make_ledger(DAILY_COST_BUDGET_USD=Decimal("1"))

    def reserve(_: int) -> bool:
        try:
            ledger.reserve(gateway_meta("greedy"), MODEL, 60_000)
        except BudgetExceeded:
            return False
        return True

    with ThreadPoolExecutor(max_workers=32) as pool:
        admitted = sum(pool.map(reserve, range(40)))

    day = clock().date()
    assert admitted == 8
    assert ledger.store.counter(global_share_scope("greedy"), day).committed_micros == 480_000
    assert ledger.store.counter(GLOBAL_SCOPE, day).committed_micros == 480_000


def test_the_lower_of_the_operator_budget_and_the_share_is_the_tenants_limit(
    make_ledger: Any, clock: FakeClock
) -> None:
    ledger: CostLedger = make_ledger(DAILY_COST_BUDGET_USD=Decimal("1"))
    ledger.store.set_tenant_limit("strict", 200_000, clock())
    ledger.store.set_tenant_limit("generous", 900_000, clock())

    ledger.reserve(gateway_meta("strict"), MODEL, 200_000)
    ledger.reserve(gateway_meta("generous"), MODEL, 500_000)
    with pytest.raises(BudgetExceeded) as by_operator:
        ledger.reserve(gateway_meta("strict"), MODEL, 1)
    with pytest.raises(BudgetExceeded) as by_share:
        ledger.reserve(gateway_meta("generous"), MODEL, 1)

    assert by_operator.value.extensions["scope"] == "tenant:strict"
    assert by_share.value.extensions["scope"] == "global-share:generous"
    assert by_share.value.extensions["limit"] == "0.500000"


def test_the_summary_shows_the_tenants_share_of_the_global_budget_with_its_own_figures_only(
    make_ledger: Any, clock: FakeClock
) -> None:
    ledger: CostLedger = make_ledger(
        DAILY_COST_BUDGET_USD=Decimal("2"), TENANT_GLOBAL_SHARE_PCT=Decimal("0.25")
    )
    hold = ledger.reserve(gateway_meta("acme"), MODEL, 100_000)
    ledger.settle(hold, Usage(output_tokens=4_000), outcome="ok")
    ledger.reserve(gateway_meta("acme"), MODEL, 50_000)
    ledger.reserve(gateway_meta("globex"), MODEL, 300_000)
    ledger.record_external(meta("acme"), "reported", report(1_000))

    summary = ledger.summary("acme", clock().date())

    share = summary.global_share
    assert share.counter.scope == "global-share:acme"
    assert share.limit_micros == 500_000
    assert (share.counter.committed_micros, share.counter.settled_micros) == (90_000, 40_000)
    assert share.counter.held_micros == 50_000, (
        "reported usage is not part of the share, globex's call neither"
    )
    assert share.utilisation == "0.1800"
    assert summary.counter.committed_micros == 100_000, "the tenant scope counts the report too"


@pytest.mark.parametrize("value", ["0", "-0.5", "1.01", "half", "NaN", ""])
def test_an_invalid_tenant_share_fails_at_start_with_one_line_naming_the_setting(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENANT_GLOBAL_SHARE_PCT", value)

    message = refused_settings()

    assert message.startswith("invalid configuration: TENANT_GLOBAL_SHARE_PCT:")
    if value.isalpha():
        assert value not in message, "the message names the setting, never its value"


@pytest.mark.parametrize(("value", "limit"), [("1", 1_000_000), ("0.333333", 333_333), ("0.0000001", 0)])
def test_a_valid_tenant_share_sets_the_limit_rounded_down(
    value: str, limit: int, make_ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENANT_GLOBAL_SHARE_PCT", value)

    ledger: CostLedger = make_ledger(DAILY_COST_BUDGET_USD=Decimal("1"))

    assert ledger.share_limit_micros == limit
