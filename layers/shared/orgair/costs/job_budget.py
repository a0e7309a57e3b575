"""A job's budget: reserved whole up front, drawn by each provider attempt, unused part released once.

`reserve_job` admits the job's budget in the same scopes and the same kind of conditional
transaction as one call's hold (`global`, `tenant:<id>`, `global-share:<id>`: every scope admits
or none does) and creates the job's own counter `job:<id>`, whose limit is that budget. Every
provider attempt of the job is then admitted by `FundedLedger.reserve` against the job's counter
alone (the day's scopes hold the whole budget already), settled on the ledger as any call under the
job's parent id, and its cost added to the day scopes' settled amounts. `release_job` returns
what was never spent (or still held) to the day's scopes, once; a call still held then is corrected
when it settles, by the budget check if its worker crashed. Nothing is ever admitted past the job's
budget: the job's counter refuses it in the same transaction that creates the attempt's hold.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Final

from orgair.costs.budget import (
    GLOBAL_SCOPE,
    Clock,
    budget_exceeded,
    day_of,
    global_share_scope,
    tenant_scope,
    utc_now,
)
from orgair.costs.ledger import CostLedger
from orgair.dal.costs import CostsRepository, Duplicate, ScopeRefused, StoreInconsistency
from orgair.records.costs import CallMeta, Hold
from orgair.settings import Settings

JOB_SCOPE_PREFIX: Final = "job:"
_CALL_NAMESPACE: Final = uuid.UUID("2d0f3c64-9a8e-4f71-8c55-0e6b1a7d4f29")


def job_scope(job_id: str) -> str:
    return f"{JOB_SCOPE_PREFIX}{job_id}"


def is_job_scope(scope: str) -> bool:
    return scope.startswith(JOB_SCOPE_PREFIX)


def funded_call_id(attempt_key: str, attempt: int) -> str:
    """The call id of one provider attempt of a job's work: derived, so the same attempt is one hold
    and at most one ledger line however often its message is delivered."""
    return str(uuid.uuid5(_CALL_NAMESPACE, f"{attempt_key}#{attempt}"))


@dataclass(frozen=True, slots=True)
class JobPosition:
    """A job's reservation: its budget, what its attempts hold or spent, what they spent."""

    reserved_micros: int
    committed_micros: int
    spent_micros: int
    released: bool


def reserve_job(ledger: CostLedger, tenant_id: str, job_id: str, amount_micros: int) -> date:
    """Admit the job's whole budget in every scope a call of the tenant is admitted in, or raise
    BudgetExceeded (429) naming the refusing scope. A retry for the same job reserves nothing more.
    Returns the day the budget is charged to (every attempt of the job is charged to it)."""
    now = ledger.clock()
    day = day_of(now)
    updates = ledger.admission(ledger.call_scope_limits(tenant_id), amount_micros, day, now)
    outcome = ledger.store.reserve_job(job_scope(job_id), tenant_id, day, updates, now)
    if isinstance(outcome, ScopeRefused):
        raise ledger.refusal(outcome, day, now)
    return day


def release_job(ledger: CostLedger, job_id: str, day: date) -> int | None:
    """Return the job's unused reservation to the day's scopes; None when released before."""
    return ledger.store.release_job(job_scope(job_id), day, ledger.clock())


def job_position(store: CostsRepository, job_id: str, day: date) -> JobPosition:
    counter = store.counter(job_scope(job_id), day)
    return JobPosition(
        reserved_micros=counter.limit_micros or 0,
        committed_micros=counter.committed_micros,
        spent_micros=counter.settled_micros,
        released=store.job_released(job_scope(job_id), day),
    )


class FundedLedger(CostLedger):
    """The cost ledger as one company of a job sees it: every attempt drawn from the job's budget.

    `attempt_key` names the company's run (job, company, run): attempt n of it is always the same
    call id. Degradation reads the job's own scope (`call_scope_limits`): past DEGRADE_AT_PCT of the
    job's budget, or when the default model's worst case no longer fits it, the cheaper model runs.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        job_id: str,
        day: date,
        budget_micros: int,
        attempt_key: str,
        store: CostsRepository | None = None,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(settings, store=store, clock=clock)
        self.job_id = job_id
        self.day = day
        self.budget_micros = budget_micros
        self.attempt_key = attempt_key

    def call_scope_limits(self, tenant_id: str) -> list[tuple[str, int | None]]:
        return [(job_scope(self.job_id), self.budget_micros)]

    def reserve(self, meta: CallMeta, model: str, estimate_micros: int, call_id: str | None = None) -> Hold:
        now = self.clock()
        scope = job_scope(self.job_id)
        price = self.prices.price(model, now)
        ceiling = self.budget_micros - estimate_micros
        if ceiling < 0:
            raise budget_exceeded(scope, self.budget_micros, 0, now)
        hold = self.new_hold(
            meta,
            model,
            price,
            estimate_micros,
            call_id=call_id or funded_call_id(self.attempt_key, meta.attempt),
            day=self.day,
            scopes=[GLOBAL_SCOPE, tenant_scope(meta.tenant_id), global_share_scope(meta.tenant_id)],
            now=now,
            funded_by=scope,
        )
        outcome = self.store.reserve_funded(hold, ceiling, now)
        if isinstance(outcome, Duplicate):
            raise StoreInconsistency(f"call {hold.call_id} already has a hold")
        if isinstance(outcome, ScopeRefused):
            committed = outcome.committed_micros
            raise budget_exceeded(
                scope, self.budget_micros, self.budget_micros if committed is None else committed, now
            )
        return hold
