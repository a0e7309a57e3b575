"""An in-memory `ApiKeyRepository` (orgair.dal.api_keys): the same answers as ApiKeysTable, no socket."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from orgair.dal.api_keys import InsertOutcome, stored_timestamp
from orgair.records.api_keys import ApiKeyRecord
from pydantic import SecretStr


def _as_stored(value: datetime) -> datetime:
    """What the table reads back: UTC at millisecond precision (naive instants are refused)."""
    return datetime.fromisoformat(stored_timestamp(value))


class InMemoryApiKeys:
    def __init__(self) -> None:
        self._keys: dict[str, ApiKeyRecord] = {}
        self._hash_by_id: dict[str, str] = {}

    def insert(self, key_hash: str, record: ApiKeyRecord) -> InsertOutcome:
        stored = replace(record, created_at=_as_stored(record.created_at))
        if key_hash in self._keys:
            return "duplicate_key"
        if record.key_id in self._hash_by_id:
            return "duplicate_key_id"
        self._keys[key_hash] = stored
        self._hash_by_id[record.key_id] = key_hash
        return "inserted"

    def get(self, key_hash: str, *, consistent: bool = False) -> tuple[str, ApiKeyRecord] | None:
        record = self._keys.get(key_hash)
        return None if record is None else (key_hash, record)

    def key_hash_for(self, key_id: str) -> str | None:
        return self._hash_by_id.get(key_id)

    def list_for_tenant(self, tenant_id: str) -> list[ApiKeyRecord]:
        return sorted(
            (record for record in self._keys.values() if record.tenant_id == tenant_id),
            key=lambda record: f"{stored_timestamp(record.created_at)}#{record.key_id}",
        )

    def tenant_ids(self) -> list[str]:
        return sorted({record.tenant_id for record in self._keys.values()})

    def list_all(self) -> list[ApiKeyRecord]:
        return list(self._keys.values())

    def revoke(self, key_hash: str, now: datetime) -> ApiKeyRecord | None:
        record = self._keys.get(key_hash)
        if record is None:
            return None
        revoked_at = record.revoked_at or _as_stored(now)
        self._keys[key_hash] = replace(record, status="revoked", revoked_at=revoked_at)
        return self._keys[key_hash]

    def touch(self, key_hash: str, now: datetime, *, unless_used_since: datetime) -> bool:
        record = self._keys.get(key_hash)
        since = stored_timestamp(unless_used_since)
        if record is None or (
            record.last_used_at is not None and stored_timestamp(record.last_used_at) >= since
        ):
            return False
        self._keys[key_hash] = replace(record, last_used_at=_as_stored(now))
        return True

    def set_usage_key(self, key_hash: str, usage_key: SecretStr) -> ApiKeyRecord | None:
        record = self._keys.get(key_hash)
        if record is None:
            return None
        self._keys[key_hash] = replace(record, usage_key=usage_key)
        return self._keys[key_hash]
