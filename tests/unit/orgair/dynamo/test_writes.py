"""The one conditional write: its result, None when its condition failed, 503 when unreachable."""

from __future__ import annotations

import pytest
from orgair.dynamo.writes import conditional_write
from orgair.errors import DependencyUnavailable
from support.dynamodb_faults import unreachable_client

from devtools.embedded_dynamodb import EmbeddedDynamoDB

TABLE = "ApiKeysTable"


def put_once(client: object, pk: str) -> object:
    return conditional_write(
        "writing a test item",
        lambda: client.put_item(  # type: ignore[attr-defined]
            TableName=TABLE, Item={"pk": {"S": pk}}, ConditionExpression="attribute_not_exists(pk)"
        ),
    )


def test_the_first_write_wins_and_the_second_is_none(dynamodb: EmbeddedDynamoDB) -> None:
    client = dynamodb.client()
    assert put_once(client, "KEY#x") is not None
    assert put_once(client, "KEY#x") is None


def test_an_unreachable_store_is_a_dependency_failure() -> None:
    with pytest.raises(DependencyUnavailable):
        put_once(unreachable_client(), "KEY#x")
