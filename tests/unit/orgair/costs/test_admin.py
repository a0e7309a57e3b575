"""The operator's budget views and tenant budget setting, at fixed instants, over the in-memory
costs repository (the storage they read is proven on the embedded DynamoDB by
tests/contract/test_costs_contract.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from orgair.costs.admin import BudgetAdmin, parse_daily_budget
from orgair.costs.budget import GLOBAL_SCOPE, forecast
from orgair.costs.check import BudgetCheck
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.errors import ValidationFailed
from orgair.records.costs import AlertRecord, CallMeta
from support.costs import FakeClock, cost_settings
from support.fakes.costs import InMemoryCostsRepository

MODEL = "gpt-4o-2024-08-06"


@pytest.fixture
def make_ledger(clock: FakeClock) -> Any:
    """Every ledger of a test shares one in-memory store (as they would share CostsTable)."""
    store = InMemoryCostsRepository()

    def build(**overrides: Any) -> CostLedger:
        return CostLedger(cost_settings(**overrides), store=store, clock=clock)

    return build


def admin_of(ledger: CostLedger, *tenants: str) -> BudgetAdmin:
    return BudgetAdmin(ledger, lambda: tenants)


def call(ledger: CostLedger, tenant: str, output_tokens: int) -> int:
    meta = CallMeta(tenant_id=tenant, purpose="t", correlation_id="c", request_id="r", parent_request_id="r")
    hold = ledger.reserve(meta, MODEL, ledger.estimate(MODEL, ["x" * 600], 800))
    return ledger.settle(hold, Usage(input_tokens=200, output_tokens=output_tokens), outcome="ok").cost_micros


def test_the_global_forecast_is_the_budget_checks_forecast_of_the_same_counter(
    ledger: CostLedger, clock: FakeClock
) -> None:
    call(ledger, "acme", 700)
    clock.advance(minutes=50)
    call(ledger, "globex", 300)
    clock.advance(minutes=20)

    status = admin_of(ledger, "acme", "globex").global_budget(clock().date())

    counter = ledger.store.counter(GLOBAL_SCOPE, clock().date())
    expected = forecast(
        day=counter.day,
        now=clock(),
        committed_micros=counter.committed_micros,
        settled_micros=counter.settled_micros,
        settled_by_hour=counter.settled_by_hour,
    )
    assert status.projection == expected
    assert status.projection.end_of_day_micros > counter.committed_micros


def test_the_forecast_over_the_limit_is_the_one_the_check_alerts_on(
    make_ledger: Any, clock: FakeClock
) -> None:
    ledger: CostLedger = make_ledger(DAILY_COST_BUDGET_USD="0.10", TENANT_GLOBAL_SHARE_PCT="1")
    for _ in range(3):
        call(ledger, "acme", 800)
        clock.advance(minutes=30)
    sent: list[AlertRecord] = []

    class Publisher:
        def publish(self, alert: AlertRecord) -> None:
            sent.append(alert)

    BudgetCheck(ledger, Publisher()).run()
    status = admin_of(ledger, "acme").global_budget(clock().date())

    [alert] = [alert for alert in sent if alert.scope == GLOBAL_SCOPE and alert.threshold == "forecast"]
    assert status.limit_micros is not None
    assert status.projection.end_of_day_micros > status.limit_micros
    assert alert.forecast_micros == status.projection.end_of_day_micros


def test_an_earlier_day_uses_the_limits_its_admissions_recorded(make_ledger: Any, clock: FakeClock) -> None:
    earlier: CostLedger = make_ledger(DAILY_COST_BUDGET_USD="100")
    call(earlier, "acme", 10)
    day = clock().date()
    clock.advance(days=1)
    later: CostLedger = make_ledger(DAILY_COST_BUDGET_USD="7")

    then = admin_of(later, "acme").global_budget(day)
    today = admin_of(later, "acme").global_budget(clock().date())

    assert then.limit_micros == 100_000_000
    assert then.tenant_share_limit_micros is None
    assert then.projection.end_of_day_micros == then.counter.committed_micros
    assert today.limit_micros == 7_000_000
    assert today.counter.committed_micros == 0


def test_tenants_with_a_budget_but_no_key_are_listed_too(ledger: CostLedger, clock: FakeClock) -> None:
    admin = admin_of(ledger, "acme")
    admin.set_tenant_budget("prospect", 5_000_000, by="local:ops")

    assert admin.tenant_ids() == ["acme", "prospect"]
    [acme, prospect] = admin.tenant_budgets(clock().date()).items
    assert (acme.limit_micros, prospect.limit_micros) == (None, 5_000_000)
    assert prospect.setting is not None
    assert prospect.setting.updated_by == "local:ops"
    assert prospect.setting.updated_at == clock()


def test_a_changed_budget_is_in_the_history_with_who_and_when(ledger: CostLedger, clock: FakeClock) -> None:
    admin = admin_of(ledger, "acme")
    admin.set_tenant_budget("acme", 1_000_000, by="local:alice")
    clock.advance(minutes=5)
    admin.set_tenant_budget("acme", None, by="arn:aws:iam::123456789012:user/bob")
    clock.advance(minutes=5)
    admin.set_tenant_budget("acme", 2_000_000, by="local:alice")

    status = admin.tenant_budget("acme", clock().date())

    assert status.limit_micros == 2_000_000
    assert [(change.limit_micros, change.changed_by) for change in status.history] == [
        (2_000_000, "local:alice"),
        (None, "arn:aws:iam::123456789012:user/bob"),
        (1_000_000, "local:alice"),
    ]
    assert status.history[1].changed_at == clock() - timedelta(minutes=5)


@pytest.mark.parametrize("limit", [0, -1, 1_000_000_000_001])
def test_the_layer_refuses_an_out_of_range_budget_whoever_calls_it(ledger: CostLedger, limit: int) -> None:
    with pytest.raises(ValidationFailed):
        admin_of(ledger).set_tenant_budget("acme", limit, by="local:ops")
    assert ledger.store.tenant_limit("acme") is None


def test_a_change_without_who_is_refused(ledger: CostLedger) -> None:
    with pytest.raises(ValidationFailed):
        admin_of(ledger).set_tenant_budget("acme", 1_000_000, by=" ")
    assert ledger.store.budget_history("acme", 10) == []


@pytest.mark.parametrize(
    ("text", "micros"), [("25", 25_000_000), ("0.000001", 1), ("12.345678", 12_345_678), (" 3.5 ", 3_500_000)]
)
def test_a_daily_budget_is_parsed_exactly_to_the_micro_dollar(text: str, micros: int) -> None:
    assert parse_daily_budget(text) == micros
