"""The API key items in ApiKeysTable: layout, atomic inserts, lookups, listing, revocation, last use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from orgair.auth.records import ApiKeyRecord
from orgair.dal.api_keys import ApiKeyTable, DuplicateKeyError, DuplicateKeyIdError
from orgair.errors import DependencyUnavailable
from pydantic import SecretStr
from support.dynamodb_faults import unreachable_client

from devtools.embedded_dynamodb import EmbeddedDynamoDB

TABLE = "ApiKeysTable"
CREATED = datetime(2030, 1, 1, 12, 0, 0, 123000, tzinfo=UTC)
HASH_A = "a" * 64
HASH_B = "b" * 64


def record(key_id: str = "kid_0000000000000001", tenant_id: str = "acme", **changes: Any) -> ApiKeyRecord:
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


@pytest.fixture
def client(dynamodb: EmbeddedDynamoDB) -> Any:
    return dynamodb.client()


@pytest.fixture
def table(client: Any) -> ApiKeyTable:
    return ApiKeyTable(client, TABLE)


def test_inserted_key_reads_back_with_its_hash(table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    assert table.get(HASH_A) == (HASH_A, record())
    assert table.get(HASH_B) is None


def test_key_item_is_keyed_by_hash_and_indexed_by_tenant(client: Any, table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": f"KEY#{HASH_A}"}})["Item"]
    assert item["gsi1pk"] == {"S": "TENANT#acme"}
    assert item["gsi1sk"]["S"].startswith("2030-01-01T12:00:00.123+00:00#")
    assert item["scopes"] == {"SS": ["scores:read", "scores:write"]}


def test_a_second_insert_of_the_same_hash_changes_nothing(table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    with pytest.raises(DuplicateKeyError):
        table.insert(HASH_A, record(key_id="kid_0000000000000002", tenant_id="globex"))
    assert table.get(HASH_A) == (HASH_A, record())
    assert table.key_hash_for("kid_0000000000000002") is None


def test_a_taken_key_id_stores_neither_item(table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    with pytest.raises(DuplicateKeyIdError):
        table.insert(HASH_B, record(tenant_id="globex"))
    assert table.get(HASH_B) is None
    assert table.key_hash_for("kid_0000000000000001") == HASH_A


def test_key_id_leads_to_the_hash(table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    assert table.key_hash_for("kid_0000000000000001") == HASH_A
    assert table.key_hash_for("kid_ffffffffffffffff") is None


def test_tenant_listing_holds_only_that_tenants_keys(table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    table.insert(HASH_B, record(key_id="kid_0000000000000002", tenant_id="globex"))
    assert table.list_for_tenant("acme") == [record()]
    assert table.list_for_tenant("nobody") == []


def test_full_listing_leaves_out_the_id_items(table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    table.insert(HASH_B, record(key_id="kid_0000000000000002", tenant_id="globex"))
    assert sorted(table.list_all(), key=lambda r: r.key_id) == [
        record(),
        record(key_id="kid_0000000000000002", tenant_id="globex"),
    ]


def test_revoke_keeps_the_first_revocation_time(table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    first = table.revoke(HASH_A, CREATED + timedelta(days=1))
    second = table.revoke(HASH_A, CREATED + timedelta(days=2))
    assert first == second == record(status="revoked", revoked_at=CREATED + timedelta(days=1))


def test_revoking_a_missing_key_creates_nothing(client: Any, table: ApiKeyTable) -> None:
    assert table.revoke(HASH_A, CREATED) is None
    assert client.scan(TableName=TABLE)["Items"] == []


def test_touch_writes_until_a_use_inside_the_window_is_recorded(table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    used = CREATED + timedelta(minutes=5)
    assert table.touch(HASH_A, used, unless_used_since=used - timedelta(minutes=1)) is True
    soon = used + timedelta(seconds=30)
    assert table.touch(HASH_A, soon, unless_used_since=soon - timedelta(minutes=1)) is False
    stored = table.get(HASH_A)
    assert stored is not None
    assert stored[1].last_used_at == used


def test_touch_never_creates_a_key(client: Any, table: ApiKeyTable) -> None:
    assert table.touch(HASH_A, CREATED, unless_used_since=CREATED) is False
    assert client.scan(TableName=TABLE)["Items"] == []


def test_naive_timestamps_are_refused(table: ApiKeyTable) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        table.insert(HASH_A, record(created_at=datetime(2030, 1, 1)))  # noqa: DTZ001 - the point of the test


def test_unreachable_store_is_a_dependency_failure() -> None:
    table = ApiKeyTable(unreachable_client(), TABLE)
    with pytest.raises(DependencyUnavailable):
        table.get(HASH_A)
    with pytest.raises(DependencyUnavailable):
        table.insert(HASH_A, record())


def test_a_usage_key_is_stored_read_back_and_replaced(table: ApiKeyTable) -> None:
    first, second = SecretStr("ouk_" + "1" * 40), SecretStr("ouk_" + "2" * 40)
    table.insert(HASH_A, record(usage_key=first))
    stored = table.get(HASH_A)
    assert stored is not None
    assert stored[1].usage_key == first
    changed = table.set_usage_key(HASH_A, second)
    assert changed is not None
    assert changed.usage_key == second
    assert table.get(HASH_A) == (HASH_A, changed)


def test_a_key_stored_without_a_usage_key_reads_back_without_one(table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    stored = table.get(HASH_A)
    assert stored is not None
    assert stored[1].usage_key is None


def test_setting_the_usage_key_of_no_key_creates_nothing(client: Any, table: ApiKeyTable) -> None:
    assert table.set_usage_key(HASH_A, SecretStr("ouk_" + "1" * 40)) is None
    assert client.scan(TableName=TABLE)["Items"] == []


def test_a_record_never_shows_its_usage_key_when_printed(table: ApiKeyTable) -> None:
    value = "ouk_" + "3" * 40
    assert value not in repr(record(usage_key=SecretStr(value)))
