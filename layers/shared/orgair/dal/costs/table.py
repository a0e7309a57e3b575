"""The CostsTable requests every part of the store shares: a counter's update inside a transaction,
one transaction under a token derived from its parameters, one get and one paged query."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, cast

from orgair.aws import store_errors
from orgair.dal.costs.items import Item, committed_of
from orgair.dal.costs.keys import Key, counter_key, iso
from orgair.dal.costs.repository import ScopeRefused, ScopeUpdate
from orgair.dal.tables import TableStore
from orgair.dynamo.codec import number, string
from orgair.dynamo.transact import ConditionFailed, TransactOutcome, transact

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_TOKEN_NAMESPACE: Final = uuid.UUID("6f1c3b52-8f0e-4d2a-9a51-3c5e2d7b9a10")


def transaction_token(what: str, items: Sequence[Mapping[str, Any]]) -> str:
    """The ClientRequestToken of one TransactWriteItems: derived from the operation kind and every
    parameter of the transaction, so one token always means one set of parameters.

    DynamoDB answers IdempotentParameterMismatchException when a token is reused within 10 minutes
    with different parameters; a token that is a digest of the parameters cannot be. A retry of the
    very same write (after a timeout, say) carries the same token and is applied at most once.
    """
    canonical = json.dumps([what, list(items)], sort_keys=True, separators=(",", ":"))
    return str(uuid.uuid5(_TOKEN_NAMESPACE, canonical))


def put_new(table: str, item: Item, *, return_old: bool = False) -> TransactWriteItemTypeDef:
    """A transaction's put of an item that must not exist yet."""
    request: dict[str, Any] = {
        "TableName": table,
        "Item": item,
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    if return_old:
        request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return cast("TransactWriteItemTypeDef", {"Put": request})


def update(request: Mapping[str, Any]) -> TransactWriteItemTypeDef:
    return cast("TransactWriteItemTypeDef", {"Update": dict(request)})


class CostsTable(TableStore):
    """The table and its client; every request fails closed (DependencyUnavailable)."""

    def _transact(self, items: Sequence[TransactWriteItemTypeDef], what: str) -> TransactOutcome:
        """One TransactWriteItems (the shared core's: retried on conflicts and throttling) under a
        token derived from its parameters."""
        token = transaction_token(what, cast("Sequence[Mapping[str, Any]]", items))
        return transact(self._client, items, what, token=token)

    @staticmethod
    def _refused(
        outcome: ConditionFailed, first_scope: int, scopes: Sequence[ScopeUpdate]
    ) -> ScopeRefused | None:
        """The scope a cancelled transaction's counters refused in (`first_scope`: the position of
        the first counter update), or None when an item before the counters failed."""
        position = outcome.index - first_scope
        if not 0 <= position < len(scopes):
            return None
        return ScopeRefused(update=scopes[position], committed_micros=committed_of(outcome.item))

    def _counter_update(self, day: date, change: ScopeUpdate, now: datetime) -> TransactWriteItemTypeDef:
        names = {"#scope": "scope", "#day": "day"}
        values: Item = {
            ":scope": string(change.scope),
            ":day": string(day.isoformat()),
            ":committed": number(change.committed_delta),
            ":now": string(iso(now)),
        }
        adds = ["committed :committed"]
        sets = ["#scope = :scope", "#day = :day", "updated_at = :now"]
        if change.settled_delta or change.hour is not None:
            values[":settled"] = number(change.settled_delta)
            adds.append("settled :settled")
        if change.hour is not None:
            names["#hour"] = f"h{change.hour:02d}"
            adds.append("#hour :settled")
        if change.limit_micros is not None:
            values[":limit"] = number(change.limit_micros)
            sets.append("limit_micros = :limit")
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": counter_key(change.scope, day),
            "UpdateExpression": f"SET {', '.join(sets)} ADD {', '.join(adds)}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if change.ceiling is not None:
            values[":ceiling"] = number(change.ceiling)
            request["ConditionExpression"] = "attribute_not_exists(committed) OR committed <= :ceiling"
            request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return update(request)

    def _get(self, item_key: Key, what: str, projection: str | None = None) -> Mapping[str, Any] | None:
        request: dict[str, Any] = {"TableName": self._table, "Key": item_key, "ConsistentRead": True}
        if projection is not None:
            request["ProjectionExpression"] = projection
        with store_errors(what):
            response = self._client.get_item(**request)
        return response.get("Item")

    def _query(
        self,
        keys: Mapping[str, str],
        *,
        index: str | None = None,
        sk_below: str | None = None,
        sk_prefix: str | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        what: str = "querying cost records",
    ) -> Iterator[Mapping[str, Any]]:
        """Every item under one partition (of the table, or of index `index`), in sort-key order
        (newest first: reversed); with `limit`, only the first page of at most that many."""
        ((hash_name, hash_value),) = keys.items()
        range_name = "gsi1sk" if index else "sk"
        condition = "#h = :h"
        names = {"#h": hash_name}
        values: Item = {":h": string(hash_value)}
        if sk_below is not None:
            condition += " AND #r <= :r"
            names["#r"] = range_name
            values[":r"] = string(sk_below)
        elif sk_prefix is not None:
            condition += " AND begins_with(#r, :r)"
            names["#r"] = range_name
            values[":r"] = string(sk_prefix)
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if index:
            request["IndexName"] = index
        else:
            request["ConsistentRead"] = True
        if newest_first:
            request["ScanIndexForward"] = False
        if limit is not None:
            request["Limit"] = limit
        while True:
            with store_errors(what):
                response = self._client.query(**request)
            yield from response.get("Items", [])
            last = response.get("LastEvaluatedKey")
            if not last or limit is not None:
                return
            request["ExclusiveStartKey"] = last
