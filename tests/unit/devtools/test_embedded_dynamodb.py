"""The embedded DynamoDB's transactions: a cancelled TransactWriteItems leaves every item it named as
it was (a Put's new item gone, an Update's and a Delete's item back), while the rollback only keeps
the items the transaction names, so a transaction's time does not grow with its table."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from devtools.embedded_dynamodb import EmbeddedDynamoDB

TABLE = "JobsTable"


def client(dynamodb: EmbeddedDynamoDB) -> Any:
    return boto3.client("dynamodb", endpoint_url=dynamodb.endpoint_url, region_name="us-east-1")


def key(sk: str) -> dict[str, Any]:
    return {"pk": {"S": "J#txn"}, "sk": {"S": sk}}


def read(dynamodb: EmbeddedDynamoDB, sk: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = client(dynamodb).get_item(TableName=TABLE, Key=key(sk)).get("Item")
    return found


def test_a_cancelled_transaction_puts_back_every_item_it_named(dynamodb: EmbeddedDynamoDB) -> None:
    aws = client(dynamodb)
    aws.put_item(TableName=TABLE, Item={**key("updated"), "n": {"N": "1"}})
    aws.put_item(TableName=TABLE, Item={**key("deleted"), "n": {"N": "2"}})
    aws.put_item(TableName=TABLE, Item={**key("guard"), "n": {"N": "3"}})

    with pytest.raises(ClientError) as cancelled:
        aws.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {**key("new"), "n": {"N": "9"}}}},
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": key("updated"),
                        "UpdateExpression": "SET n = :n",
                        "ExpressionAttributeValues": {":n": {"N": "10"}},
                    }
                },
                {"Delete": {"TableName": TABLE, "Key": key("deleted")}},
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": key("guard"),
                        "ConditionExpression": "n = :four",
                        "ExpressionAttributeValues": {":four": {"N": "4"}},
                    }
                },
            ]
        )

    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert read(dynamodb, "new") is None
    assert read(dynamodb, "updated") == {**key("updated"), "n": {"N": "1"}}
    assert read(dynamodb, "deleted") == {**key("deleted"), "n": {"N": "2"}}
    assert read(dynamodb, "guard") == {**key("guard"), "n": {"N": "3"}}


def test_a_transaction_takes_no_longer_in_a_large_table(dynamodb: EmbeddedDynamoDB) -> None:
    """Timed as the same 20 two-item transactions before and after the table grew by 2,000 items of
    1.3 KB: copying the whole table (moto's own rollback) made each take about 0.3 s more."""
    aws = client(dynamodb)

    def transactions() -> float:
        started = time.perf_counter()
        for number in range(20):
            aws.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": TABLE, "Item": {**key(f"a{number}"), "n": {"N": "1"}}}},
                    {"Put": {"TableName": TABLE, "Item": {**key(f"b{number}"), "n": {"N": "1"}}}},
                ]
            )
        return time.perf_counter() - started

    small = transactions()
    for start in range(0, 2000, 25):
        aws.batch_write_item(
            RequestItems={
                TABLE: [
                    {"PutRequest": {"Item": {**key(f"filler{index}"), "text": {"S": "x" * 1300}}}}
                    for index in range(start, start + 25)
                ]
            }
        )
    large = transactions()

    assert large < small * 3 + 1.0, (small, large)
