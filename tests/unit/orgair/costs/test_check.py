"""The scheduled budget check: expired holds settled `uncertain`, each alert claimed and sent once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from orgair.costs.budget import GLOBAL_SCOPE
from orgair.costs.check import CLAIM_LEASE, BudgetCheck
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.records.costs import AlertRecord, CallMeta
from support.costs import FakeClock, assert_reconciled, at

MODEL = "gpt-4o-2024-08-06"
WHOLE = Decimal(1)
"""These tests drive the global scope's alerts with one tenant's calls, so that tenant's share of the
global budget (TENANT_GLOBAL_SHARE_PCT) is all of it; fairness is tested in test_fairness.py."""


class RecordingPublisher:
    def __init__(self, failures: int = 0) -> None:
        self.sent: list[AlertRecord] = []
        self.failures = failures
        self._lock = threading.Lock()

    def publish(self, alert: AlertRecord) -> None:
        with self._lock:
            if self.failures:
                self.failures -= 1
                raise ConnectionError("SNS unreachable")
            self.sent.append(alert)

    def keys(self) -> list[tuple[str, str]]:
        return sorted((alert.scope, alert.threshold) for alert in self.sent)


def meta(tenant: str = "acme") -> CallMeta:
    return CallMeta(tenant, "assessment", "corr", "req", "parent", 1)


@pytest.fixture
def dollar_ledger(make_ledger: Any) -> CostLedger:
    """A ledger with a $1.00 day, all of it open to one tenant (see WHOLE)."""
    ledger: CostLedger = make_ledger(DAILY_COST_BUDGET_USD=Decimal("1"), TENANT_GLOBAL_SHARE_PCT=WHOLE)
    return ledger


def spent_at_noon(ledger: CostLedger, clock: FakeClock, micros: int, then: str) -> None:
    """`micros` spent by acme at noon of 2026-03-02; the clock then moved on to `then`."""
    clock.now = at("2026-03-02T12:00:00")
    spend(ledger, micros)
    clock.now = at(then)


def resent_after_the_lease(check: BudgetCheck, clock: FakeClock) -> None:
    """The 50% alert fails in a first run, is left alone by a run within the claim's lease, and is
    sent by a run after it."""
    failed = check.run()
    within_lease = check.run()
    clock.advance(seconds=CLAIM_LEASE.total_seconds() + 1)
    after_lease = check.run()
    assert [alert.threshold for alert in failed.failed] == ["50"]
    assert within_lease.published == []
    assert [alert.threshold for alert in after_lease.published] == ["50"]


def spend(ledger: CostLedger, micros: int, key: str = "k", tenant: str = "acme") -> None:
    """A call of this service costing exactly `micros` (gpt-4o output: 10 µUSD per token), reserved
    at that amount and settled; `key` names the call. (Reported usage never enters `global`.)"""
    hold = ledger.reserve(meta(tenant), MODEL, micros, call_id=f"{tenant}-{key}")
    ledger.settle(hold, Usage(output_tokens=micros // 10), outcome="ok")


def test_a_crash_between_reserve_and_settle_is_settled_uncertain_at_the_reservation(
    ledger: CostLedger, clock: FakeClock
) -> None:
    crashed = ledger.reserve(meta(), MODEL, 42_000)
    finished = ledger.reserve(meta(), MODEL, 42_000)
    ledger.settle(finished, Usage(input_tokens=100, output_tokens=100), outcome="ok")
    check = BudgetCheck(ledger, RecordingPublisher())

    early = check.run()
    clock.advance(seconds=ledger.settings.HOLD_EXPIRY_SECONDS + 1)
    late = check.run()
    again = check.run()

    assert early.settled_uncertain == []
    assert early.open_holds == 1
    assert [line.call_id for line in late.settled_uncertain] == [crashed.call_id]
    assert late.settled_uncertain[0].status == "uncertain"
    assert late.settled_uncertain[0].cost_micros == 42_000
    assert again.settled_uncertain == []
    assert again.open_holds == 0
    assert_reconciled(ledger, ["acme"], crashed.day)


def test_a_late_settle_after_expiry_keeps_the_conservative_line_and_counts_once(
    ledger: CostLedger, clock: FakeClock
) -> None:
    hold = ledger.reserve(meta(), MODEL, 42_000)
    clock.advance(seconds=ledger.settings.HOLD_EXPIRY_SECONDS + 1)
    BudgetCheck(ledger, RecordingPublisher()).run()

    line = ledger.settle(hold, Usage(input_tokens=10, output_tokens=10), outcome="ok")

    assert line.status == "uncertain"
    assert line.cost_micros == 42_000
    assert_reconciled(ledger, ["acme"], hold.day)


def test_at_85_percent_two_runs_send_the_50_and_80_alerts_once_each(
    dollar_ledger: CostLedger, clock: FakeClock
) -> None:
    spent_at_noon(dollar_ledger, clock, 850_000, "2026-03-02T23:30:00")
    publisher = RecordingPublisher()
    check = BudgetCheck(dollar_ledger, publisher)

    first = check.run()
    second = check.run()

    assert publisher.keys() == [("global", "50"), ("global", "80")]
    assert len(first.published) == 2
    assert second.published == []
    alerts = dollar_ledger.store.alerts(dollar_ledger.clock().date())
    assert {(alert.threshold, alert.state) for alert in alerts} == {("50", "published"), ("80", "published")}


def test_two_runs_at_once_claim_each_alert_once(dollar_ledger: CostLedger, clock: FakeClock) -> None:
    dollar_ledger.store.set_tenant_limit("acme", 500_000, clock())
    spend(dollar_ledger, 500_000)
    spend(dollar_ledger, 500_000, tenant="beta")
    publisher = RecordingPublisher()
    check = BudgetCheck(dollar_ledger, publisher)

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda _: check.run(), range(2)))

    thresholds = ("50", "80", "100", "forecast")
    expected = [(scope, threshold) for scope in ("global", "tenant:acme") for threshold in thresholds]
    assert publisher.keys() == sorted(expected)
    assert sum(len(report.published) for report in reports) == len(expected)


def test_an_alert_whose_publication_failed_is_sent_by_a_run_after_the_lease(
    dollar_ledger: CostLedger, clock: FakeClock
) -> None:
    spent_at_noon(dollar_ledger, clock, 600_000, "2026-03-02T23:00:00")
    publisher = RecordingPublisher(failures=1)
    check = BudgetCheck(dollar_ledger, publisher)

    resent_after_the_lease(check, clock)

    assert publisher.keys() == [("global", "50")]


def test_a_threshold_crossed_just_before_midnight_is_sent_by_the_first_run_after_it(
    dollar_ledger: CostLedger, clock: FakeClock
) -> None:
    clock.now = at("2026-03-02T23:58:00")
    spend(dollar_ledger, 1_000_000)
    clock.now = at("2026-03-03T00:05:00")
    publisher = RecordingPublisher()

    BudgetCheck(dollar_ledger, publisher).run()

    assert {(alert.day, alert.threshold) for alert in publisher.sent} == {
        (date(2026, 3, 2), "50"),
        (date(2026, 3, 2), "80"),
        (date(2026, 3, 2), "100"),
    }


def test_a_forecast_above_the_budget_is_alerted_before_the_budget_is_reached(
    dollar_ledger: CostLedger, clock: FakeClock
) -> None:
    clock.now = at("2026-03-02T04:00:00")
    spend(dollar_ledger, 300_000)
    publisher = RecordingPublisher()

    report = BudgetCheck(dollar_ledger, publisher).run()

    assert publisher.keys() == [("global", "forecast")]
    (status,) = [scope for scope in report.scopes if scope.scope == GLOBAL_SCOPE]
    assert status.projection is not None
    assert status.projection.end_of_day_micros > 1_000_000


@pytest.mark.parametrize("tenant_limit", [None, 10_000_000])
def test_scopes_without_activity_or_limit_raise_no_alert(
    make_ledger: Any, clock: FakeClock, tenant_limit: int | None
) -> None:
    ledger: CostLedger = make_ledger()
    if tenant_limit is not None:
        ledger.store.set_tenant_limit("quiet", tenant_limit, clock())
    spend(ledger, 10, tenant="acme")
    publisher = RecordingPublisher()
    report = BudgetCheck(ledger, publisher).run()
    assert publisher.sent == []
    assert [scope.scope for scope in report.scopes] == ["global"]


def test_a_failed_channel_is_resent_alone_and_the_other_channel_is_never_sent_again(
    dollar_ledger: CostLedger, clock: FakeClock
) -> None:
    spent_at_noon(dollar_ledger, clock, 600_000, "2026-03-02T23:00:00")
    sns = RecordingPublisher()
    events = RecordingPublisher(failures=1)
    check = BudgetCheck(dollar_ledger, {"sns": sns, "events": events})

    resent_after_the_lease(check, clock)
    clock.advance(seconds=CLAIM_LEASE.total_seconds() + 1)
    later = check.run()

    assert later.published == []
    assert sns.keys() == [("global", "50")], "SNS accepted it first; it is never sent there again"
    assert events.keys() == [("global", "50")]
    (claim,) = dollar_ledger.store.alerts(at("2026-03-02T00:00:00").date())
    assert (claim.state, claim.channels) == ("published", frozenset({"sns", "events"}))
