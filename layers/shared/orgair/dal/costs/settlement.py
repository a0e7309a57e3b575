"""Holds and settlement: a call's admission, its settlement, reported usage and corrections, each
one transaction over the hold or marker, the ledger line and every scope's counter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from orgair.dal.costs.items import Item, hold_item, line_item, marker_item
from orgair.dal.costs.keys import counter_key, hold_key, iso
from orgair.dal.costs.repository import Admission, Duplicate, ScopeUpdate, StoreInconsistency, Written
from orgair.dal.costs.table import CostsTable, put_new, update
from orgair.dynamo.codec import number, string
from orgair.dynamo.transact import Committed
from orgair.records.costs import ExternalMarker, Hold, LedgerLine

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


def _settled_in(scopes: Sequence[str], cost: int, hour: int, committed_delta: int) -> list[ScopeUpdate]:
    """`cost` settled in every scope (and its hour bucket), `committed` corrected by `committed_delta`."""
    return [
        ScopeUpdate(scope=scope, committed_delta=committed_delta, settled_delta=cost, hour=hour)
        for scope in scopes
    ]


class Settlement(CostsTable):
    def reserve(self, hold: Hold, scopes: Sequence[ScopeUpdate], now: datetime) -> Admission:
        """Create the hold and add its estimate to every scope's `committed`: all scopes or none.
        Duplicate: the hold exists already; ScopeRefused: a scope's ceiling refused."""
        items = [put_new(self._table, hold_item(hold))]
        items.extend(self._counter_update(hold.day, change, now) for change in scopes)
        outcome = self._transact(items, "reserving budget")
        if isinstance(outcome, Committed):
            return Written()
        return self._refused(outcome, 1, scopes) or Duplicate()

    def settle(self, hold: Hold, line: LedgerLine, now: datetime) -> bool:
        """held → settled, the ledger line, and every scope corrected by actual − estimate: at once.

        False when the hold is no longer held (settled already: exactly once).
        """
        items = [self._close_hold(hold, line, now), put_new(self._table, line_item(line))]
        if hold.funded_by is not None:
            return self._settle_funded(hold, line, items, now)
        hour = hold.reserved_at.astimezone(UTC).hour
        delta = line.cost_micros - hold.estimate_micros
        items.extend(
            self._counter_update(hold.day, change, now)
            for change in _settled_in(hold.scopes, line.cost_micros, hour, delta)
        )
        return isinstance(self._transact(items, "settling a call"), Committed)

    def _close_hold(self, hold: Hold, line: LedgerLine, now: datetime) -> TransactWriteItemTypeDef:
        return update(
            {
                "TableName": self._table,
                "Key": hold_key(hold.call_id),
                "UpdateExpression": (
                    "SET #status = :settled, settled_at = :now, actual_micros = :actual, line_status = :ls "
                    "REMOVE gsi1pk, gsi1sk"
                ),
                "ConditionExpression": "#status = :held",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {
                    ":settled": string("settled"),
                    ":held": string("held"),
                    ":now": string(iso(now)),
                    ":actual": number(line.cost_micros),
                    ":ls": string(line.status),
                },
            }
        )

    def _settle_funded(
        self, hold: Hold, line: LedgerLine, items: list[TransactWriteItemTypeDef], now: datetime
    ) -> bool:
        """Settle a call a job funded: the job's scope is corrected by actual − estimate; the day's
        scopes, where the job committed its whole budget up front, get the cost as settled and,
        only once the job released its unused budget, the correction of `committed` too (the
        release returned everything but what was still held then). Whether the job was released is
        a condition of the transaction, so a release racing this settlement is never missed."""
        hour = hold.reserved_at.astimezone(UTC).hour
        delta = line.cost_micros - hold.estimate_micros
        for released in (False, True):
            scoped = [
                self._counter_update(hold.day, change, now)
                for change in _settled_in(hold.scopes, line.cost_micros, hour, delta if released else 0)
            ]
            job = self._job_update(
                hold.funded_by or "",
                hold.day,
                committed_delta=delta,
                settled_delta=line.cost_micros,
                condition="attribute_exists(released)" if released else "attribute_not_exists(released)",
                now=now,
            )
            outcome = self._transact([*items, *scoped, job], "settling a job's call")
            if isinstance(outcome, Committed):
                return True
            if outcome.index != len(items) + len(scoped) or released:
                return False
        return False

    def _job_update(
        self,
        job_scope: str,
        day: date,
        *,
        committed_delta: int,
        settled_delta: int,
        condition: str,
        now: datetime,
        values: Item | None = None,
    ) -> TransactWriteItemTypeDef:
        return update(
            {
                "TableName": self._table,
                "Key": counter_key(job_scope, day),
                "UpdateExpression": "SET updated_at = :now ADD committed :committed, settled :settled",
                "ConditionExpression": f"attribute_exists(limit_micros) AND {condition}",
                "ExpressionAttributeValues": {
                    ":now": string(iso(now)),
                    ":committed": number(committed_delta),
                    ":settled": number(settled_delta),
                    **(values or {}),
                },
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        )

    def record_external(
        self, marker: ExternalMarker, line: LedgerLine, scopes: Sequence[ScopeUpdate], now: datetime
    ) -> Admission:
        """The report's marker (once per idempotency key), its ledger line and counters: at once.

        Each `ScopeUpdate` adds the line's cost to `committed` and `settled` of its scope (and the
        hour bucket), under its `ceiling` when it has one (admission). Duplicate: the key was used
        before; ScopeRefused: a scope refused; StoreInconsistency: the new line existed already.
        """
        hour = line.timestamp.astimezone(UTC).hour
        admitted = [
            ScopeUpdate(
                scope=change.scope,
                committed_delta=line.cost_micros,
                settled_delta=line.cost_micros,
                hour=hour,
                ceiling=change.ceiling,
                limit_micros=change.limit_micros,
            )
            for change in scopes
        ]
        items = [
            put_new(self._table, marker_item(marker, now), return_old=True),
            put_new(self._table, line_item(line)),
        ]
        items.extend(self._counter_update(line.day, change, now) for change in admitted)
        outcome = self._transact(items, "recording reported usage")
        if isinstance(outcome, Committed):
            return Written()
        refused = self._refused(outcome, 2, scopes)
        if refused is not None:
            return refused
        if outcome.index != 0:
            raise StoreInconsistency("a new usage report collided with an existing ledger line")
        return Duplicate()

    def append_correction(self, line: LedgerLine, scopes: Sequence[str], now: datetime) -> bool:
        """Append a correction line and add its (signed) cost to `committed`, `settled` and the hour
        bucket of every scope of the corrected line, at once. No ceiling: a correction records what a
        call cost, it admits nothing. False when this correction was appended before (a retry)."""
        hour = line.timestamp.astimezone(UTC).hour
        items = [put_new(self._table, line_item(line))]
        items.extend(
            self._counter_update(line.day, change, now)
            for change in _settled_in(scopes, line.cost_micros, hour, line.cost_micros)
        )
        return isinstance(self._transact(items, "appending a correction"), Committed)
