"""The `CostsRepository` protocol: what the cost ledger asks of its store, in records and outcomes.

Every multi-item write is one method, because its atomicity is the product: a hold and every
scope's `committed` are written together or not at all, a settlement closes the hold, appends the
ledger line and corrects every counter at once. A method that can be refused answers with a typed
outcome (`Written`, `Duplicate`, `ScopeRefused`); none raises an HTTP error (the ledger maps
outcomes to problems). `CostsStore` (CostsTable) is the implementation; tests run the same contract
against an in-memory one (tests/support/fakes/costs.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from orgair.records.costs import (
    AlertRecord,
    BudgetChange,
    BudgetSetting,
    Counter,
    ExternalMarker,
    Hold,
    LedgerLine,
)


@dataclass(frozen=True, slots=True)
class ScopeUpdate:
    """One counter touched by a transaction; `ceiling` set means `committed <= ceiling` must hold.

    `hour` adds `settled_delta` to that hour's bucket too (the admission hour, UTC); `limit_micros`
    records the scope's limit in force on the counter (what an earlier day was admitted under)."""

    scope: str
    committed_delta: int
    settled_delta: int = 0
    hour: int | None = None
    ceiling: int | None = None
    limit_micros: int | None = None


@dataclass(frozen=True, slots=True)
class Written:
    """Every item of the write was stored."""


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The write's own first item existed already (a hold, a job's reservation, a report's key):
    nothing was written, as for a retry of a write that took place."""


@dataclass(frozen=True, slots=True)
class ScopeRefused:
    """A scope's ceiling refused the write (nothing was written): `committed_micros` is what the
    scope had committed then (None when its counter does not exist)."""

    update: ScopeUpdate
    committed_micros: int | None


Admission = Written | Duplicate | ScopeRefused


class StoreInconsistency(RuntimeError):
    """An invariant of the item layout did not hold (e.g. a fresh call id already had a hold)."""


class CostsRepository(Protocol):
    """Holds, ledger lines, budget counters, tenant budgets and alert claims of the cost ledger."""

    # holds and settlement
    def reserve(self, hold: Hold, scopes: Sequence[ScopeUpdate], now: datetime) -> Admission:
        """Create the hold and add its estimate to every scope's `committed`: all scopes or none."""

    def settle(self, hold: Hold, line: LedgerLine, now: datetime) -> bool:
        """held → settled, the ledger line, and every scope corrected by actual − estimate, at once;
        a job-funded hold corrects its job's scope instead (see `CostsStore.settle`). False when the
        hold was no longer held (settled once only)."""

    def record_external(
        self, marker: ExternalMarker, line: LedgerLine, scopes: Sequence[ScopeUpdate], now: datetime
    ) -> Admission:
        """The report's marker (once per key), its ledger line and its cost in every scope, at once."""

    def append_correction(self, line: LedgerLine, scopes: Sequence[str], now: datetime) -> bool:
        """A correction line and its signed cost in every scope, at once; False when appended before."""

    # job reservations
    def reserve_job(
        self, job_scope: str, tenant_id: str, day: date, scopes: Sequence[ScopeUpdate], now: datetime
    ) -> Admission:
        """The job's own counter (limit: its budget) and the budget in every day scope, at once."""

    def reserve_funded(self, hold: Hold, ceiling: int, now: datetime) -> Admission:
        """A job-funded call's hold and its estimate drawn from the job's counter (at most `ceiling`
        committed before), at once; refused when the job's reservation is released."""

    def release_job(self, job_scope: str, day: date, now: datetime) -> int | None:
        """Return the job's unused reservation to every day scope, once (None: released before)."""

    def job_released(self, job_scope: str, day: date) -> bool: ...

    # counters and tenant budgets
    def counter(self, scope: str, day: date) -> Counter: ...

    def counters(self, scopes: Sequence[str], day: date) -> dict[str, Counter]:
        """Every scope's counter for the day (missing ones as zero)."""

    def tenant_limit(self, tenant_id: str) -> int | None: ...

    def set_tenant_limit(
        self, tenant_id: str, limit_micros: int | None, now: datetime, *, by: str = "unattributed"
    ) -> None:
        """Set (None: remove) a tenant's budget and append the change to its history, at once."""

    def tenant_limits(self) -> dict[str, int]:
        """Every configured tenant budget as {scope: limit}."""

    def tenant_budget_settings(self) -> dict[str, BudgetSetting]:
        """Every configured tenant budget as {scope: setting}, in scope order."""

    def tenant_budget_setting(self, tenant_id: str) -> BudgetSetting | None: ...

    def budget_history(self, tenant_id: str, limit: int) -> list[BudgetChange]:
        """The tenant budget's most recent changes, newest first (at most `limit`)."""

    # ledger lines, the day index, holds and report markers
    def hold(self, call_id: str) -> Hold | None: ...

    def open_holds(self, day: date, expired_at: datetime | None = None) -> Iterator[Hold]:
        """Holds still held that were admitted on `day` (optionally only those expired at an instant)."""

    def ledger_line(self, tenant_id: str, day: date, sk: str) -> LedgerLine | None: ...

    def ledger_lines(self, tenant_id: str, day: date) -> Iterator[LedgerLine]:
        """A tenant's lines of a day in sort-key order (a correction right after its line)."""

    def ledger_page(
        self, tenant_id: str, day: date, limit: int, after_sk: str | None
    ) -> tuple[list[LedgerLine], str | None]:
        """One page of a tenant's lines of a day and the sort key the next page follows (None: last)."""

    def day_lines(self, day: date) -> list[LedgerLine]:
        """Every tenant's lines of one day, ordered by tenant and sort key."""

    def external_marker(self, tenant_id: str, idempotency_key: str) -> ExternalMarker | None: ...

    # alert claims
    def claim_alert(self, record: AlertRecord) -> bool:
        """Claim (scope, day, threshold); True only for the one winner."""

    def take_over_alert(self, record: AlertRecord, stale_token: str) -> bool:
        """Re-claim an unconfirmed claim still holding `stale_token`, keeping its channels; one winner."""

    def mark_alert_channel(self, record: AlertRecord, channel: str, at: datetime) -> bool:
        """Record one channel published; False when another run holds the claim now."""

    def mark_alert_published(self, record: AlertRecord, at: datetime) -> bool:
        """Confirm publication; False when another run holds the claim now."""

    def alerts(self, day: date, scope: str | None = None) -> list[AlertRecord]:
        """The day's alerts (only `scope`'s when given), by scope and threshold."""
