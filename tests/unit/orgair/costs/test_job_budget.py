"""A job's budget on the embedded DynamoDB: reserved whole, drawn per attempt, never exceeded,
released once, and a call settled after the release (a crashed worker's) leaves no leaked hold."""

from __future__ import annotations

import pytest
from orgair.costs.budget import GLOBAL_SCOPE, global_share_scope, tenant_scope
from orgair.costs.job_budget import FundedLedger, job_position, job_scope, release_job, reserve_job
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.errors import BudgetExceeded
from orgair.records.costs import CallMeta
from support.costs import FakeClock, call_meta, cost_settings

MODEL = "gpt-4o-2024-08-06"
DAY_SCOPES = (GLOBAL_SCOPE, tenant_scope("acme"), global_share_scope("acme"))


def meta(attempt: int = 1) -> CallMeta:
    return call_meta(attempt=attempt, parent_request_id="job-1")


def job_funded(ledger: CostLedger, clock: FakeClock, budget: int) -> FundedLedger:
    """acme's job-1 reserved with `budget`, and a company's first attempt drawing from it."""
    reserve_job(ledger, "acme", "job-1", budget)
    return funded(ledger, clock, budget)


def funded(ledger: CostLedger, clock: FakeClock, budget: int, key: str = "job-1/0/1") -> FundedLedger:
    return FundedLedger(
        cost_settings(),
        job_id="job-1",
        day=clock().date(),
        budget_micros=budget,
        attempt_key=key,
        store=ledger.store,
        clock=clock,
    )


def committed(ledger: CostLedger, clock: FakeClock) -> dict[str, int]:
    counters = ledger.store.counters(list(DAY_SCOPES), clock().date())
    return {scope: counters[scope].committed_micros for scope in DAY_SCOPES}


def settled(ledger: CostLedger, clock: FakeClock) -> dict[str, int]:
    counters = ledger.store.counters(list(DAY_SCOPES), clock().date())
    return {scope: counters[scope].settled_micros for scope in DAY_SCOPES}


def test_the_job_budget_is_committed_in_every_day_scope_at_once_and_only_once(
    ledger: CostLedger, clock: FakeClock
) -> None:
    reserve_job(ledger, "acme", "job-1", 2_000_000)
    reserve_job(ledger, "acme", "job-1", 2_000_000)  # a retry of the same job

    assert committed(ledger, clock) == dict.fromkeys(DAY_SCOPES, 2_000_000)
    assert job_position(ledger.store, "job-1", clock().date()).reserved_micros == 2_000_000


def test_a_job_over_the_tenant_budget_is_refused_naming_the_scope_and_reserves_nothing(
    ledger: CostLedger, clock: FakeClock
) -> None:
    ledger.store.set_tenant_limit("acme", 1_000_000, clock())

    with pytest.raises(BudgetExceeded) as refused:
        reserve_job(ledger, "acme", "job-1", 2_000_000)

    assert refused.value.extensions["scope"] == tenant_scope("acme")
    assert committed(ledger, clock) == dict.fromkeys(DAY_SCOPES, 0)
    assert ledger.store.counter(job_scope("job-1"), clock().date()).limit_micros is None


def test_attempts_draw_from_the_job_and_are_refused_past_its_budget(
    ledger: CostLedger, clock: FakeClock
) -> None:
    company = job_funded(ledger, clock, 25_000)
    first = company.reserve(meta(1), MODEL, 10_000)
    second = company.reserve(meta(2), MODEL, 10_000)

    with pytest.raises(BudgetExceeded) as refused:
        company.reserve(meta(3), MODEL, 10_000)

    assert refused.value.extensions["scope"] == job_scope("job-1")
    assert {first.call_id, second.call_id} == {hold.call_id for hold in ledger.open_holds([clock().date()])}
    assert committed(ledger, clock) == dict.fromkeys(DAY_SCOPES, 25_000)
    assert job_position(ledger.store, "job-1", clock().date()).committed_micros == 20_000


def test_settling_adds_the_cost_to_the_day_and_the_release_returns_the_rest(
    ledger: CostLedger, clock: FakeClock
) -> None:
    company = job_funded(ledger, clock, 100_000)
    hold = company.reserve(meta(1), MODEL, 40_000)
    line = company.settle(hold, Usage(input_tokens=1000, output_tokens=100), outcome="ok")

    released = release_job(ledger, "job-1", clock().date())

    assert released == 100_000 - line.cost_micros
    assert committed(ledger, clock) == dict.fromkeys(DAY_SCOPES, line.cost_micros)
    assert settled(ledger, clock) == dict.fromkeys(DAY_SCOPES, line.cost_micros)
    position = job_position(ledger.store, "job-1", clock().date())
    assert (position.spent_micros, position.released) == (line.cost_micros, True)
    assert release_job(ledger, "job-1", clock().date()) is None


def test_a_hold_still_open_at_release_is_corrected_when_the_budget_check_settles_it(
    ledger: CostLedger, clock: FakeClock
) -> None:
    company = job_funded(ledger, clock, 100_000)
    crashed = company.reserve(meta(1), MODEL, 30_000)

    assert release_job(ledger, "job-1", clock().date()) == 70_000
    line = ledger.settle_uncertain(crashed, outcome="hold_expired")

    assert line is not None
    assert line.cost_micros == 30_000
    assert committed(ledger, clock) == dict.fromkeys(DAY_SCOPES, 30_000)
    assert settled(ledger, clock) == dict.fromkeys(DAY_SCOPES, 30_000)
    assert ledger.open_holds([clock().date()]) == []


def test_a_released_job_admits_no_further_attempt(ledger: CostLedger, clock: FakeClock) -> None:
    reserve_job(ledger, "acme", "job-1", 100_000)
    release_job(ledger, "job-1", clock().date())

    with pytest.raises(BudgetExceeded):
        funded(ledger, clock, 100_000).reserve(meta(1), MODEL, 1_000)

    assert committed(ledger, clock) == dict.fromkeys(DAY_SCOPES, 0)


def test_the_same_attempt_of_the_same_run_is_the_same_call_id(ledger: CostLedger, clock: FakeClock) -> None:
    hold = job_funded(ledger, clock, 100_000).reserve(meta(1), MODEL, 1_000)

    with pytest.raises(Exception, match="already has a hold"):
        funded(ledger, clock, 100_000).reserve(meta(1), MODEL, 1_000)

    assert ledger.store.hold(hold.call_id) is not None
    assert job_position(ledger.store, "job-1", clock().date()).committed_micros == 1_000
