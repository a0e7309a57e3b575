"""ApiKeysTable's own concerns: the items' layout, the id item written with the key item, and an
unreachable store. What every `ApiKeyRepository` answers is proven for it and for the in-memory fake
by tests/contract/test_api_keys_contract.py."""

from __future__ import annotations

from typing import Any

import pytest
from orgair.dal.api_keys import ApiKeyTable
from orgair.errors import DependencyUnavailable
from pydantic import SecretStr
from support.api_keys import key_record
from support.dynamodb_faults import unreachable_client

from devtools.embedded_dynamodb import EmbeddedDynamoDB

TABLE = "ApiKeysTable"
HASH_A = "a" * 64
HASH_B = "b" * 64


@pytest.fixture
def client(dynamodb: EmbeddedDynamoDB) -> Any:
    return dynamodb.client()


@pytest.fixture
def table(client: Any) -> ApiKeyTable:
    return ApiKeyTable(client, TABLE)


def test_key_item_is_keyed_by_hash_and_indexed_by_tenant(client: Any, table: ApiKeyTable) -> None:
    table.insert(HASH_A, key_record())
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": f"KEY#{HASH_A}"}})["Item"]
    assert item["gsi1pk"] == {"S": "TENANT#acme"}
    assert item["gsi1sk"]["S"].startswith("2030-01-01T12:00:00.123+00:00#")
    assert item["scopes"] == {"SS": ["scores:read", "scores:write"]}


def test_unreachable_store_is_a_dependency_failure() -> None:
    table = ApiKeyTable(unreachable_client(), TABLE)
    with pytest.raises(DependencyUnavailable):
        table.get(HASH_A)
    with pytest.raises(DependencyUnavailable):
        table.insert(HASH_A, key_record())


def test_a_record_never_shows_its_usage_key_when_printed(table: ApiKeyTable) -> None:
    value = "ouk_" + "3" * 40
    assert value not in repr(key_record(usage_key=SecretStr(value)))


def test_the_id_item_points_at_the_key_item_and_stays_out_of_the_index(
    client: Any, table: ApiKeyTable
) -> None:
    assert table.insert(HASH_A, key_record()) == "inserted"
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "KEYID#kid_0000000000000001"}})["Item"]
    assert item == {
        "pk": {"S": "KEYID#kid_0000000000000001"},
        "entity": {"S": "api_key_id"},
        "key_hash": {"S": HASH_A},
    }
