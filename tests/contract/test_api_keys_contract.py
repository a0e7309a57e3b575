"""The `ApiKeyRepository` contract, proven against the in-memory fake and ApiKeysTable alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from orgair.dal.api_keys import ApiKeyRepository, ApiKeyTable
from pydantic import SecretStr
from support.api_keys import CREATED, key_record
from support.fakes.api_keys import InMemoryApiKeys

HASH_A, HASH_B, HASH_C = "a" * 64, "b" * 64, "c" * 64
KEY_2, KEY_3 = "kid_0000000000000002", "kid_0000000000000003"


@pytest.fixture
def keys(store: str, request: pytest.FixtureRequest) -> ApiKeyRepository:
    if store == "fake":
        return InMemoryApiKeys()
    dynamodb = request.getfixturevalue("dynamodb")
    return ApiKeyTable(dynamodb.client(), "ApiKeysTable")


def test_an_inserted_key_reads_back_by_its_hash(keys: ApiKeyRepository) -> None:
    assert keys.insert(HASH_A, key_record()) == "inserted"
    assert keys.get(HASH_A) == (HASH_A, key_record())
    assert keys.get(HASH_A, consistent=True) == (HASH_A, key_record())
    assert keys.get(HASH_B) is None


def test_a_second_insert_of_the_same_hash_is_refused_and_changes_nothing(keys: ApiKeyRepository) -> None:
    keys.insert(HASH_A, key_record())
    assert keys.insert(HASH_A, key_record(key_id=KEY_2, tenant_id="globex")) == "duplicate_key"
    assert keys.get(HASH_A) == (HASH_A, key_record())
    assert keys.key_hash_for(KEY_2) is None


def test_a_taken_key_id_is_refused_and_stores_neither_item(keys: ApiKeyRepository) -> None:
    keys.insert(HASH_A, key_record())
    assert keys.insert(HASH_B, key_record(tenant_id="globex")) == "duplicate_key_id"
    assert keys.get(HASH_B) is None
    assert keys.key_hash_for("kid_0000000000000001") == HASH_A
    assert keys.tenant_ids() == ["acme"]


def test_a_key_id_leads_to_its_hash(keys: ApiKeyRepository) -> None:
    keys.insert(HASH_A, key_record())
    assert keys.key_hash_for("kid_0000000000000001") == HASH_A
    assert keys.key_hash_for("kid_ffffffffffffffff") is None


def test_timestamps_read_back_in_utc_at_millisecond_precision(keys: ApiKeyRepository) -> None:
    local = datetime(2030, 1, 1, 16, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    keys.insert(HASH_A, key_record(created_at=local))
    stored = keys.get(HASH_A)
    assert stored is not None
    assert stored[1].created_at == datetime(2030, 1, 1, 14, 0, 0, 123000, tzinfo=UTC)


def test_naive_timestamps_are_refused(keys: ApiKeyRepository) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        keys.insert(HASH_A, key_record(created_at=datetime(2030, 1, 1)))  # noqa: DTZ001 - the point of the test
    assert keys.list_all() == []


def test_a_tenants_listing_holds_only_its_keys_oldest_first(keys: ApiKeyRepository) -> None:
    keys.insert(HASH_B, key_record(key_id=KEY_2, created_at=CREATED + timedelta(seconds=1)))
    keys.insert(HASH_A, key_record())
    keys.insert(HASH_C, key_record(key_id=KEY_3, tenant_id="globex"))
    assert keys.list_for_tenant("acme") == [
        key_record(),
        key_record(key_id=KEY_2, created_at=CREATED + timedelta(seconds=1)),
    ]
    assert keys.list_for_tenant("nobody") == []


def test_the_full_listing_holds_every_key_and_nothing_else(keys: ApiKeyRepository) -> None:
    keys.insert(HASH_A, key_record())
    keys.insert(HASH_B, key_record(key_id=KEY_2, tenant_id="globex"))
    assert sorted(keys.list_all(), key=lambda found: found.key_id) == [
        key_record(),
        key_record(key_id=KEY_2, tenant_id="globex"),
    ]


def test_tenant_ids_are_every_tenant_with_a_key_once_sorted(keys: ApiKeyRepository) -> None:
    assert keys.tenant_ids() == []
    keys.insert(HASH_A, key_record(tenant_id="zeta"))
    keys.insert(HASH_B, key_record(key_id=KEY_2, tenant_id="acme"))
    keys.insert(HASH_C, key_record(key_id=KEY_3, tenant_id="zeta"))
    assert keys.tenant_ids() == ["acme", "zeta"]


def test_revoking_keeps_the_first_revocation_time(keys: ApiKeyRepository) -> None:
    keys.insert(HASH_A, key_record())
    first = keys.revoke(HASH_A, CREATED + timedelta(days=1))
    second = keys.revoke(HASH_A, CREATED + timedelta(days=2))
    assert first == second == key_record(status="revoked", revoked_at=CREATED + timedelta(days=1))
    assert keys.get(HASH_A) == (HASH_A, first)


def test_revoking_a_missing_key_creates_nothing(keys: ApiKeyRepository) -> None:
    assert keys.revoke(HASH_A, CREATED) is None
    assert keys.get(HASH_A) is None
    assert keys.list_all() == []


def test_touch_writes_until_a_use_inside_the_window_is_recorded(keys: ApiKeyRepository) -> None:
    keys.insert(HASH_A, key_record())
    used = CREATED + timedelta(minutes=5)
    assert keys.touch(HASH_A, used, unless_used_since=used - timedelta(minutes=1)) is True
    soon = used + timedelta(seconds=30)
    assert keys.touch(HASH_A, soon, unless_used_since=soon - timedelta(minutes=1)) is False
    later = used + timedelta(minutes=2)
    assert keys.touch(HASH_A, later, unless_used_since=later - timedelta(minutes=1)) is True
    stored = keys.get(HASH_A)
    assert stored is not None
    assert stored[1].last_used_at == later


def test_touch_never_creates_a_key(keys: ApiKeyRepository) -> None:
    assert keys.touch(HASH_A, CREATED, unless_used_since=CREATED) is False
    assert keys.list_all() == []


def test_a_usage_key_is_stored_read_back_and_replaced(keys: ApiKeyRepository) -> None:
    first, second = SecretStr("ouk_" + "1" * 40), SecretStr("ouk_" + "2" * 40)
    keys.insert(HASH_A, key_record(usage_key=first))
    stored = keys.get(HASH_A)
    assert stored is not None
    assert stored[1].usage_key == first
    changed = keys.set_usage_key(HASH_A, second)
    assert changed is not None
    assert changed.usage_key == second
    assert keys.get(HASH_A) == (HASH_A, changed)


def test_a_key_stored_without_a_usage_key_reads_back_without_one(keys: ApiKeyRepository) -> None:
    keys.insert(HASH_A, key_record())
    stored = keys.get(HASH_A)
    assert stored is not None
    assert stored[1].usage_key is None


def test_setting_the_usage_key_of_no_key_creates_nothing(keys: ApiKeyRepository) -> None:
    assert keys.set_usage_key(HASH_A, SecretStr("ouk_" + "1" * 40)) is None
    assert keys.list_all() == []
