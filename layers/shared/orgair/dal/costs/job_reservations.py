"""Job reservations: a job's whole budget committed up front in its own counter and every day
scope, drawn by each of its calls, and its unused part returned to the day's scopes once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from orgair.dal.costs.items import committed_of, hold_item
from orgair.dal.costs.keys import check_tenant, counter_key, iso
from orgair.dal.costs.repository import Admission, Duplicate, ScopeRefused, ScopeUpdate, Written
from orgair.dal.costs.settlement import Settlement
from orgair.dal.costs.table import put_new, update
from orgair.dynamo.codec import number, optional_integer, string, string_list, texts
from orgair.dynamo.transact import TRANSACTION_ATTEMPTS, Committed
from orgair.errors import DependencyUnavailable
from orgair.records.costs import Hold


class JobReservations(Settlement):
    def reserve_job(
        self, job_scope: str, tenant_id: str, day: date, scopes: Sequence[ScopeUpdate], now: datetime
    ) -> Admission:
        """Reserve a job's whole budget: the job's own counter (its limit is the budget, nothing
        committed yet) and the budget added to every day scope's `committed` under its ceiling, in
        one transaction: every scope admits or none does. Duplicate when this job had reserved
        already (a retry)."""
        amount = scopes[0].committed_delta if scopes else 0
        job_counter = {
            **counter_key(job_scope, day),
            "scope": string(job_scope),
            "day": string(day.isoformat()),
            "tenant_id": string(check_tenant(tenant_id)),
            "committed": number(0),
            "settled": number(0),
            "limit_micros": number(amount),
            "day_scopes": string_list(change.scope for change in scopes),
            "updated_at": string(iso(now)),
        }
        items = [put_new(self._table, job_counter)]
        items.extend(self._counter_update(day, change, now) for change in scopes)
        outcome = self._transact(items, "reserving a job's budget")
        if isinstance(outcome, Committed):
            return Written()
        return self._refused(outcome, 1, scopes) or Duplicate()

    def reserve_funded(self, hold: Hold, ceiling: int, now: datetime) -> Admission:
        """Create a job-funded call's hold and draw its estimate from the job's reservation, at once
        (`ceiling`: the job's budget minus the estimate, the most it may have committed before).

        Duplicate: the hold exists already; ScopeRefused (the job's scope): the job's remaining
        reservation does not cover the estimate, or the job released it (finished or cancelled).
        """
        job_scope = hold.funded_by or ""
        job = self._job_update(
            job_scope,
            hold.day,
            committed_delta=hold.estimate_micros,
            settled_delta=0,
            condition="attribute_not_exists(released) AND committed <= :ceiling",
            now=now,
            values={":ceiling": number(ceiling)},
        )
        outcome = self._transact(
            [put_new(self._table, hold_item(hold)), job], "reserving from a job's budget"
        )
        if isinstance(outcome, Committed):
            return Written()
        if outcome.index == 0:
            return Duplicate()
        refused = ScopeUpdate(scope=job_scope, committed_delta=hold.estimate_micros, ceiling=ceiling)
        return ScopeRefused(update=refused, committed_micros=committed_of(outcome.item))

    def release_job(self, job_scope: str, day: date, now: datetime) -> int | None:
        """Return a job's unused reservation (limit − committed) to every day scope, once.

        Calls of the job still held at that moment keep their estimate committed; each is corrected
        when it settles (`settle`). None when the job had been released already.
        """
        for _attempt in range(TRANSACTION_ATTEMPTS):
            item = self._get(counter_key(job_scope, day), "reading a job's reservation")
            if not item or "released" in item:
                return None
            committed = optional_integer(item, "committed") or 0
            unused = max(0, (optional_integer(item, "limit_micros") or 0) - committed)
            job = update(
                {
                    "TableName": self._table,
                    "Key": counter_key(job_scope, day),
                    "UpdateExpression": "SET released = :now, released_micros = :unused",
                    "ConditionExpression": "attribute_not_exists(released) AND committed = :committed",
                    "ExpressionAttributeValues": {
                        ":now": string(iso(now)),
                        ":unused": number(unused),
                        ":committed": number(committed),
                    },
                }
            )
            items = [job]
            items.extend(
                self._counter_update(day, ScopeUpdate(scope=scope, committed_delta=-unused), now)
                for scope in texts(item, "day_scopes")
            )
            if isinstance(self._transact(items, "releasing a job's budget"), Committed):
                return unused
        raise DependencyUnavailable("A job's reservation stayed contended.", retry_after_seconds=1)

    def job_released(self, job_scope: str, day: date) -> bool:
        """Whether a job's reservation was released (its unused budget returned to the day)."""
        item = self._get(counter_key(job_scope, day), "reading a job's reservation", projection="released")
        return item is not None and "released" in item
