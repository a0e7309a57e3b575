"""Cost records <-> CostsTable items: every attribute name and stored form of the table is here."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from orgair.dal.costs.keys import (
    GARBAGE_AFTER,
    alert_key,
    budget_audit_pk,
    check_tenant,
    external_key,
    hold_key,
    hold_shard_pk,
    iso,
    key,
    ledger_day_pk,
    ledger_pk,
    ledger_sk,
    parse_iso,
    shard,
    tenant_setting_key,
)
from orgair.dynamo.codec import (
    flag,
    integer,
    nested,
    number,
    optional_integer,
    optional_text,
    string,
    string_list,
    strings,
    text,
    texts,
)
from orgair.records.costs import (
    AlertRecord,
    BudgetChange,
    BudgetSetting,
    CallMeta,
    Counter,
    Degradation,
    ExternalMarker,
    Hold,
    LedgerLine,
    Usage,
)

Item = dict[str, Any]
Stored = Mapping[str, Any]


def _text(item: Stored, name: str) -> str:
    """A string attribute, "" when missing (items written before the attribute existed)."""
    return optional_text(item, name) or ""


def _count(item: Stored, name: str, default: int = 0) -> int:
    value = optional_integer(item, name)
    return default if value is None else value


def _meta_attributes(meta: CallMeta) -> Item:
    item: Item = {
        "tenant_id": string(check_tenant(meta.tenant_id)),
        "purpose": string(meta.purpose),
        "correlation_id": string(meta.correlation_id),
        "request_id": string(meta.request_id),
        "parent_request_id": string(meta.parent_request_id),
        "attempt": number(meta.attempt),
    }
    if meta.degradation is not None:
        item["degraded"] = {
            "M": {
                "reason": string(meta.degradation.reason),
                "scope": string(meta.degradation.scope),
                "threshold": string(meta.degradation.threshold),
                "requested_model": string(meta.degradation.requested_model),
            }
        }
    return item


def _degradation_from(item: Stored) -> Degradation | None:
    value = nested(item, "degraded")
    if not value:
        return None
    return Degradation(
        reason="default_not_admissible"
        if _text(value, "reason") == "default_not_admissible"
        else "soft_threshold",
        scope=_text(value, "scope"),
        threshold=_text(value, "threshold"),
        requested_model=_text(value, "requested_model"),
    )


def _meta_from(item: Stored) -> CallMeta:
    return CallMeta(
        tenant_id=_text(item, "tenant_id"),
        purpose=_text(item, "purpose"),
        correlation_id=_text(item, "correlation_id"),
        request_id=_text(item, "request_id"),
        parent_request_id=_text(item, "parent_request_id"),
        attempt=_count(item, "attempt", 1),
        degradation=_degradation_from(item),
    )


def hold_item(hold: Hold) -> Item:
    item: Item = {
        **hold_key(hold.call_id),
        "type": string("hold"),
        "status": string(hold.status),
        "call_id": string(hold.call_id),
        **_meta_attributes(hold.meta),
        "provider": string(hold.provider),
        "model": string(hold.model),
        "pricing_version": string(hold.pricing_version),
        "day": string(hold.day.isoformat()),
        "scopes": string_list(hold.scopes),
        "estimate_micros": number(hold.estimate_micros),
        "reserved_at": string(iso(hold.reserved_at)),
        "hold_expires_at": string(iso(hold.expires_at)),
        "expires_at": number(int((hold.expires_at + GARBAGE_AFTER).timestamp())),
    }
    if hold.price_row_id is not None:
        item["price_row_id"] = string(hold.price_row_id)
    if hold.funded_by is not None:
        item["funded_by"] = string(hold.funded_by)
    if hold.status == "held":
        item["gsi1pk"] = string(hold_shard_pk(hold.day, shard(hold.call_id)))
        item["gsi1sk"] = string(f"{iso(hold.expires_at)}#{hold.call_id}")
    return item


def hold_from(item: Stored) -> Hold:
    return Hold(
        call_id=_text(item, "call_id"),
        meta=_meta_from(item),
        provider=_text(item, "provider"),
        model=_text(item, "model"),
        pricing_version=_text(item, "pricing_version"),
        day=date.fromisoformat(text(item, "day")),
        scopes=texts(item, "scopes"),
        estimate_micros=_count(item, "estimate_micros"),
        reserved_at=parse_iso(text(item, "reserved_at")),
        expires_at=parse_iso(text(item, "hold_expires_at")),
        status="settled" if _text(item, "status") == "settled" else "held",
        price_row_id=optional_text(item, "price_row_id") or None,
        funded_by=optional_text(item, "funded_by") or None,
    )


def line_sk(line: LedgerLine) -> str:
    """A charge's sort key is its admission instant and call id; a correction's follows its target's."""
    if line.kind == "correction" and line.corrects is not None:
        return f"{line.corrects}#C{line.call_id.rpartition('#C')[2]}"
    return ledger_sk(line.timestamp, line.call_id)


def line_item(line: LedgerLine) -> Item:
    sk = line_sk(line)
    item: Item = {
        **key(ledger_pk(line.meta.tenant_id, line.day), sk),
        "gsi1pk": string(ledger_day_pk(line.day, shard(line.call_id))),
        "gsi1sk": string(f"{line.meta.tenant_id}#{sk}"),
        "type": string("ledger_line"),
        "call_id": string(line.call_id),
        **_meta_attributes(line.meta),
        "day": string(line.day.isoformat()),
        "timestamp": string(iso(line.timestamp)),
        "provider": string(line.provider),
        "model": string(line.model),
        "input_tokens": number(line.usage.input_tokens),
        "cached_input_tokens": number(line.usage.cached_input_tokens),
        "cache_write_tokens": number(line.usage.cache_write_tokens),
        "output_tokens": number(line.usage.output_tokens),
        "cost_micros": number(line.cost_micros),
        "pricing_version": string(line.pricing_version),
        "status": string(line.status),
        "outcome": string(line.outcome),
        "source": string(line.source),
    }
    if line.estimate_micros is not None:
        item["estimate_micros"] = number(line.estimate_micros)
    if line.anomalous:
        item["anomalous"] = {"BOOL": True}
    if line.provider_request_id:
        item["provider_request_id"] = string(line.provider_request_id)
    if line.price_row_id is not None:
        item["price_row_id"] = string(line.price_row_id)
    if line.kind == "correction":
        item["kind"] = string("correction")
        item["corrects"] = string(line.corrects or "")
        item["reason"] = string(line.reason or "")
    return item


def line_from(item: Stored) -> LedgerLine:
    return LedgerLine(
        call_id=_text(item, "call_id"),
        meta=_meta_from(item),
        day=date.fromisoformat(text(item, "day")),
        timestamp=parse_iso(text(item, "timestamp")),
        provider=_text(item, "provider"),
        model=_text(item, "model"),
        usage=Usage(
            input_tokens=_count(item, "input_tokens"),
            cached_input_tokens=_count(item, "cached_input_tokens"),
            cache_write_tokens=_count(item, "cache_write_tokens"),
            output_tokens=_count(item, "output_tokens"),
        ),
        cost_micros=_count(item, "cost_micros"),
        pricing_version=_text(item, "pricing_version"),
        status="uncertain" if _text(item, "status") == "uncertain" else "settled",
        outcome=_text(item, "outcome"),
        source="external" if _text(item, "source") == "external" else "gateway",
        estimate_micros=optional_integer(item, "estimate_micros"),
        provider_request_id=optional_text(item, "provider_request_id") or None,
        anomalous=flag(item, "anomalous"),
        price_row_id=optional_text(item, "price_row_id") or None,
        kind="correction" if _text(item, "kind") == "correction" else "charge",
        corrects=optional_text(item, "corrects") or None,
        reason=optional_text(item, "reason") or None,
    )


def counter_from(scope: str, day: date, item: Stored | None) -> Counter:
    if not item:
        return Counter(scope=scope, day=day)
    hours = {hour: integer(item, f"h{hour:02d}") for hour in range(24) if f"h{hour:02d}" in item}
    return Counter(
        scope=scope,
        day=day,
        committed_micros=_count(item, "committed"),
        settled_micros=_count(item, "settled"),
        limit_micros=optional_integer(item, "limit_micros"),
        settled_by_hour=hours,
    )


def committed_of(item: Stored | None) -> int | None:
    """A counter item's `committed` (None: no item, or one that never committed anything)."""
    return None if item is None else optional_integer(item, "committed")


def parse_stored_instant(text_value: str) -> datetime | None:
    """A stored instant; items written by hand (the runbook's old `put-item`) may have another form."""
    try:
        return parse_iso(text_value)
    except ValueError:
        try:
            return datetime.fromisoformat(text_value.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            return None


def setting_item(tenant_id: str, limit_micros: int, now: datetime, by: str) -> Item:
    return {
        **tenant_setting_key(tenant_id),
        "limit_micros": number(limit_micros),
        "updated_at": string(iso(now)),
        "updated_by": string(by),
    }


def setting_from(item: Stored) -> BudgetSetting:
    updated_at = _text(item, "updated_at")
    return BudgetSetting(
        limit_micros=_count(item, "limit_micros"),
        updated_at=parse_stored_instant(updated_at) if updated_at else None,
        updated_by=_text(item, "updated_by"),
    )


def change_item(tenant_id: str, limit_micros: int | None, now: datetime, by: str) -> Item:
    item: Item = {
        **key(budget_audit_pk(tenant_id), f"{iso(now)}#{uuid.uuid4()}"),
        "type": string("budget_change"),
        "scope": string(f"tenant:{tenant_id}"),
        "changed_at": string(iso(now)),
        "changed_by": string(by),
    }
    if limit_micros is not None:
        item["limit_micros"] = number(limit_micros)
    return item


def change_from(item: Stored) -> BudgetChange:
    return BudgetChange(
        limit_micros=optional_integer(item, "limit_micros"),
        changed_at=parse_iso(text(item, "changed_at")),
        changed_by=_text(item, "changed_by"),
    )


def marker_item(marker: ExternalMarker, now: datetime) -> Item:
    return {
        **external_key(marker.tenant_id, marker.idempotency_key),
        "type": string("external_report"),
        "fingerprint": string(marker.fingerprint),
        "call_id": string(marker.call_id),
        "day": string(marker.day.isoformat()),
        "ledger_sk": string(marker.ledger_sk),
        "created_at": string(iso(now)),
    }


def marker_from(tenant_id: str, idempotency_key: str, item: Stored) -> ExternalMarker:
    return ExternalMarker(
        tenant_id=tenant_id,
        idempotency_key=idempotency_key,
        fingerprint=_text(item, "fingerprint"),
        call_id=_text(item, "call_id"),
        day=date.fromisoformat(text(item, "day")),
        ledger_sk=_text(item, "ledger_sk"),
    )


def alert_item(record: AlertRecord) -> Item:
    item: Item = {
        **alert_key(record.scope, record.day, record.threshold),
        "type": string("alert"),
        "scope": string(record.scope),
        "day": string(record.day.isoformat()),
        "threshold": string(record.threshold),
        "state": string(record.state),
        "claimed_at": string(iso(record.claimed_at)),
        "claim_token": string(record.claim_token),
        "committed_micros": number(record.committed_micros),
        "limit_micros": number(record.limit_micros),
    }
    if record.utilisation is not None:
        item["utilisation"] = string(record.utilisation)
    if record.forecast_micros is not None:
        item["forecast_micros"] = number(record.forecast_micros)
    return item


def alert_from(item: Stored) -> AlertRecord:
    published = _text(item, "published_at")
    return AlertRecord(
        scope=_text(item, "scope"),
        day=date.fromisoformat(text(item, "day")),
        threshold=_text(item, "threshold"),
        state="published" if _text(item, "state") == "published" else "claimed",
        claimed_at=parse_iso(text(item, "claimed_at")),
        claim_token=_text(item, "claim_token"),
        utilisation=optional_text(item, "utilisation") or None,
        committed_micros=_count(item, "committed_micros"),
        limit_micros=_count(item, "limit_micros"),
        forecast_micros=optional_integer(item, "forecast_micros"),
        published_at=parse_iso(published) if published else None,
        channels=strings(item, "channels"),
    )
