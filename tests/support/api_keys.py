"""API key records for the key store's tests: one with any field changed, and one written straight to
the key table in a state the CLI and the layer no longer create."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orgair.auth.keys import hash_key
from orgair.dal.api_keys import ApiKeyTable
from orgair.records.api_keys import ApiKeyRecord

CREATED = datetime(2030, 1, 1, 12, 0, 0, 123000, tzinfo=UTC)
"""When the records of `key_record` were created (milliseconds, as stored)."""


def insert_legacy_key(plaintext: str) -> None:
    """An active `scores:read` key of tenant acme made before usage plans: it has no usage key."""
    ApiKeyTable.default().insert(
        hash_key(plaintext),
        ApiKeyRecord(
            key_id="kid_legacy",
            tenant_id="acme",
            scopes=frozenset({"scores:read"}),
            name="legacy",
            status="active",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        ),
    )


def key_record(key_id: str = "kid_0000000000000001", tenant_id: str = "acme", **changes: Any) -> ApiKeyRecord:
    """An active scores:read/scores:write key record, with any field changed."""
    fields: dict[str, Any] = {
        "key_id": key_id,
        "tenant_id": tenant_id,
        "scopes": frozenset({"scores:read", "scores:write"}),
        "name": "ci",
        "status": "active",
        "created_at": CREATED,
        **changes,
    }
    return ApiKeyRecord(**fields)
