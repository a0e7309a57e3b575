"""API keys in ApiKeysTable, through the low-level DynamoDB client.

Two items per key, written in one transaction:

- the key item, `pk = KEY#<sha256 hex of the key>`: tenant, scopes, name, status, timestamps, the
  tenant's usage key (`usage_key`, the value of its API Gateway API key; see docs/tenants.md), and
  `gsi1pk = TENANT#<tenant>` / `gsi1sk = <created_at>#<key_id>` so one tenant's keys are a query;
- the id item, `pk = KEYID#<key_id>`, pointing at the key item, so a key can be revoked by its public
  id without a scan. It carries no gsi1 attributes, so the index holds key items only.

Unreachable or throttled DynamoDB surfaces as `DependencyUnavailable` (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, cast

from pydantic import SecretStr

from orgair.auth.records import ApiKeyRecord, KeyStatus
from orgair.aws import conditional_write, dynamodb_client, error_code, store_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

KEY_ITEM_PREFIX: Final = "KEY#"
KEY_ID_ITEM_PREFIX: Final = "KEYID#"
TENANT_PREFIX: Final = "TENANT#"
INDEX_NAME: Final = "gsi1"

Item = Mapping[str, "AttributeValueTypeDef"]


class DuplicateKeyError(Exception):
    """A key with this hash is already stored (same plaintext)."""


class DuplicateKeyIdError(Exception):
    """The freshly drawn key id is already taken; draw another."""


def _timestamp(value: datetime) -> str:
    """UTC, fixed width, so stored timestamps order correctly as strings (the `touch` condition)."""
    if value.tzinfo is None:
        raise ValueError("API key timestamps must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="milliseconds")


def _optional_timestamp(item: Item, name: str) -> datetime | None:
    value = item.get(name, {}).get("S")
    return datetime.fromisoformat(value) if value else None


def _record(item: Item) -> ApiKeyRecord:
    status = item["status"]["S"]
    if status not in ("active", "revoked"):
        raise ValueError("API key item has an unknown status")
    usage_key = item.get("usage_key", {}).get("S")
    return ApiKeyRecord(
        key_id=item["key_id"]["S"],
        tenant_id=item["tenant_id"]["S"],
        scopes=frozenset(item.get("scopes", {}).get("SS", ())),
        name=item.get("name", {}).get("S", ""),
        status=cast(KeyStatus, status),
        created_at=datetime.fromisoformat(item["created_at"]["S"]),
        last_used_at=_optional_timestamp(item, "last_used_at"),
        revoked_at=_optional_timestamp(item, "revoked_at"),
        usage_key=SecretStr(usage_key) if usage_key else None,
    )


class ApiKeyTable:
    """Reads and writes API key items; no rules about what a valid key is."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    @classmethod
    def default(cls) -> ApiKeyTable:
        """The container's client and the table named by settings."""
        from orgair.settings import get_settings

        return cls(dynamodb_client(), get_settings().API_KEYS_TABLE_NAME)

    def insert(self, key_hash: str, record: ApiKeyRecord) -> None:
        """Store a new key. Raises DuplicateKeyError or DuplicateKeyIdError instead of overwriting anything."""
        key_item: dict[str, Any] = {
            "pk": {"S": KEY_ITEM_PREFIX + key_hash},
            "entity": {"S": "api_key"},
            "key_id": {"S": record.key_id},
            "tenant_id": {"S": record.tenant_id},
            "scopes": {"SS": sorted(record.scopes)},
            "name": {"S": record.name},
            "status": {"S": record.status},
            "created_at": {"S": _timestamp(record.created_at)},
            "gsi1pk": {"S": TENANT_PREFIX + record.tenant_id},
            "gsi1sk": {"S": f"{_timestamp(record.created_at)}#{record.key_id}"},
        }
        if record.usage_key is not None:
            key_item["usage_key"] = {"S": record.usage_key.get_secret_value()}
        id_item: dict[str, Any] = {
            "pk": {"S": KEY_ID_ITEM_PREFIX + record.key_id},
            "entity": {"S": "api_key_id"},
            "key_hash": {"S": key_hash},
        }
        try:
            with store_errors("storing an API key"):
                self._client.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": self.table_name,
                                "Item": key_item,
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": self.table_name,
                                "Item": id_item,
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                    ]
                )
        except Exception as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            cancelled = getattr(error, "response", {}).get("CancellationReasons", [])
            reasons = [str(reason.get("Code", "")) for reason in cancelled]
            if reasons[:1] == ["ConditionalCheckFailed"]:
                raise DuplicateKeyError from None
            if reasons[1:2] == ["ConditionalCheckFailed"]:
                raise DuplicateKeyIdError from None
            raise

    def get(self, key_hash: str, *, consistent: bool = False) -> tuple[str, ApiKeyRecord] | None:
        """The stored hash (as read back) and the record of the key with this hash, if any."""
        with store_errors("reading an API key"):
            response = self._client.get_item(
                TableName=self.table_name,
                Key={"pk": {"S": KEY_ITEM_PREFIX + key_hash}},
                ConsistentRead=consistent,
            )
        item = response.get("Item")
        if item is None:
            return None
        return item["pk"]["S"].removeprefix(KEY_ITEM_PREFIX), _record(item)

    def key_hash_for(self, key_id: str) -> str | None:
        """The hash of the key with this public id (the id item's pointer), if any."""
        with store_errors("looking up an API key id"):
            response = self._client.get_item(
                TableName=self.table_name,
                Key={"pk": {"S": KEY_ID_ITEM_PREFIX + key_id}},
                ConsistentRead=True,
            )
        item = response.get("Item")
        return item["key_hash"]["S"] if item else None

    def list_for_tenant(self, tenant_id: str) -> list[ApiKeyRecord]:
        """One tenant's keys, oldest first, from the index (never a scan)."""
        records: list[ApiKeyRecord] = []
        with store_errors("listing API keys"):
            paginator = self._client.get_paginator("query")
            for page in paginator.paginate(
                TableName=self.table_name,
                IndexName=INDEX_NAME,
                KeyConditionExpression="gsi1pk = :tenant",
                ExpressionAttributeValues={":tenant": {"S": TENANT_PREFIX + tenant_id}},
            ):
                records.extend(_record(item) for item in page["Items"])
        return records

    def tenant_ids(self) -> list[str]:
        """Every tenant that has (or had) a key, sorted: a scan of the index's partition keys only
        (one small item per key, no secrets read), for operators' views, never a tenant's request."""
        tenants: set[str] = set()
        with store_errors("listing tenants"):
            paginator = self._client.get_paginator("scan")
            for page in paginator.paginate(
                TableName=self.table_name,
                IndexName=INDEX_NAME,
                ProjectionExpression="gsi1pk",
            ):
                tenants.update(
                    item["gsi1pk"]["S"].removeprefix(TENANT_PREFIX)
                    for item in page["Items"]
                    if item.get("gsi1pk", {}).get("S", "").startswith(TENANT_PREFIX)
                )
        return sorted(tenants)

    def list_all(self) -> list[ApiKeyRecord]:
        """Every tenant's keys (a scan: for operators, never on a request path)."""
        records: list[ApiKeyRecord] = []
        with store_errors("listing API keys"):
            paginator = self._client.get_paginator("scan")
            for page in paginator.paginate(
                TableName=self.table_name,
                FilterExpression="begins_with(pk, :prefix)",
                ExpressionAttributeValues={":prefix": {"S": KEY_ITEM_PREFIX}},
            ):
                records.extend(_record(item) for item in page["Items"])
        return records

    def revoke(self, key_hash: str, now: datetime) -> ApiKeyRecord | None:
        """Mark the key revoked (keeping the first revocation time); None if no such key."""
        response = conditional_write(
            "revoking an API key",
            lambda: self._client.update_item(
                TableName=self.table_name,
                Key={"pk": {"S": KEY_ITEM_PREFIX + key_hash}},
                UpdateExpression="SET #status = :revoked, revoked_at = if_not_exists(revoked_at, :now)",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":revoked": {"S": "revoked"}, ":now": {"S": _timestamp(now)}},
                ReturnValues="ALL_NEW",
            ),
        )
        return None if response is None else _record(response["Attributes"])

    def touch(self, key_hash: str, now: datetime, *, unless_used_since: datetime) -> bool:
        """Set last_used_at to now unless it is already at or after `unless_used_since`.

        The condition makes concurrent authorizers write at most once per window. Returns whether
        this call wrote.
        """
        response = conditional_write(
            "recording an API key's use",
            lambda: self._client.update_item(
                TableName=self.table_name,
                Key={"pk": {"S": KEY_ITEM_PREFIX + key_hash}},
                UpdateExpression="SET last_used_at = :now",
                ConditionExpression=(
                    "attribute_exists(pk) AND (attribute_not_exists(last_used_at) OR last_used_at < :since)"
                ),
                ExpressionAttributeValues={
                    ":now": {"S": _timestamp(now)},
                    ":since": {"S": _timestamp(unless_used_since)},
                },
            ),
        )
        return response is not None

    def set_usage_key(self, key_hash: str, usage_key: SecretStr) -> ApiKeyRecord | None:
        """Give the key the tenant's usage key (replacing any other); None if no such key."""
        response = conditional_write(
            "setting an API key's usage key",
            lambda: self._client.update_item(
                TableName=self.table_name,
                Key={"pk": {"S": KEY_ITEM_PREFIX + key_hash}},
                UpdateExpression="SET usage_key = :usage_key",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":usage_key": {"S": usage_key.get_secret_value()}},
                ReturnValues="ALL_NEW",
            ),
        )
        return None if response is None else _record(response["Attributes"])
