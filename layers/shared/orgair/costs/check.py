"""The scheduled budget check: settle expired holds, evaluate every active scope, send each alert once.

Several runs may overlap (schedule plus an on-demand run): every alert is claimed with a conditional
put on (scope, day, threshold) and only the winner publishes. Each channel (SNS, EventBridge) is
recorded on the claim as soon as it took the alert, so a claim whose run died or whose other channel
failed is taken over by a later run once its lease has passed and only the missing channels are
sent: an alert is never lost, and a channel that succeeded is never sent again. The one window for a
duplicate on a channel is a run dying between that channel's publish and its record.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final

from orgair.business_metrics import (
    record_budget_utilisation,
    record_holds_open,
    record_uncertain_settlements,
)
from orgair.costs.alerts import AlertPublisher
from orgair.costs.budget import (
    GLOBAL_SCOPE,
    Forecast,
    counter_forecast,
    crossed_thresholds,
    day_of,
    utilisation_text,
)
from orgair.costs.ledger import CostLedger
from orgair.costs.money import usd_to_micros_floor
from orgair.observability import logger
from orgair.records.costs import AlertRecord, Counter, LedgerLine

CLAIM_LEASE: Final = timedelta(minutes=5)
"""Longer than any run of the check can take; after it a claimed-but-unconfirmed alert is re-sent."""


DEFAULT_CHANNEL: Final = "default"
"""The channel name of a single publisher passed on its own (tests, or a one-channel deployment)."""


@dataclass(frozen=True, slots=True)
class ScopeStatus:
    scope: str
    day: date
    committed_micros: int
    settled_micros: int
    limit_micros: int
    utilisation: str | None
    projection: Forecast | None
    crossed: tuple[str, ...]


@dataclass(slots=True)
class CheckReport:
    day: date
    scopes: list[ScopeStatus] = field(default_factory=list)
    published: list[AlertRecord] = field(default_factory=list)
    failed: list[AlertRecord] = field(default_factory=list)
    settled_uncertain: list[LedgerLine] = field(default_factory=list)
    open_holds: int = 0


class BudgetCheck:
    """One run of the check over today and yesterday (a threshold crossed just before midnight counts)."""

    def __init__(self, ledger: CostLedger, publisher: AlertPublisher | Mapping[str, AlertPublisher]) -> None:
        self.ledger = ledger
        self.store = ledger.store
        self.channels: dict[str, AlertPublisher] = (
            dict(publisher) if isinstance(publisher, Mapping) else {DEFAULT_CHANNEL: publisher}
        )

    def run(self) -> CheckReport:
        now = self.ledger.clock()
        today = day_of(now)
        days = (today - timedelta(days=1), today)
        report = CheckReport(day=today)
        report.settled_uncertain = self.settle_expired_holds(days, now)
        report.open_holds = len(self.ledger.open_holds(days))
        limits = {GLOBAL_SCOPE: usd_to_micros_floor(self.ledger.settings.DAILY_COST_BUDGET_USD)}
        limits.update(self.store.tenant_limits())
        scopes = sorted(limits)
        for day in days:
            counters = self.store.counters(scopes, day)
            existing = {(alert.scope, alert.threshold): alert for alert in self.store.alerts(day)}
            for scope in scopes:
                counter = counters[scope]
                if counter.committed_micros == 0 and counter.settled_micros == 0:
                    continue
                status = self._status(counter, limits[scope], now, include_forecast=day == today)
                report.scopes.append(status)
                for threshold in status.crossed:
                    self._alert_once(status, threshold, existing.get((scope, threshold)), now, report)
        return report

    def settle_expired_holds(self, days: tuple[date, ...], now: datetime) -> list[LedgerLine]:
        """Charge every expired hold at its reservation, marked `uncertain`; a racing settle wins cleanly."""
        settled: list[LedgerLine] = []
        for hold in self.ledger.open_holds(days, expired_at=now):
            current = self.store.hold(hold.call_id)
            if current is None or current.status != "held" or current.expires_at > now:
                continue
            line = self.ledger.settle_uncertain(current, outcome="hold_expired")
            if line is not None:
                settled.append(line)
        return settled

    def _status(self, counter: Counter, limit: int, now: datetime, *, include_forecast: bool) -> ScopeStatus:
        projection = counter_forecast(counter, now) if include_forecast else None
        crossed = crossed_thresholds(
            committed_micros=counter.committed_micros,
            limit_micros=limit,
            alert_fraction=self.ledger.settings.COST_ALERT_THRESHOLD_PCT,
            projection=projection,
        )
        return ScopeStatus(
            scope=counter.scope,
            day=counter.day,
            committed_micros=counter.committed_micros,
            settled_micros=counter.settled_micros,
            limit_micros=limit,
            utilisation=utilisation_text(counter.committed_micros, limit),
            projection=projection,
            crossed=tuple(crossed),
        )

    def _alert_once(
        self,
        status: ScopeStatus,
        threshold: str,
        existing: AlertRecord | None,
        now: datetime,
        report: CheckReport,
    ) -> None:
        if existing is not None and (
            existing.state == "published" or now - existing.claimed_at < CLAIM_LEASE
        ):
            return
        record = AlertRecord(
            scope=status.scope,
            day=status.day,
            threshold=threshold,
            state="claimed",
            claimed_at=now,
            claim_token=str(uuid.uuid4()),
            utilisation=status.utilisation,
            committed_micros=status.committed_micros,
            limit_micros=status.limit_micros,
            forecast_micros=status.projection.end_of_day_micros if status.projection else None,
            channels=existing.channels if existing is not None else frozenset(),
        )
        won = (
            self.store.claim_alert(record)
            if existing is None
            else self.store.take_over_alert(record, existing.claim_token)
        )
        if not won:
            return
        for name, channel in self.channels.items():
            if name in record.channels:
                continue
            try:
                channel.publish(record)
            except Exception:
                logger.exception(
                    "alert %s %s %s claimed but not published to %s",
                    record.scope,
                    record.day,
                    threshold,
                    name,
                )
                report.failed.append(record)
                return
            if not self.store.mark_alert_channel(record, name, self.ledger.clock()):
                return
        self.store.mark_alert_published(record, self.ledger.clock())
        report.published.append(record)


def record_check_metrics(report: CheckReport) -> None:
    """Today's committed and utilisation per scope, open holds and uncertain settlements (EMF)."""
    for status in report.scopes:
        if status.day == report.day:
            record_budget_utilisation(status.scope, status.committed_micros, status.limit_micros)
    record_holds_open(report.open_holds)
    record_uncertain_settlements(len(report.settled_uncertain))
