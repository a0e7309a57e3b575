"""Where each CostsTable item lives: its keys, the index shards, and the stored form of instants."""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime, timedelta
from typing import Final

from orgair.dynamo.codec import Attribute, string

HOLD_SHARDS: Final = 8
"""Open holds (and ledger lines in the day index) spread over this many index partitions, so the
index never becomes the hot spot."""
GARBAGE_AFTER: Final = timedelta(days=7)
"""Settled holds are kept a week for investigation, then TTL removes them."""
BUDGET_SETTINGS_PK: Final = "BUDGETCFG"

Key = dict[str, Attribute]


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def check_tenant(tenant_id: str) -> str:
    if not tenant_id or "#" in tenant_id:
        raise ValueError("a tenant id is non-empty and never contains '#'")
    return tenant_id


def key(pk: str, sk: str) -> Key:
    return {"pk": string(pk), "sk": string(sk)}


def counter_key(scope: str, day: date) -> Key:
    return key(f"BUDGET#{scope}", f"DAY#{day.isoformat()}")


def hold_key(call_id: str) -> Key:
    return key(f"HOLD#{call_id}", "HOLD")


def tenant_setting_key(tenant_id: str) -> Key:
    return key(BUDGET_SETTINGS_PK, f"tenant:{check_tenant(tenant_id)}")


def external_key(tenant_id: str, idempotency_key: str) -> Key:
    return key(f"EXTERNAL#{check_tenant(tenant_id)}", f"KEY#{idempotency_key}")


def alert_key(scope: str, day: date, threshold: str) -> Key:
    return key(alerts_pk(day), f"{scope}#{threshold}")


def alerts_pk(day: date) -> str:
    return f"ALERTS#{day.isoformat()}"


def ledger_pk(tenant_id: str, day: date) -> str:
    return f"LEDGER#{check_tenant(tenant_id)}#{day.isoformat()}"


def ledger_sk(timestamp: datetime, call_id: str) -> str:
    """A charge's sort key (its position in the tenant's day): admission instant and call id."""
    return f"{iso(timestamp)}#{call_id}"


def correction_sk(corrected_sk: str, number: int) -> str:
    """The n-th correction of a line (1-based): deterministic, so a retried restatement writes nothing."""
    return f"{corrected_sk}#C{number:03d}"


def shard(call_id: str) -> int:
    return zlib.crc32(call_id.encode()) % HOLD_SHARDS


def ledger_day_pk(day: date, shard_number: int) -> str:
    return f"LEDGERDAY#{day.isoformat()}#{shard_number}"


def hold_shard_pk(day: date, shard_number: int) -> str:
    return f"OPENHOLD#{day.isoformat()}#{shard_number}"


def budget_audit_pk(tenant_id: str) -> str:
    return f"BUDGETAUDIT#tenant:{check_tenant(tenant_id)}"
