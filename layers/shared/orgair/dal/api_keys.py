"""API keys in ApiKeysTable: the repository (`ApiKeyRepository`) and its DynamoDB implementation.

Two items per key, written in one transaction:

- the key item, `pk = KEY#<sha256 hex of the key>`: tenant, scopes, name, status, timestamps, the
  tenant's usage key (`usage_key`, the value of its API Gateway API key; see docs/tenants.md), and
  `gsi1pk = TENANT#<tenant>` / `gsi1sk = <created_at>#<key_id>` so one tenant's keys are a query;
- the id item, `pk = KEYID#<key_id>`, pointing at the key item, so a key can be revoked by its public
  id without a scan. It carries no gsi1 attributes, so the index holds key items only.

Typed methods only: a key that is not there is None, a refused insert a typed outcome; no rule about
what a valid key is and no HTTP error. Unreachable or throttled DynamoDB surfaces as
`DependencyUnavailable` (fail closed). The in-memory fake the tests use, and the contract suite both
pass, are in tests/support/fakes/api_keys.py and tests/contract/test_api_keys_contract.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, cast

from pydantic import SecretStr

from orgair.aws import dynamodb_client, store_errors
from orgair.dynamo.codec import optional_text, string, string_set, strings, text
from orgair.dynamo.transact import ConditionFailed, transact
from orgair.dynamo.writes import conditional_write
from orgair.records.api_keys import ApiKeyRecord, KeyStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

KEY_ITEM_PREFIX: Final = "KEY#"
KEY_ID_ITEM_PREFIX: Final = "KEYID#"
TENANT_PREFIX: Final = "TENANT#"
INDEX_NAME: Final = "gsi1"

Item = Mapping[str, Any]

InsertOutcome = Literal["inserted", "duplicate_key", "duplicate_key_id"]
"""`duplicate_key`: a key with this hash (same plaintext) is stored; `duplicate_key_id`: the freshly
drawn key id is taken (draw another). Nothing is written unless `inserted`."""


class ApiKeyRepository(Protocol):
    """Reads and writes of API keys; every method fails closed (DependencyUnavailable)."""

    def insert(self, key_hash: str, record: ApiKeyRecord) -> InsertOutcome:
        """Store a new key, never overwriting one with the same hash or key id."""
        ...

    def get(self, key_hash: str, *, consistent: bool = False) -> tuple[str, ApiKeyRecord] | None:
        """The stored hash (as read back) and the record of the key with this hash, if any."""
        ...

    def key_hash_for(self, key_id: str) -> str | None:
        """The hash of the key with this public id, if any."""
        ...

    def list_for_tenant(self, tenant_id: str) -> list[ApiKeyRecord]:
        """One tenant's keys, oldest first (by creation time, then key id)."""
        ...

    def tenant_ids(self) -> list[str]:
        """Every tenant that has (or had) a key, sorted."""
        ...

    def list_all(self) -> list[ApiKeyRecord]:
        """Every tenant's keys (operators' views, never a request path)."""
        ...

    def revoke(self, key_hash: str, now: datetime) -> ApiKeyRecord | None:
        """Mark the key revoked, keeping the first revocation time; None if no such key."""
        ...

    def touch(self, key_hash: str, now: datetime, *, unless_used_since: datetime) -> bool:
        """Set last_used_at to `now` unless it is at or after `unless_used_since`; whether it wrote."""
        ...

    def set_usage_key(self, key_hash: str, usage_key: SecretStr) -> ApiKeyRecord | None:
        """Give the key the tenant's usage key (replacing any other); None if no such key."""
        ...


def stored_timestamp(value: datetime) -> str:
    """UTC, fixed width, so stored timestamps order correctly as strings (the `touch` condition)."""
    if value.tzinfo is None:
        raise ValueError("API key timestamps must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="milliseconds")


def _optional_timestamp(item: Item, name: str) -> datetime | None:
    value = optional_text(item, name)
    return datetime.fromisoformat(value) if value else None


def _record(item: Item) -> ApiKeyRecord:
    status = text(item, "status")
    if status not in ("active", "revoked"):
        raise ValueError("API key item has an unknown status")
    usage_key = optional_text(item, "usage_key")
    return ApiKeyRecord(
        key_id=text(item, "key_id"),
        tenant_id=text(item, "tenant_id"),
        scopes=strings(item, "scopes"),
        name=optional_text(item, "name") or "",
        status=cast(KeyStatus, status),
        created_at=datetime.fromisoformat(text(item, "created_at")),
        last_used_at=_optional_timestamp(item, "last_used_at"),
        revoked_at=_optional_timestamp(item, "revoked_at"),
        usage_key=SecretStr(usage_key) if usage_key else None,
    )


def _key_item(key_hash: str, record: ApiKeyRecord) -> dict[str, Any]:
    created_at = stored_timestamp(record.created_at)
    item: dict[str, Any] = {
        "pk": string(KEY_ITEM_PREFIX + key_hash),
        "entity": string("api_key"),
        "key_id": string(record.key_id),
        "tenant_id": string(record.tenant_id),
        "scopes": string_set(record.scopes),
        "name": string(record.name),
        "status": string(record.status),
        "created_at": string(created_at),
        "gsi1pk": string(TENANT_PREFIX + record.tenant_id),
        "gsi1sk": string(f"{created_at}#{record.key_id}"),
    }
    if record.usage_key is not None:
        item["usage_key"] = string(record.usage_key.get_secret_value())
    return item


class ApiKeyTable:
    """The DynamoDB `ApiKeyRepository`: API key items of one table through the low-level client."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    @classmethod
    def default(cls) -> ApiKeyTable:
        """The container's client and the table named by settings."""
        from orgair.settings import get_settings

        return cls(dynamodb_client(), get_settings().API_KEYS_TABLE_NAME)

    def insert(self, key_hash: str, record: ApiKeyRecord) -> InsertOutcome:
        """Store a new key: the key item and its id item in one transaction, each only if absent."""
        id_item: dict[str, Any] = {
            "pk": string(KEY_ID_ITEM_PREFIX + record.key_id),
            "entity": string("api_key_id"),
            "key_hash": string(key_hash),
        }
        items = [
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            for item in (_key_item(key_hash, record), id_item)
        ]
        outcome = transact(self._client, cast("list[TransactWriteItemTypeDef]", items), "storing an API key")
        if isinstance(outcome, ConditionFailed):
            return "duplicate_key" if outcome.index == 0 else "duplicate_key_id"
        return "inserted"

    def _get(self, what: str, pk: str, *, consistent: bool) -> Item | None:
        """The item with this partition key, if any."""
        with store_errors(what):
            response = self._client.get_item(
                TableName=self.table_name, Key={"pk": string(pk)}, ConsistentRead=consistent
            )
        return response.get("Item")

    def get(self, key_hash: str, *, consistent: bool = False) -> tuple[str, ApiKeyRecord] | None:
        """The stored hash (as read back) and the record of the key with this hash, if any."""
        item = self._get("reading an API key", KEY_ITEM_PREFIX + key_hash, consistent=consistent)
        if item is None:
            return None
        return text(item, "pk").removeprefix(KEY_ITEM_PREFIX), _record(item)

    def key_hash_for(self, key_id: str) -> str | None:
        """The hash of the key with this public id (the id item's pointer), if any."""
        item = self._get("looking up an API key id", KEY_ID_ITEM_PREFIX + key_id, consistent=True)
        return text(item, "key_hash") if item else None

    def _items(self, operation: Literal["query", "scan"], what: str, **request: Any) -> Iterator[Item]:
        """Every item a query or scan of the table finds, page after page."""
        with store_errors(what):
            paginator = self._client.get_paginator(operation)
            for page in paginator.paginate(TableName=self.table_name, **request):
                yield from page["Items"]

    def _update_key(self, what: str, key_hash: str, **request: Any) -> Mapping[str, Any] | None:
        """A conditional update of the key's item: DynamoDB's answer, or None where its condition failed."""
        return conditional_write(
            what,
            lambda: self._client.update_item(
                TableName=self.table_name, Key={"pk": string(KEY_ITEM_PREFIX + key_hash)}, **request
            ),
        )

    def _change(self, what: str, key_hash: str, update: str, **request: Any) -> ApiKeyRecord | None:
        """Update an existing key's item: its record as changed, or None where there is no such key."""
        response = self._update_key(
            what,
            key_hash,
            UpdateExpression=update,
            ConditionExpression="attribute_exists(pk)",
            ReturnValues="ALL_NEW",
            **request,
        )
        return None if response is None else _record(response["Attributes"])

    def list_for_tenant(self, tenant_id: str) -> list[ApiKeyRecord]:
        """One tenant's keys, oldest first, from the index (never a scan)."""
        tenant = {":tenant": string(TENANT_PREFIX + tenant_id)}
        items = self._items(
            "query",
            "listing API keys",
            IndexName=INDEX_NAME,
            KeyConditionExpression="gsi1pk = :tenant",
            ExpressionAttributeValues=tenant,
        )
        return [_record(item) for item in items]

    def tenant_ids(self) -> list[str]:
        """Every tenant that has (or had) a key, sorted: a scan of the index's partition keys only
        (one small item per key, no secrets read), for operators' views, never a tenant's request."""
        items = self._items("scan", "listing tenants", IndexName=INDEX_NAME, ProjectionExpression="gsi1pk")
        return sorted(
            {
                pk.removeprefix(TENANT_PREFIX)
                for item in items
                if (pk := optional_text(item, "gsi1pk") or "").startswith(TENANT_PREFIX)
            }
        )

    def list_all(self) -> list[ApiKeyRecord]:
        """Every tenant's keys (a scan: for operators, never on a request path)."""
        keys = {":prefix": string(KEY_ITEM_PREFIX)}
        items = self._items(
            "scan",
            "listing API keys",
            FilterExpression="begins_with(pk, :prefix)",
            ExpressionAttributeValues=keys,
        )
        return [_record(item) for item in items]

    def revoke(self, key_hash: str, now: datetime) -> ApiKeyRecord | None:
        """Mark the key revoked (keeping the first revocation time); None if no such key."""
        return self._change(
            "revoking an API key",
            key_hash,
            "SET #status = :revoked, revoked_at = if_not_exists(revoked_at, :now)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":revoked": string("revoked"), ":now": string(stored_timestamp(now))},
        )

    def touch(self, key_hash: str, now: datetime, *, unless_used_since: datetime) -> bool:
        """Set last_used_at to now unless it is already at or after `unless_used_since`.

        The condition makes concurrent authorizers write at most once per window. Returns whether
        this call wrote.
        """
        response = self._update_key(
            "recording an API key's use",
            key_hash,
            UpdateExpression="SET last_used_at = :now",
            ConditionExpression=(
                "attribute_exists(pk) AND (attribute_not_exists(last_used_at) OR last_used_at < :since)"
            ),
            ExpressionAttributeValues={
                ":now": string(stored_timestamp(now)),
                ":since": string(stored_timestamp(unless_used_since)),
            },
        )
        return response is not None

    def set_usage_key(self, key_hash: str, usage_key: SecretStr) -> ApiKeyRecord | None:
        """Give the key the tenant's usage key (replacing any other); None if no such key."""
        return self._change(
            "setting an API key's usage key",
            key_hash,
            "SET usage_key = :usage_key",
            ExpressionAttributeValues={":usage_key": string(usage_key.get_secret_value())},
        )
