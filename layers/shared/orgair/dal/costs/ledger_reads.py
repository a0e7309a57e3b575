"""Ledger lines and the day index, holds and usage-report markers, as they are read back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from orgair.aws import store_errors
from orgair.dal.costs.items import hold_from, line_from, marker_from
from orgair.dal.costs.keys import (
    HOLD_SHARDS,
    external_key,
    hold_key,
    hold_shard_pk,
    iso,
    key,
    ledger_day_pk,
    ledger_pk,
)
from orgair.dal.costs.table import CostsTable
from orgair.dynamo.codec import optional_text, string, text
from orgair.records.costs import ExternalMarker, Hold, LedgerLine


class LedgerReads(CostsTable):
    def hold(self, call_id: str) -> Hold | None:
        item = self._get(hold_key(call_id), "reading a hold")
        return hold_from(item) if item else None

    def open_holds(self, day: date, expired_at: datetime | None = None) -> Iterator[Hold]:
        """Holds still `held` that were admitted on `day` (optionally only those expired at an instant).

        The index is eventually consistent, so callers re-check each hold's status in a transaction.
        """
        bound = f"{iso(expired_at)}#\uffff" if expired_at is not None else None
        for shard in range(HOLD_SHARDS):
            for item in self._query({"gsi1pk": hold_shard_pk(day, shard)}, index="gsi1", sk_below=bound):
                if optional_text(item, "status") == "held":
                    yield hold_from(item)

    def ledger_line(self, tenant_id: str, day: date, sk: str) -> LedgerLine | None:
        item = self._get(key(ledger_pk(tenant_id, day), sk), "reading a ledger line")
        return line_from(item) if item else None

    def ledger_lines(self, tenant_id: str, day: date) -> Iterator[LedgerLine]:
        for item in self._query({"pk": ledger_pk(tenant_id, day)}):
            yield line_from(item)

    def ledger_page(
        self, tenant_id: str, day: date, limit: int, after_sk: str | None
    ) -> tuple[list[LedgerLine], str | None]:
        """One page of a tenant's lines for a day, oldest first, and the sort key the next page follows.

        The partition key is always rebuilt from the tenant, so no position can reach another tenant.
        """
        pk = ledger_pk(tenant_id, day)
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": string(pk)},
            "Limit": limit,
            "ConsistentRead": True,
        }
        if after_sk is not None:
            request["ExclusiveStartKey"] = key(pk, after_sk)
        with store_errors("listing ledger lines"):
            response = self._client.query(**request)
        lines = [line_from(item) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return lines, (text(last, "sk") if last else None)

    def day_lines(self, day: date) -> list[LedgerLine]:
        """Every tenant's lines of one day (charges and corrections), ordered by tenant and sort key.

        Read from the sparse day index (eventually consistent: callers read closed days only)."""
        found: list[tuple[str, LedgerLine]] = []
        for shard in range(HOLD_SHARDS):
            for item in self._query({"gsi1pk": ledger_day_pk(day, shard)}, index="gsi1"):
                found.append((text(item, "gsi1sk"), line_from(item)))
        found.sort(key=lambda pair: pair[0])
        return [line for _, line in found]

    def external_marker(self, tenant_id: str, idempotency_key: str) -> ExternalMarker | None:
        item = self._get(external_key(tenant_id, idempotency_key), "reading a usage report")
        return marker_from(tenant_id, idempotency_key, item) if item else None
