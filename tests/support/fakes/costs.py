"""An in-memory CostsRepository with the same contract as orgair.dal.costs.CostsStore
(tests/contract/test_costs_contract.py runs the same tests against both).

Every multi-item write checks all its conditions before it changes anything, as a DynamoDB
transaction does, and answers with the outcome of the first item whose condition failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from orgair.dal.costs import (
    Admission,
    Duplicate,
    ScopeRefused,
    ScopeUpdate,
    StoreInconsistency,
    Written,
    line_sk,
)
from orgair.records.costs import (
    AlertRecord,
    BudgetChange,
    BudgetSetting,
    Counter,
    ExternalMarker,
    Hold,
    LedgerLine,
)


@dataclass(slots=True)
class _Counter:
    committed: int = 0
    settled: int = 0
    limit: int | None = None
    hours: dict[int, int] = field(default_factory=dict)
    released: bool = False
    day_scopes: tuple[str, ...] = ()

    def apply(self, change: ScopeUpdate) -> None:
        self.committed += change.committed_delta
        if change.settled_delta or change.hour is not None:
            self.settled += change.settled_delta
        if change.hour is not None:
            self.hours[change.hour] = self.hours.get(change.hour, 0) + change.settled_delta
        if change.limit_micros is not None:
            self.limit = change.limit_micros


def _tenant(tenant_id: str) -> str:
    if not tenant_id or "#" in tenant_id:
        raise ValueError("a tenant id is non-empty and never contains '#'")
    return tenant_id


def _hour(instant: datetime) -> int:
    return instant.astimezone(UTC).hour


class InMemoryCostsRepository:
    def __init__(self) -> None:
        self._counters: dict[tuple[str, date], _Counter] = {}
        self._holds: dict[str, Hold] = {}
        self._lines: dict[tuple[str, date], dict[str, LedgerLine]] = {}
        self._markers: dict[tuple[str, str], ExternalMarker] = {}
        self._settings: dict[str, BudgetSetting] = {}
        self._history: dict[str, list[BudgetChange]] = {}
        self._alerts: dict[tuple[date, str, str], AlertRecord] = {}
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ conditions and effects

    def _refused(self, scopes: Sequence[ScopeUpdate], day: date) -> ScopeRefused | None:
        for change in scopes:
            counter = self._counters.get((change.scope, day))
            if change.ceiling is not None and counter is not None and counter.committed > change.ceiling:
                return ScopeRefused(update=change, committed_micros=counter.committed)
        return None

    def _apply(self, scopes: Sequence[ScopeUpdate], day: date) -> None:
        for change in scopes:
            self._counters.setdefault((change.scope, day), _Counter()).apply(change)

    def _line_exists(self, line: LedgerLine) -> bool:
        return line_sk(line) in self._lines.get((_tenant(line.meta.tenant_id), line.day), {})

    def _put_line(self, line: LedgerLine) -> None:
        self._lines.setdefault((line.meta.tenant_id, line.day), {})[line_sk(line)] = line

    @staticmethod
    def _settled_in(scopes: Sequence[str], cost: int, hour: int, committed: int) -> list[ScopeUpdate]:
        return [
            ScopeUpdate(scope=scope, committed_delta=committed, settled_delta=cost, hour=hour)
            for scope in scopes
        ]

    # ------------------------------------------------------------------ holds and settlement

    def reserve(self, hold: Hold, scopes: Sequence[ScopeUpdate], now: datetime) -> Admission:
        _tenant(hold.meta.tenant_id)
        with self._lock:
            if hold.call_id in self._holds:
                return Duplicate()
            refused = self._refused(scopes, hold.day)
            if refused is not None:
                return refused
            self._holds[hold.call_id] = hold
            self._apply(scopes, hold.day)
            return Written()

    def settle(self, hold: Hold, line: LedgerLine, now: datetime) -> bool:
        with self._lock:
            stored = self._holds.get(hold.call_id)
            if stored is None or stored.status != "held" or self._line_exists(line):
                return False
            hour = _hour(hold.reserved_at)
            delta = line.cost_micros - hold.estimate_micros
            if hold.funded_by is None:
                updates = self._settled_in(hold.scopes, line.cost_micros, hour, delta)
            else:
                job = self._counters.get((hold.funded_by, hold.day))
                if job is None or job.limit is None:
                    return False
                updates = self._settled_in(hold.scopes, line.cost_micros, hour, delta if job.released else 0)
                job.committed += delta
                job.settled += line.cost_micros
            self._holds[hold.call_id] = replace(stored, status="settled")
            self._put_line(line)
            self._apply(updates, hold.day)
            return True

    def record_external(
        self, marker: ExternalMarker, line: LedgerLine, scopes: Sequence[ScopeUpdate], now: datetime
    ) -> Admission:
        with self._lock:
            if (_tenant(marker.tenant_id), marker.idempotency_key) in self._markers:
                return Duplicate()
            if self._line_exists(line):
                raise StoreInconsistency("a new usage report collided with an existing ledger line")
            refused = self._refused(scopes, line.day)
            if refused is not None:
                return refused
            self._markers[(marker.tenant_id, marker.idempotency_key)] = marker
            self._put_line(line)
            hour = _hour(line.timestamp)
            self._apply(
                [
                    replace(
                        change, committed_delta=line.cost_micros, settled_delta=line.cost_micros, hour=hour
                    )
                    for change in scopes
                ],
                line.day,
            )
            return Written()

    def append_correction(self, line: LedgerLine, scopes: Sequence[str], now: datetime) -> bool:
        with self._lock:
            if self._line_exists(line):
                return False
            self._put_line(line)
            cost = line.cost_micros
            self._apply(self._settled_in(scopes, cost, _hour(line.timestamp), cost), line.day)
            return True

    # ------------------------------------------------------------------ job reservations

    def reserve_job(
        self, job_scope: str, tenant_id: str, day: date, scopes: Sequence[ScopeUpdate], now: datetime
    ) -> Admission:
        _tenant(tenant_id)
        with self._lock:
            if (job_scope, day) in self._counters:
                return Duplicate()
            refused = self._refused(scopes, day)
            if refused is not None:
                return refused
            amount = scopes[0].committed_delta if scopes else 0
            self._counters[(job_scope, day)] = _Counter(
                limit=amount, day_scopes=tuple(change.scope for change in scopes)
            )
            self._apply(scopes, day)
            return Written()

    def reserve_funded(self, hold: Hold, ceiling: int, now: datetime) -> Admission:
        job_scope = hold.funded_by or ""
        with self._lock:
            if hold.call_id in self._holds:
                return Duplicate()
            job = self._counters.get((job_scope, hold.day))
            if job is None or job.limit is None or job.released or job.committed > ceiling:
                refused = ScopeUpdate(scope=job_scope, committed_delta=hold.estimate_micros, ceiling=ceiling)
                return ScopeRefused(update=refused, committed_micros=None if job is None else job.committed)
            self._holds[hold.call_id] = hold
            job.committed += hold.estimate_micros
            return Written()

    def release_job(self, job_scope: str, day: date, now: datetime) -> int | None:
        with self._lock:
            job = self._counters.get((job_scope, day))
            if job is None or job.released:
                return None
            unused = max(0, (job.limit or 0) - job.committed)
            job.released = True
            self._apply([ScopeUpdate(scope=scope, committed_delta=-unused) for scope in job.day_scopes], day)
            return unused

    def job_released(self, job_scope: str, day: date) -> bool:
        job = self._counters.get((job_scope, day))
        return job is not None and job.released

    # ------------------------------------------------------------------ counters and tenant budgets

    def counter(self, scope: str, day: date) -> Counter:
        found = self._counters.get((scope, day))
        if found is None:
            return Counter(scope=scope, day=day)
        return Counter(
            scope=scope,
            day=day,
            committed_micros=found.committed,
            settled_micros=found.settled,
            limit_micros=found.limit,
            settled_by_hour=dict(found.hours),
        )

    def counters(self, scopes: Sequence[str], day: date) -> dict[str, Counter]:
        return {scope: self.counter(scope, day) for scope in scopes}

    def tenant_limit(self, tenant_id: str) -> int | None:
        setting = self.tenant_budget_setting(tenant_id)
        return None if setting is None else setting.limit_micros

    def set_tenant_limit(
        self, tenant_id: str, limit_micros: int | None, now: datetime, *, by: str = "unattributed"
    ) -> None:
        scope = f"tenant:{_tenant(tenant_id)}"
        with self._lock:
            if limit_micros is None:
                self._settings.pop(scope, None)
            else:
                self._settings[scope] = BudgetSetting(
                    limit_micros=limit_micros, updated_at=now, updated_by=by
                )
            self._history.setdefault(tenant_id, []).append(
                BudgetChange(limit_micros=limit_micros, changed_at=now, changed_by=by)
            )

    def tenant_limits(self) -> dict[str, int]:
        return {scope: setting.limit_micros for scope, setting in self.tenant_budget_settings().items()}

    def tenant_budget_settings(self) -> dict[str, BudgetSetting]:
        return dict(sorted(self._settings.items()))

    def tenant_budget_setting(self, tenant_id: str) -> BudgetSetting | None:
        return self._settings.get(f"tenant:{_tenant(tenant_id)}")

    def budget_history(self, tenant_id: str, limit: int) -> list[BudgetChange]:
        changes = self._history.get(_tenant(tenant_id), [])
        return sorted(changes, key=lambda change: change.changed_at, reverse=True)[:limit]

    # ------------------------------------------------------------------ ledger lines, holds, markers

    def hold(self, call_id: str) -> Hold | None:
        return self._holds.get(call_id)

    def open_holds(self, day: date, expired_at: datetime | None = None) -> Iterator[Hold]:
        held = [
            hold
            for hold in self._holds.values()
            if hold.status == "held"
            and hold.day == day
            and (expired_at is None or hold.expires_at <= expired_at)
        ]
        yield from sorted(held, key=lambda hold: (hold.expires_at, hold.call_id))

    def ledger_line(self, tenant_id: str, day: date, sk: str) -> LedgerLine | None:
        return self._lines.get((_tenant(tenant_id), day), {}).get(sk)

    def ledger_lines(self, tenant_id: str, day: date) -> Iterator[LedgerLine]:
        lines = self._lines.get((_tenant(tenant_id), day), {})
        yield from (lines[sk] for sk in sorted(lines))

    def ledger_page(
        self, tenant_id: str, day: date, limit: int, after_sk: str | None
    ) -> tuple[list[LedgerLine], str | None]:
        lines = self._lines.get((_tenant(tenant_id), day), {})
        keys = [sk for sk in sorted(lines) if after_sk is None or sk > after_sk]
        page = keys[:limit]
        return [lines[sk] for sk in page], (page[-1] if len(page) == limit else None)

    def day_lines(self, day: date) -> list[LedgerLine]:
        found = [
            (f"{tenant}#{sk}", line)
            for (tenant, line_day), lines in self._lines.items()
            if line_day == day
            for sk, line in lines.items()
        ]
        return [line for _, line in sorted(found, key=lambda pair: pair[0])]

    def external_marker(self, tenant_id: str, idempotency_key: str) -> ExternalMarker | None:
        return self._markers.get((_tenant(tenant_id), idempotency_key))

    # ------------------------------------------------------------------ alert claims

    def claim_alert(self, record: AlertRecord) -> bool:
        key = (record.day, record.scope, record.threshold)
        with self._lock:
            if key in self._alerts:
                return False
            self._alerts[key] = replace(record, published_at=None, channels=frozenset())
            return True

    def take_over_alert(self, record: AlertRecord, stale_token: str) -> bool:
        key = (record.day, record.scope, record.threshold)
        with self._lock:
            existing = self._alerts.get(key)
            if existing is None or existing.state != "claimed" or existing.claim_token != stale_token:
                return False
            self._alerts[key] = replace(
                existing,
                claim_token=record.claim_token,
                claimed_at=record.claimed_at,
                committed_micros=record.committed_micros,
                limit_micros=record.limit_micros,
                utilisation=existing.utilisation if record.utilisation is None else record.utilisation,
                forecast_micros=(
                    existing.forecast_micros if record.forecast_micros is None else record.forecast_micros
                ),
            )
            return True

    def mark_alert_channel(self, record: AlertRecord, channel: str, at: datetime) -> bool:
        return self._update_claim(
            record, lambda existing: replace(existing, channels=existing.channels | {channel})
        )

    def mark_alert_published(self, record: AlertRecord, at: datetime) -> bool:
        return self._update_claim(
            record, lambda existing: replace(existing, state="published", published_at=at)
        )

    def _update_claim(self, record: AlertRecord, change: Callable[[AlertRecord], AlertRecord]) -> bool:
        key = (record.day, record.scope, record.threshold)
        with self._lock:
            existing = self._alerts.get(key)
            if existing is None or existing.claim_token != record.claim_token:
                return False
            self._alerts[key] = change(existing)
            return True

    def alerts(self, day: date, scope: str | None = None) -> list[AlertRecord]:
        return [
            record
            for (alert_day, alert_scope, _), record in sorted(
                self._alerts.items(), key=lambda pair: f"{pair[0][1]}#{pair[0][2]}"
            )
            if alert_day == day and (scope is None or alert_scope == scope)
        ]
