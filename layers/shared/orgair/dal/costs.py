"""CostsTable data access over the low-level DynamoDB client: the one place that knows the item layout.

Item layout (generic pk/sk and the gsi1 index of the template):

| item | pk | sk | gsi1pk / gsi1sk |
|---|---|---|---|
| budget counter | `BUDGET#<scope>` | `DAY#<yyyy-mm-dd>` | — (hot item: no index writes) |
| tenant budget | `BUDGETCFG` | `<scope>` | — |
| tenant budget change | `BUDGETAUDIT#<scope>` | `<changed at>#<uuid>` | — |
| hold | `HOLD#<call id>` | `HOLD` | `OPENHOLD#<day>#<shard>` / `<expiry>#<call id>` while held |
| external report | `EXTERNAL#<tenant>` | `KEY#<idempotency key>` | — |
| ledger line | `LEDGER#<tenant>#<day>` | `<admitted at>#<call id>` | `LEDGERDAY#<day>#<shard>` / `<tenant>#<sk>` |
| correction line | `LEDGER#<tenant>#<day>` | `<corrected line's sk>#C<nnn>` | as a ledger line |
| alert claim | `ALERTS#<day>` | `<scope>#<threshold>` | — |

Counters hold integer micro-USD `committed`, `settled` and hourly settled buckets `h00`..`h23`
(admission hour), so a forecast needs one read, not a scan. Ledger lines are also in the sparse
index `gsi1` under their day (8 shards), so one day of every tenant is read without a scan (export,
restatement); a correction sorts right after the line it corrects. Reading code treats an item past its
own expiry as expired; `expires_at` (TTL) only collects garbage, and moto never expires it anyway.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, cast

from orgair.aws import dynamodb_client, store_errors
from orgair.dynamo.transact import TRANSACTION_ATTEMPTS, transact
from orgair.dynamo.transact import ConditionFailed as Refused
from orgair.dynamo.writes import conditional_write
from orgair.errors import DependencyUnavailable
from orgair.records.costs import AlertRecord, CallMeta, Counter, Degradation, Hold, LedgerLine, Usage

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

Item = dict[str, Any]

HOLD_SHARDS: Final = 8
"""Open holds spread over this many index partitions so the index never becomes the hot spot."""
GARBAGE_AFTER: Final = timedelta(days=7)
"""Settled holds are kept a week for investigation, then TTL removes them."""
_TOKEN_NAMESPACE: Final = uuid.UUID("6f1c3b52-8f0e-4d2a-9a51-3c5e2d7b9a10")


class ConditionFailed(Exception):
    """A transaction was cancelled by a condition: `index` names the item, `item` its current state."""

    def __init__(self, index: int, item: Mapping[str, Any] | None) -> None:
        super().__init__(f"condition of transaction item {index} failed")
        self.index = index
        self.item = item


@dataclass(frozen=True, slots=True)
class ScopeUpdate:
    """One counter touched by a transaction; `ceiling` set means `committed <= ceiling` must hold."""

    scope: str
    committed_delta: int
    settled_delta: int = 0
    hour: int | None = None
    ceiling: int | None = None
    limit_micros: int | None = None


@dataclass(frozen=True, slots=True)
class BudgetSetting:
    """An operator-set tenant budget and who set it when (empty/None for items older than the audit)."""

    limit_micros: int
    updated_at: datetime | None
    updated_by: str


@dataclass(frozen=True, slots=True)
class BudgetChange:
    """One change of a tenant budget: the new limit (None = removed), when and by whom."""

    limit_micros: int | None
    changed_at: datetime
    changed_by: str


@dataclass(frozen=True, slots=True)
class ExternalMarker:
    tenant_id: str
    idempotency_key: str
    fingerprint: str
    call_id: str
    day: date
    ledger_sk: str


def transaction_token(what: str, items: Sequence[Mapping[str, Any]]) -> str:
    """The ClientRequestToken of one TransactWriteItems: derived from the operation kind and every
    parameter of the transaction, so one token always means one set of parameters.

    DynamoDB answers IdempotentParameterMismatchException when a token is reused within 10 minutes
    with different parameters; a token that is a digest of the parameters cannot be. A retry of the
    very same write (after a timeout, say) carries the same token and is applied at most once.
    """
    canonical = json.dumps([what, list(items)], sort_keys=True, separators=(",", ":"))
    return str(uuid.uuid5(_TOKEN_NAMESPACE, canonical))


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _get_s(item: Mapping[str, Any], name: str, default: str = "") -> str:
    value = item.get(name)
    return str(value["S"]) if value else default


def _get_n(item: Mapping[str, Any], name: str, default: int = 0) -> int:
    value = item.get(name)
    return int(value["N"]) if value else default


def _get_opt_n(item: Mapping[str, Any], name: str) -> int | None:
    value = item.get(name)
    return int(value["N"]) if value else None


def counter_key(scope: str, day: date) -> Item:
    return {"pk": _s(f"BUDGET#{scope}"), "sk": _s(f"DAY#{day.isoformat()}")}


def hold_key(call_id: str) -> Item:
    return {"pk": _s(f"HOLD#{call_id}"), "sk": _s("HOLD")}


def ledger_pk(tenant_id: str, day: date) -> str:
    return f"LEDGER#{tenant_id}#{day.isoformat()}"


def ledger_sk(timestamp: datetime, call_id: str) -> str:
    return f"{_iso(timestamp)}#{call_id}"


def ledger_day_pk(day: date, shard: int) -> str:
    return f"LEDGERDAY#{day.isoformat()}#{shard}"


def correction_sk(corrected_sk: str, number: int) -> str:
    """The n-th correction of a line (1-based): deterministic, so a retried restatement writes nothing."""
    return f"{corrected_sk}#C{number:03d}"


def hold_shard_pk(day: date, call_id: str) -> str:
    return f"OPENHOLD#{day.isoformat()}#{zlib.crc32(call_id.encode()) % HOLD_SHARDS}"


def _check_tenant(tenant_id: str) -> str:
    if not tenant_id or "#" in tenant_id:
        raise ValueError("a tenant id is non-empty and never contains '#'")
    return tenant_id


def _meta_attributes(meta: CallMeta) -> Item:
    item: Item = {
        "tenant_id": _s(_check_tenant(meta.tenant_id)),
        "purpose": _s(meta.purpose),
        "correlation_id": _s(meta.correlation_id),
        "request_id": _s(meta.request_id),
        "parent_request_id": _s(meta.parent_request_id),
        "attempt": _n(meta.attempt),
    }
    if meta.degradation is not None:
        item["degraded"] = {
            "M": {
                "reason": _s(meta.degradation.reason),
                "scope": _s(meta.degradation.scope),
                "threshold": _s(meta.degradation.threshold),
                "requested_model": _s(meta.degradation.requested_model),
            }
        }
    return item


def _degradation_from(item: Mapping[str, Any]) -> Degradation | None:
    value = item.get("degraded", {}).get("M")
    if not value:
        return None
    return Degradation(
        reason="default_not_admissible"
        if _get_s(value, "reason") == "default_not_admissible"
        else "soft_threshold",
        scope=_get_s(value, "scope"),
        threshold=_get_s(value, "threshold"),
        requested_model=_get_s(value, "requested_model"),
    )


def _meta_from(item: Mapping[str, Any]) -> CallMeta:
    return CallMeta(
        tenant_id=_get_s(item, "tenant_id"),
        purpose=_get_s(item, "purpose"),
        correlation_id=_get_s(item, "correlation_id"),
        request_id=_get_s(item, "request_id"),
        parent_request_id=_get_s(item, "parent_request_id"),
        attempt=_get_n(item, "attempt", 1),
        degradation=_degradation_from(item),
    )


def hold_item(hold: Hold) -> Item:
    item: Item = {
        **hold_key(hold.call_id),
        "type": _s("hold"),
        "status": _s(hold.status),
        "call_id": _s(hold.call_id),
        **_meta_attributes(hold.meta),
        "provider": _s(hold.provider),
        "model": _s(hold.model),
        "pricing_version": _s(hold.pricing_version),
        "day": _s(hold.day.isoformat()),
        "scopes": {"L": [_s(scope) for scope in hold.scopes]},
        "estimate_micros": _n(hold.estimate_micros),
        "reserved_at": _s(_iso(hold.reserved_at)),
        "hold_expires_at": _s(_iso(hold.expires_at)),
        "expires_at": _n(int((hold.expires_at + GARBAGE_AFTER).timestamp())),
    }
    if hold.price_row_id is not None:
        item["price_row_id"] = _s(hold.price_row_id)
    if hold.funded_by is not None:
        item["funded_by"] = _s(hold.funded_by)
    if hold.status == "held":
        item["gsi1pk"] = _s(hold_shard_pk(hold.day, hold.call_id))
        item["gsi1sk"] = _s(f"{_iso(hold.expires_at)}#{hold.call_id}")
    return item


def hold_from(item: Mapping[str, Any]) -> Hold:
    status = _get_s(item, "status")
    return Hold(
        call_id=_get_s(item, "call_id"),
        meta=_meta_from(item),
        provider=_get_s(item, "provider"),
        model=_get_s(item, "model"),
        pricing_version=_get_s(item, "pricing_version"),
        day=date.fromisoformat(_get_s(item, "day")),
        scopes=tuple(str(value["S"]) for value in item["scopes"]["L"]),
        estimate_micros=_get_n(item, "estimate_micros"),
        reserved_at=_parse_iso(_get_s(item, "reserved_at")),
        expires_at=_parse_iso(_get_s(item, "hold_expires_at")),
        status="settled" if status == "settled" else "held",
        price_row_id=_get_s(item, "price_row_id") or None,
        funded_by=_get_s(item, "funded_by") or None,
    )


def line_sk(line: LedgerLine) -> str:
    """A charge's sort key is its admission instant and call id; a correction's follows its target's."""
    if line.kind == "correction" and line.corrects is not None:
        return f"{line.corrects}#C{line.call_id.rpartition('#C')[2]}"
    return ledger_sk(line.timestamp, line.call_id)


def line_item(line: LedgerLine) -> Item:
    sk = line_sk(line)
    item: Item = {
        "pk": _s(ledger_pk(line.meta.tenant_id, line.day)),
        "sk": _s(sk),
        "gsi1pk": _s(ledger_day_pk(line.day, zlib.crc32(line.call_id.encode()) % HOLD_SHARDS)),
        "gsi1sk": _s(f"{line.meta.tenant_id}#{sk}"),
        "type": _s("ledger_line"),
        "call_id": _s(line.call_id),
        **_meta_attributes(line.meta),
        "day": _s(line.day.isoformat()),
        "timestamp": _s(_iso(line.timestamp)),
        "provider": _s(line.provider),
        "model": _s(line.model),
        "input_tokens": _n(line.usage.input_tokens),
        "cached_input_tokens": _n(line.usage.cached_input_tokens),
        "cache_write_tokens": _n(line.usage.cache_write_tokens),
        "output_tokens": _n(line.usage.output_tokens),
        "cost_micros": _n(line.cost_micros),
        "pricing_version": _s(line.pricing_version),
        "status": _s(line.status),
        "outcome": _s(line.outcome),
        "source": _s(line.source),
    }
    if line.estimate_micros is not None:
        item["estimate_micros"] = _n(line.estimate_micros)
    if line.anomalous:
        item["anomalous"] = {"BOOL": True}
    if line.provider_request_id:
        item["provider_request_id"] = _s(line.provider_request_id)
    if line.price_row_id is not None:
        item["price_row_id"] = _s(line.price_row_id)
    if line.kind == "correction":
        item["kind"] = _s("correction")
        item["corrects"] = _s(line.corrects or "")
        item["reason"] = _s(line.reason or "")
    return item


def line_from(item: Mapping[str, Any]) -> LedgerLine:
    return LedgerLine(
        call_id=_get_s(item, "call_id"),
        meta=_meta_from(item),
        day=date.fromisoformat(_get_s(item, "day")),
        timestamp=_parse_iso(_get_s(item, "timestamp")),
        provider=_get_s(item, "provider"),
        model=_get_s(item, "model"),
        usage=Usage(
            input_tokens=_get_n(item, "input_tokens"),
            cached_input_tokens=_get_n(item, "cached_input_tokens"),
            cache_write_tokens=_get_n(item, "cache_write_tokens"),
            output_tokens=_get_n(item, "output_tokens"),
        ),
        cost_micros=_get_n(item, "cost_micros"),
        pricing_version=_get_s(item, "pricing_version"),
        status="uncertain" if _get_s(item, "status") == "uncertain" else "settled",
        outcome=_get_s(item, "outcome"),
        source="external" if _get_s(item, "source") == "external" else "gateway",
        estimate_micros=_get_opt_n(item, "estimate_micros"),
        provider_request_id=_get_s(item, "provider_request_id") or None,
        anomalous=bool(item.get("anomalous", {}).get("BOOL", False)),
        price_row_id=_get_s(item, "price_row_id") or None,
        kind="correction" if _get_s(item, "kind") == "correction" else "charge",
        corrects=_get_s(item, "corrects") or None,
        reason=_get_s(item, "reason") or None,
    )


def counter_from(scope: str, day: date, item: Mapping[str, Any] | None) -> Counter:
    if not item:
        return Counter(scope=scope, day=day)
    hours = {hour: _get_n(item, f"h{hour:02d}") for hour in range(24) if f"h{hour:02d}" in item}
    return Counter(
        scope=scope,
        day=day,
        committed_micros=_get_n(item, "committed"),
        settled_micros=_get_n(item, "settled"),
        limit_micros=_get_opt_n(item, "limit_micros"),
        settled_by_hour=hours,
    )


def _setting_from(item: Mapping[str, Any]) -> BudgetSetting:
    updated_at = _get_s(item, "updated_at")
    return BudgetSetting(
        limit_micros=_get_n(item, "limit_micros"),
        updated_at=_parse_stored_instant(updated_at) if updated_at else None,
        updated_by=_get_s(item, "updated_by"),
    )


def _parse_stored_instant(text: str) -> datetime | None:
    """A stored instant; items written by hand (the runbook's old `put-item`) may have another form."""
    try:
        return _parse_iso(text)
    except ValueError:
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            return None


def alert_from(item: Mapping[str, Any]) -> AlertRecord:
    published = _get_s(item, "published_at")
    forecast = _get_opt_n(item, "forecast_micros")
    utilisation = _get_s(item, "utilisation")
    return AlertRecord(
        scope=_get_s(item, "scope"),
        day=date.fromisoformat(_get_s(item, "day")),
        threshold=_get_s(item, "threshold"),
        state="published" if _get_s(item, "state") == "published" else "claimed",
        claimed_at=_parse_iso(_get_s(item, "claimed_at")),
        claim_token=_get_s(item, "claim_token"),
        utilisation=utilisation or None,
        committed_micros=_get_n(item, "committed_micros"),
        limit_micros=_get_n(item, "limit_micros"),
        forecast_micros=forecast,
        published_at=_parse_iso(published) if published else None,
        channels=frozenset(str(value) for value in item.get("channels", {}).get("SS", [])),
    )


class CostsStore:
    """Reads and atomic writes of CostsTable. Every call fails closed (DependencyUnavailable)."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table = table_name
        self._client_override = client

    @property
    def _client(self) -> DynamoDBClient:
        return self._client_override or dynamodb_client()

    # ------------------------------------------------------------------ transactions

    def _counter_update(self, day: date, update: ScopeUpdate, now: datetime) -> TransactWriteItemTypeDef:
        names = {"#scope": "scope", "#day": "day"}
        values: Item = {
            ":scope": _s(update.scope),
            ":day": _s(day.isoformat()),
            ":committed": _n(update.committed_delta),
            ":now": _s(_iso(now)),
        }
        adds = ["committed :committed"]
        sets = ["#scope = :scope", "#day = :day", "updated_at = :now"]
        if update.settled_delta or update.hour is not None:
            values[":settled"] = _n(update.settled_delta)
            adds.append("settled :settled")
        if update.hour is not None:
            names["#hour"] = f"h{update.hour:02d}"
            adds.append("#hour :settled")
        if update.limit_micros is not None:
            values[":limit"] = _n(update.limit_micros)
            sets.append("limit_micros = :limit")
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": counter_key(update.scope, day),
            "UpdateExpression": f"SET {', '.join(sets)} ADD {', '.join(adds)}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if update.ceiling is not None:
            values[":ceiling"] = _n(update.ceiling)
            request["ConditionExpression"] = "attribute_not_exists(committed) OR committed <= :ceiling"
            request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return cast("TransactWriteItemTypeDef", {"Update": request})

    def _transact(self, items: Sequence[TransactWriteItemTypeDef], what: str) -> None:
        """One TransactWriteItems (the shared core's: retried on conflicts and throttling) under a
        token derived from its parameters; a failed condition raises ConditionFailed."""
        token = transaction_token(what, cast("Sequence[Mapping[str, Any]]", items))
        outcome = transact(self._client, items, what, token=token)
        if isinstance(outcome, Refused):
            raise ConditionFailed(outcome.index, outcome.item)

    def reserve(self, hold: Hold, scopes: Sequence[ScopeUpdate], now: datetime) -> None:
        """Create the hold and add its estimate to every scope's `committed`: all scopes or none.

        Raises ConditionFailed with the index of the refusing item (0 = the hold already exists).
        """
        items: list[TransactWriteItemTypeDef] = [
            cast(
                "TransactWriteItemTypeDef",
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": hold_item(hold),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            )
        ]
        items.extend(self._counter_update(hold.day, update, now) for update in scopes)
        self._transact(items, "reserving budget")

    def settle(self, hold: Hold, line: LedgerLine, now: datetime) -> None:
        """held → settled, the ledger line, and every scope corrected by actual − estimate: at once.

        Raises ConditionFailed(0) when the hold is no longer held (settled already: exactly once).
        """
        hour = hold.reserved_at.astimezone(UTC).hour
        hold_update = {
            "Update": {
                "TableName": self._table,
                "Key": hold_key(hold.call_id),
                "UpdateExpression": (
                    "SET #status = :settled, settled_at = :now, actual_micros = :actual, line_status = :ls "
                    "REMOVE gsi1pk, gsi1sk"
                ),
                "ConditionExpression": "#status = :held",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {
                    ":settled": _s("settled"),
                    ":held": _s("held"),
                    ":now": _s(_iso(now)),
                    ":actual": _n(line.cost_micros),
                    ":ls": _s(line.status),
                },
            }
        }
        line_put = {
            "Put": {
                "TableName": self._table,
                "Item": line_item(line),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        items: list[TransactWriteItemTypeDef] = [
            cast("TransactWriteItemTypeDef", hold_update),
            cast("TransactWriteItemTypeDef", line_put),
        ]
        delta = line.cost_micros - hold.estimate_micros
        if hold.funded_by is not None:
            self._settle_funded(hold, line, items, now)
            return
        items.extend(
            self._counter_update(
                hold.day,
                ScopeUpdate(scope=scope, committed_delta=delta, settled_delta=line.cost_micros, hour=hour),
                now,
            )
            for scope in hold.scopes
        )
        self._transact(items, "settling a call")

    def _settle_funded(
        self, hold: Hold, line: LedgerLine, items: list[TransactWriteItemTypeDef], now: datetime
    ) -> None:
        """Settle a call a job funded: the job's scope is corrected by actual − estimate; the day's
        scopes, where the job committed its whole budget up front, get the cost as settled and,
        only once the job released its unused budget, the correction of `committed` too (the
        release returned everything but what was still held then). Whether the job was released is
        a condition of the transaction, so a release racing this settlement is never missed."""
        job_scope = hold.funded_by or ""
        hour = hold.reserved_at.astimezone(UTC).hour
        delta = line.cost_micros - hold.estimate_micros
        for released in (False, True):
            scoped = [
                self._counter_update(
                    hold.day,
                    ScopeUpdate(
                        scope=scope,
                        committed_delta=delta if released else 0,
                        settled_delta=line.cost_micros,
                        hour=hour,
                    ),
                    now,
                )
                for scope in hold.scopes
            ]
            job = self._job_update(
                job_scope,
                hold.day,
                committed_delta=delta,
                settled_delta=line.cost_micros,
                condition="attribute_exists(released)" if released else "attribute_not_exists(released)",
                now=now,
            )
            try:
                self._transact([*items, *scoped, job], "settling a job's call")
            except ConditionFailed as refusal:
                if refusal.index == len(items) + len(scoped) and not released:
                    continue
                raise
            return

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
        return cast(
            "TransactWriteItemTypeDef",
            {
                "Update": {
                    "TableName": self._table,
                    "Key": counter_key(job_scope, day),
                    "UpdateExpression": "SET updated_at = :now ADD committed :committed, settled :settled",
                    "ConditionExpression": f"attribute_exists(limit_micros) AND {condition}",
                    "ExpressionAttributeValues": {
                        ":now": _s(_iso(now)),
                        ":committed": _n(committed_delta),
                        ":settled": _n(settled_delta),
                        **(values or {}),
                    },
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
        )

    # ------------------------------------------------------------------ job reservations

    def reserve_job(
        self, job_scope: str, tenant_id: str, day: date, scopes: Sequence[ScopeUpdate], now: datetime
    ) -> bool:
        """Reserve a job's whole budget: the job's own counter (its limit is the budget, nothing
        committed yet) and the budget added to every day scope's `committed` under its ceiling, in
        one transaction: every scope admits or none does. False when this job had reserved already
        (a retry); ConditionFailed(1 + i) when scope i refused."""
        amount = scopes[0].committed_delta if scopes else 0
        items: list[TransactWriteItemTypeDef] = [
            cast(
                "TransactWriteItemTypeDef",
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {
                            **counter_key(job_scope, day),
                            "scope": _s(job_scope),
                            "day": _s(day.isoformat()),
                            "tenant_id": _s(_check_tenant(tenant_id)),
                            "committed": _n(0),
                            "settled": _n(0),
                            "limit_micros": _n(amount),
                            "day_scopes": {"L": [_s(update.scope) for update in scopes]},
                            "updated_at": _s(_iso(now)),
                        },
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            )
        ]
        items.extend(self._counter_update(day, update, now) for update in scopes)
        try:
            self._transact(items, "reserving a job's budget")
        except ConditionFailed as refusal:
            if refusal.index == 0:
                return False
            raise
        return True

    def reserve_funded(self, hold: Hold, ceiling: int, now: datetime) -> None:
        """Create a job-funded call's hold and draw its estimate from the job's reservation, at once
        (`ceiling`: the job's budget minus the estimate, the most it may have committed before).

        ConditionFailed(0): the hold exists already; ConditionFailed(1): the job's remaining
        reservation does not cover the estimate, or the job released it (finished or cancelled).
        """
        job = self._job_update(
            hold.funded_by or "",
            hold.day,
            committed_delta=hold.estimate_micros,
            settled_delta=0,
            condition="attribute_not_exists(released) AND committed <= :ceiling",
            now=now,
            values={":ceiling": _n(ceiling)},
        )
        hold_put = {
            "Put": {
                "TableName": self._table,
                "Item": hold_item(hold),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        self._transact([cast("TransactWriteItemTypeDef", hold_put), job], "reserving from a job's budget")

    def release_job(self, job_scope: str, day: date, now: datetime) -> int | None:
        """Return a job's unused reservation (limit − committed) to every day scope, once.

        Calls of the job still held at that moment keep their estimate committed; each is corrected
        when it settles (`settle`). None when the job had been released already.
        """
        for _attempt in range(TRANSACTION_ATTEMPTS):
            with store_errors("reading a job's reservation"):
                response = self._client.get_item(
                    TableName=self._table, Key=counter_key(job_scope, day), ConsistentRead=True
                )
            item = response.get("Item")
            if not item or "released" in item:
                return None
            committed = _get_n(item, "committed")
            unused = max(0, _get_n(item, "limit_micros") - committed)
            scopes = [str(value["S"]) for value in item.get("day_scopes", {}).get("L", [])]
            job = cast(
                "TransactWriteItemTypeDef",
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": counter_key(job_scope, day),
                        "UpdateExpression": "SET released = :now, released_micros = :unused",
                        "ConditionExpression": "attribute_not_exists(released) AND committed = :committed",
                        "ExpressionAttributeValues": {
                            ":now": _s(_iso(now)),
                            ":unused": _n(unused),
                            ":committed": _n(committed),
                        },
                    }
                },
            )
            items = [job]
            items.extend(
                self._counter_update(day, ScopeUpdate(scope=scope, committed_delta=-unused), now)
                for scope in scopes
            )
            try:
                self._transact(items, "releasing a job's budget")
            except ConditionFailed:
                continue
            return unused
        raise DependencyUnavailable("A job's reservation stayed contended.", retry_after_seconds=1)

    def record_external(
        self, marker: ExternalMarker, line: LedgerLine, scopes: Sequence[ScopeUpdate], now: datetime
    ) -> None:
        """The report's marker (once per idempotency key), its ledger line and counters: at once.

        Each `ScopeUpdate` adds the line's cost to `committed` and `settled` of its scope, under its
        `ceiling` when it has one (admission). Raises ConditionFailed(0) when the key was used
        before, ConditionFailed(2 + i) when scope i refused.
        """
        marker_put = {
            "Put": {
                "TableName": self._table,
                "Item": {
                    "pk": _s(f"EXTERNAL#{_check_tenant(marker.tenant_id)}"),
                    "sk": _s(f"KEY#{marker.idempotency_key}"),
                    "type": _s("external_report"),
                    "fingerprint": _s(marker.fingerprint),
                    "call_id": _s(marker.call_id),
                    "day": _s(marker.day.isoformat()),
                    "ledger_sk": _s(marker.ledger_sk),
                    "created_at": _s(_iso(now)),
                },
                "ConditionExpression": "attribute_not_exists(pk)",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        line_put = {
            "Put": {
                "TableName": self._table,
                "Item": line_item(line),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        items: list[TransactWriteItemTypeDef] = [
            cast("TransactWriteItemTypeDef", marker_put),
            cast("TransactWriteItemTypeDef", line_put),
        ]
        hour = line.timestamp.astimezone(UTC).hour
        items.extend(
            self._counter_update(
                line.day,
                ScopeUpdate(
                    scope=update.scope,
                    committed_delta=line.cost_micros,
                    settled_delta=line.cost_micros,
                    hour=hour,
                    ceiling=update.ceiling,
                    limit_micros=update.limit_micros,
                ),
                now,
            )
            for update in scopes
        )
        self._transact(items, "recording reported usage")

    def append_correction(self, line: LedgerLine, scopes: Sequence[str], now: datetime) -> bool:
        """Append a correction line and add its (signed) cost to `committed`, `settled` and the hour
        bucket of every scope of the corrected line, at once. No ceiling: a correction records what a
        call cost, it admits nothing. False when this correction was appended before (a retry)."""
        items: list[TransactWriteItemTypeDef] = [
            cast(
                "TransactWriteItemTypeDef",
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": line_item(line),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            )
        ]
        hour = line.timestamp.astimezone(UTC).hour
        items.extend(
            self._counter_update(
                line.day,
                ScopeUpdate(
                    scope=scope, committed_delta=line.cost_micros, settled_delta=line.cost_micros, hour=hour
                ),
                now,
            )
            for scope in scopes
        )
        try:
            self._transact(items, "appending a correction")
        except ConditionFailed as refusal:
            if refusal.index == 0:
                return False
            raise
        return True

    # ------------------------------------------------------------------ reads

    def day_lines(self, day: date) -> list[LedgerLine]:
        """Every tenant's lines of one day (charges and corrections), ordered by tenant and sort key.

        Read from the sparse day index (eventually consistent: callers read closed days only)."""
        found: list[tuple[str, LedgerLine]] = []
        for shard in range(HOLD_SHARDS):
            for item in self._query({"gsi1pk": ledger_day_pk(day, shard)}, index="gsi1"):
                found.append((_get_s(item, "gsi1sk"), line_from(item)))
        found.sort(key=lambda pair: pair[0])
        return [line for _, line in found]

    def external_marker(self, tenant_id: str, idempotency_key: str) -> ExternalMarker | None:
        with store_errors("reading a usage report"):
            response = self._client.get_item(
                TableName=self._table,
                Key={"pk": _s(f"EXTERNAL#{_check_tenant(tenant_id)}"), "sk": _s(f"KEY#{idempotency_key}")},
                ConsistentRead=True,
            )
        item = response.get("Item")
        if not item:
            return None
        return ExternalMarker(
            tenant_id=tenant_id,
            idempotency_key=idempotency_key,
            fingerprint=_get_s(item, "fingerprint"),
            call_id=_get_s(item, "call_id"),
            day=date.fromisoformat(_get_s(item, "day")),
            ledger_sk=_get_s(item, "ledger_sk"),
        )

    def ledger_line(self, tenant_id: str, day: date, sk: str) -> LedgerLine | None:
        with store_errors("reading a ledger line"):
            response = self._client.get_item(
                TableName=self._table,
                Key={"pk": _s(ledger_pk(_check_tenant(tenant_id), day)), "sk": _s(sk)},
                ConsistentRead=True,
            )
        item = response.get("Item")
        return line_from(item) if item else None

    def hold(self, call_id: str) -> Hold | None:
        with store_errors("reading a hold"):
            response = self._client.get_item(
                TableName=self._table, Key=hold_key(call_id), ConsistentRead=True
            )
        item = response.get("Item")
        return hold_from(item) if item else None

    def counter(self, scope: str, day: date) -> Counter:
        with store_errors("reading a budget"):
            response = self._client.get_item(
                TableName=self._table, Key=counter_key(scope, day), ConsistentRead=True
            )
        return counter_from(scope, day, response.get("Item"))

    def job_released(self, job_scope: str, day: date) -> bool:
        """Whether a job's reservation was released (its unused budget returned to the day)."""
        with store_errors("reading a job's reservation"):
            response = self._client.get_item(
                TableName=self._table,
                Key=counter_key(job_scope, day),
                ConsistentRead=True,
                ProjectionExpression="released",
            )
        return "released" in response.get("Item", {})

    def counters(self, scopes: Sequence[str], day: date) -> dict[str, Counter]:
        """Every scope's counter for the day (missing ones as zero), in batches of 100."""
        found: dict[str, Counter] = {scope: Counter(scope=scope, day=day) for scope in scopes}
        for start in range(0, len(scopes), 100):
            pending: list[Item] = [counter_key(scope, day) for scope in scopes[start : start + 100]]
            for _attempt in range(TRANSACTION_ATTEMPTS):
                if not pending:
                    break
                with store_errors("reading budgets"):
                    response = self._client.batch_get_item(
                        RequestItems={self._table: {"Keys": pending, "ConsistentRead": True}}
                    )
                for item in response.get("Responses", {}).get(self._table, []):
                    scope = _get_s(item, "scope")
                    found[scope] = counter_from(scope, day, item)
                unprocessed: Mapping[str, Any] = response.get("UnprocessedKeys", {}).get(self._table, {})
                pending = list(unprocessed.get("Keys", []))
            if pending:
                raise DependencyUnavailable("The data store kept budgets unprocessed.", retry_after_seconds=1)
        return found

    def tenant_limit(self, tenant_id: str) -> int | None:
        with store_errors("reading a tenant budget"):
            response = self._client.get_item(
                TableName=self._table,
                Key={"pk": _s("BUDGETCFG"), "sk": _s(f"tenant:{_check_tenant(tenant_id)}")},
                ConsistentRead=True,
            )
        item = response.get("Item")
        return _get_opt_n(item, "limit_micros") if item else None

    def set_tenant_limit(
        self, tenant_id: str, limit_micros: int | None, now: datetime, *, by: str = "unattributed"
    ) -> None:
        """An operator's per-tenant daily budget (None removes it: the tenant is bound by global only).

        Audited: the setting records who changed it and when (`updated_by`, `updated_at`), and every
        change, a removal included, appends an item to the tenant's budget history, in the same
        transaction, so the trail survives the removal of the setting itself.
        """
        scope = f"tenant:{_check_tenant(tenant_id)}"
        key = {"pk": _s("BUDGETCFG"), "sk": _s(scope)}
        audit: Item = {
            "pk": _s(f"BUDGETAUDIT#{scope}"),
            "sk": _s(f"{_iso(now)}#{uuid.uuid4()}"),
            "type": _s("budget_change"),
            "scope": _s(scope),
            "changed_at": _s(_iso(now)),
            "changed_by": _s(by),
        }
        change: dict[str, Any]
        if limit_micros is None:
            change = {"Delete": {"TableName": self._table, "Key": key}}
        else:
            audit["limit_micros"] = _n(limit_micros)
            change = {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **key,
                        "limit_micros": _n(limit_micros),
                        "updated_at": _s(_iso(now)),
                        "updated_by": _s(by),
                    },
                }
            }
        self._transact(
            [
                cast("TransactWriteItemTypeDef", change),
                cast("TransactWriteItemTypeDef", {"Put": {"TableName": self._table, "Item": audit}}),
            ],
            "setting a tenant budget",
        )

    def tenant_limits(self) -> dict[str, int]:
        """Every configured tenant budget as {scope: limit}."""
        return {scope: setting.limit_micros for scope, setting in self.tenant_budget_settings().items()}

    def tenant_budget_settings(self) -> dict[str, BudgetSetting]:
        """Every configured tenant budget as {scope: setting}, with who set it and when."""
        return {_get_s(item, "sk"): _setting_from(item) for item in self._query({"pk": "BUDGETCFG"})}

    def tenant_budget_setting(self, tenant_id: str) -> BudgetSetting | None:
        with store_errors("reading a tenant budget"):
            response = self._client.get_item(
                TableName=self._table,
                Key={"pk": _s("BUDGETCFG"), "sk": _s(f"tenant:{_check_tenant(tenant_id)}")},
                ConsistentRead=True,
            )
        item = response.get("Item")
        return _setting_from(item) if item else None

    def budget_history(self, tenant_id: str, limit: int) -> list[BudgetChange]:
        """The tenant budget's most recent changes, newest first (at most `limit`)."""
        with store_errors("reading a tenant budget's history"):
            response = self._client.query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": _s(f"BUDGETAUDIT#tenant:{_check_tenant(tenant_id)}")},
                ScanIndexForward=False,
                Limit=limit,
                ConsistentRead=True,
            )
        return [
            BudgetChange(
                limit_micros=_get_opt_n(item, "limit_micros"),
                changed_at=_parse_iso(_get_s(item, "changed_at")),
                changed_by=_get_s(item, "changed_by"),
            )
            for item in response.get("Items", [])
        ]

    def _query(
        self,
        keys: Mapping[str, str],
        *,
        index: str | None = None,
        sk_below: str | None = None,
        sk_prefix: str | None = None,
        projection: str | None = None,
    ) -> Iterator[Mapping[str, Any]]:
        ((hash_name, hash_value),) = keys.items()
        range_name = "gsi1sk" if index else "sk"
        condition = "#h = :h"
        names = {"#h": hash_name}
        values: Item = {":h": _s(hash_value)}
        if sk_below is not None:
            condition += " AND #r <= :r"
            names["#r"] = range_name
            values[":r"] = _s(sk_below)
        elif sk_prefix is not None:
            condition += " AND begins_with(#r, :r)"
            names["#r"] = range_name
            values[":r"] = _s(sk_prefix)
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if index:
            request["IndexName"] = index
        else:
            request["ConsistentRead"] = True
        if projection:
            request["ProjectionExpression"] = projection
        while True:
            with store_errors("querying cost records"):
                response = self._client.query(**request)
            yield from response.get("Items", [])
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            request["ExclusiveStartKey"] = last

    def ledger_page(
        self, tenant_id: str, day: date, limit: int, after_sk: str | None
    ) -> tuple[list[LedgerLine], str | None]:
        """One page of a tenant's lines for a day, oldest first, and the sort key the next page follows.

        The partition key is always rebuilt from the tenant, so no position can reach another tenant.
        """
        pk = ledger_pk(_check_tenant(tenant_id), day)
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": _s(pk)},
            "Limit": limit,
            "ConsistentRead": True,
        }
        if after_sk is not None:
            request["ExclusiveStartKey"] = {"pk": _s(pk), "sk": _s(after_sk)}
        with store_errors("listing ledger lines"):
            response = self._client.query(**request)
        lines = [line_from(item) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return lines, (str(last["sk"]["S"]) if last else None)

    def ledger_lines(self, tenant_id: str, day: date) -> Iterator[LedgerLine]:
        for item in self._query({"pk": ledger_pk(_check_tenant(tenant_id), day)}):
            yield line_from(item)

    def open_holds(self, day: date, expired_at: datetime | None = None) -> Iterator[Hold]:
        """Holds still `held` that were admitted on `day` (optionally only those expired at an instant).

        The index is eventually consistent, so callers re-check each hold's status in a transaction.
        """
        bound = f"{_iso(expired_at)}#\uffff" if expired_at is not None else None
        for shard in range(HOLD_SHARDS):
            for item in self._query(
                {"gsi1pk": f"OPENHOLD#{day.isoformat()}#{shard}"}, index="gsi1", sk_below=bound
            ):
                if _get_s(item, "status") == "held":
                    yield hold_from(item)

    # ------------------------------------------------------------------ alerts

    def claim_alert(self, record: AlertRecord) -> bool:
        """Claim (scope, day, threshold) with a conditional put; True only for the one winner."""
        response = conditional_write(
            "claiming an alert",
            lambda: self._client.put_item(
                TableName=self._table,
                Item=self._alert_item(record),
                ConditionExpression="attribute_not_exists(pk)",
            ),
        )
        return response is not None

    def take_over_alert(self, record: AlertRecord, stale_token: str) -> bool:
        """Re-claim an alert whose claimant never confirmed publishing (it crashed or a channel
        failed); one winner again. The channels already recorded as published are kept, so a later
        run sends only the channels still missing."""
        values: Item = {
            ":claimed": _s("claimed"),
            ":stale": _s(stale_token),
            ":token": _s(record.claim_token),
            ":at": _s(_iso(record.claimed_at)),
            ":committed": _n(record.committed_micros),
            ":limit": _n(record.limit_micros),
        }
        sets = [
            "claim_token = :token",
            "claimed_at = :at",
            "committed_micros = :committed",
            "limit_micros = :limit",
        ]
        if record.utilisation is not None:
            values[":utilisation"] = _s(record.utilisation)
            sets.append("utilisation = :utilisation")
        if record.forecast_micros is not None:
            values[":forecast"] = _n(record.forecast_micros)
            sets.append("forecast_micros = :forecast")
        response = conditional_write(
            "re-claiming an alert",
            lambda: self._client.update_item(
                TableName=self._table,
                Key=self._alert_key(record.scope, record.day, record.threshold),
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression="#state = :claimed AND claim_token = :stale",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues=values,
            ),
        )
        return response is not None

    def mark_alert_channel(self, record: AlertRecord, channel: str, at: datetime) -> bool:
        """Record that one channel published the alert (added to `channels`, with its instant);
        False when another run took the claim over in the meantime."""
        response = conditional_write(
            "recording an alert's channel",
            lambda: self._client.update_item(
                TableName=self._table,
                Key=self._alert_key(record.scope, record.day, record.threshold),
                UpdateExpression="ADD channels :channel SET #at = :at",
                ConditionExpression="claim_token = :token",
                ExpressionAttributeNames={"#at": f"{channel}_published_at"},
                ExpressionAttributeValues={
                    ":channel": {"SS": [channel]},
                    ":at": _s(_iso(at)),
                    ":token": _s(record.claim_token),
                },
            ),
        )
        return response is not None

    def mark_alert_published(self, record: AlertRecord, at: datetime) -> bool:
        """Confirm publication on every channel; False when another run took the claim over in the meantime."""
        response = conditional_write(
            "confirming an alert",
            lambda: self._client.update_item(
                TableName=self._table,
                Key=self._alert_key(record.scope, record.day, record.threshold),
                UpdateExpression="SET #state = :published, published_at = :at",
                ConditionExpression="claim_token = :token",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={
                    ":published": _s("published"),
                    ":at": _s(_iso(at)),
                    ":token": _s(record.claim_token),
                },
            ),
        )
        return response is not None

    def alerts(self, day: date, scope: str | None = None) -> list[AlertRecord]:
        prefix = f"{scope}#" if scope is not None else None
        return [
            alert_from(item) for item in self._query({"pk": f"ALERTS#{day.isoformat()}"}, sk_prefix=prefix)
        ]

    @staticmethod
    def _alert_key(scope: str, day: date, threshold: str) -> Item:
        return {"pk": _s(f"ALERTS#{day.isoformat()}"), "sk": _s(f"{scope}#{threshold}")}

    def _alert_item(self, record: AlertRecord) -> Item:
        item: Item = {
            **self._alert_key(record.scope, record.day, record.threshold),
            "type": _s("alert"),
            "scope": _s(record.scope),
            "day": _s(record.day.isoformat()),
            "threshold": _s(record.threshold),
            "state": _s(record.state),
            "claimed_at": _s(_iso(record.claimed_at)),
            "claim_token": _s(record.claim_token),
            "committed_micros": _n(record.committed_micros),
            "limit_micros": _n(record.limit_micros),
        }
        if record.utilisation is not None:
            item["utilisation"] = _s(record.utilisation)
        if record.forecast_micros is not None:
            item["forecast_micros"] = _n(record.forecast_micros)
        return item
