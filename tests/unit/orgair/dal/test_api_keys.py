"""ApiKeysTable's own concerns: the items' layout, the id item written with the key item, and an
unreachable store. What every `ApiKeyRepository` answers is proven for it and for the in-memory fake
by tests/contract/test_api_keys_contract.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from orgair.dal.api_keys import ApiKeyTable
from orgair.errors import DependencyUnavailable
from orgair.records.api_keys import ApiKeyRecord
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


def test_key_item_is_keyed_by_hash_and_indexed_by_tenant(client: Any, table: ApiKeyTable) -> None:
    table.insert(HASH_A, record())
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": f"KEY#{HASH_A}"}})["Item"]
    assert item["gsi1pk"] == {"S": "TENANT#acme"}
    assert item["gsi1sk"]["S"].startswith("2030-01-01T12:00:00.123+00:00#")
    assert item["scopes"] == {"SS": ["scores:read", "scores:write"]}


def test_unreachable_store_is_a_dependency_failure() -> None:
    table = ApiKeyTable(unreachable_client(), TABLE)
    with pytest.raises(DependencyUnavailable):
        table.get(HASH_A)
    with pytest.raises(DependencyUnavailable):
        table.insert(HASH_A, record())


def test_a_record_never_shows_its_usage_key_when_printed(table: ApiKeyTable) -> None:
    value = "ouk_" + "3" * 40
    assert value not in repr(record(usage_key=SecretStr(value)))


def test_the_id_item_points_at_the_key_item_and_stays_out_of_the_index(
    client: Any, table: ApiKeyTable
) -> None:
    assert table.insert(HASH_A, record()) == "inserted"
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "KEYID#kid_0000000000000001"}})["Item"]
    assert item == {
        "pk": {"S": "KEYID#kid_0000000000000001"},
        "entity": {"S": "api_key_id"},
        "key_hash": {"S": HASH_A},
    }
