"""The one transaction: all or nothing, the refusing item named, transient cancellations retried."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from orgair.dynamo.transact import Committed, ConditionFailed, TransactOutcome, transact
from orgair.errors import DependencyUnavailable
from support.dynamodb_faults import inject_fault, unreachable_client

from devtools.embedded_dynamodb import EmbeddedDynamoDB

TABLE = "ApiKeysTable"


def put(pk: str, *, value: str = "v", old_on_failure: bool = False) -> Any:
    request: dict[str, Any] = {
        "TableName": TABLE,
        "Item": {"pk": {"S": pk}, "value": {"S": value}},
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    if old_on_failure:
        request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {"Put": request}


def write(client: Any, *items: Any, sleeps: list[float] | None = None) -> TransactOutcome:
    return transact(
        client, list(items), "writing test items", sleep=(sleeps if sleeps is not None else []).append
    )


def stored(client: Any, pk: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = client.get_item(TableName=TABLE, Key={"pk": {"S": pk}}).get("Item")
    return item


@pytest.fixture
def client(dynamodb: EmbeddedDynamoDB) -> Any:
    return dynamodb.client()


def test_every_item_is_written_when_every_condition_holds(client: Any) -> None:
    assert write(client, put("KEY#a"), put("KEY#b")) == Committed()
    assert stored(client, "KEY#a") is not None
    assert stored(client, "KEY#b") is not None


def test_a_failed_condition_names_the_item_and_writes_nothing(client: Any) -> None:
    write(client, put("KEY#b", value="first"))
    outcome = write(client, put("KEY#a"), put("KEY#b", old_on_failure=True))
    assert outcome == ConditionFailed(
        index=1, item={"pk": {"S": "KEY#b"}, "value": {"S": "first"}}, failed=frozenset({1})
    )
    assert stored(client, "KEY#a") is None


def test_a_failed_condition_without_return_values_carries_no_item(client: Any) -> None:
    write(client, put("KEY#a"))
    assert write(client, put("KEY#a"), put("KEY#b")) == ConditionFailed(
        index=0, item=None, failed=frozenset({0})
    )


def test_a_transient_cancellation_is_retried_after_a_jittered_pause(client: Any) -> None:
    seen = inject_fault(client, "TransactWriteItems", "TransactionCanceledThrottled", calls={1, 2})
    sleeps: list[float] = []
    assert write(client, put("KEY#a"), sleeps=sleeps) == Committed()
    assert seen == [1, 2, 3]
    assert len(sleeps) == 2
    assert all(0 <= pause <= 0.5 for pause in sleeps)
    assert stored(client, "KEY#a") is not None


def test_a_store_that_stays_contended_is_503_after_bounded_attempts(client: Any) -> None:
    seen = inject_fault(client, "TransactWriteItems", "TransactionCanceledThrottled")
    with pytest.raises(DependencyUnavailable) as raised:
        transact(client, [put("KEY#a")], "writing test items", attempts=3, sleep=lambda _: None)
    assert len(seen) == 3
    assert raised.value.headers["Retry-After"] == "1"
    assert stored(client, "KEY#a") is None


def test_a_throttled_call_is_a_dependency_failure(client: Any) -> None:
    inject_fault(client, "TransactWriteItems", "ProvisionedThroughputExceededException")
    with pytest.raises(DependencyUnavailable):
        write(client, put("KEY#a"))


def test_an_unreachable_store_is_a_dependency_failure() -> None:
    with pytest.raises(DependencyUnavailable):
        write(unreachable_client(), put("KEY#a"))


def test_an_invalid_transaction_is_a_bug_that_propagates(client: Any) -> None:
    with pytest.raises(ClientError):
        write(client, put("KEY#a"), put("KEY#a"))  # two operations on one item


def test_every_failed_condition_is_named(client: Any) -> None:
    write(client, put("KEY#a"), put("KEY#c"))
    outcome = write(client, put("KEY#a"), put("KEY#b"), put("KEY#c"))
    assert outcome == ConditionFailed(index=0, item=None, failed=frozenset({0, 2}))
    assert stored(client, "KEY#b") is None


def test_one_attempt_makes_a_transient_cancellation_an_immediate_503(client: Any) -> None:
    seen = inject_fault(client, "TransactWriteItems", "TransactionCanceledThrottled", calls={1})
    with pytest.raises(DependencyUnavailable):
        transact(client, [put("KEY#a")], "writing test items", attempts=1, sleep=lambda _: None)
    assert seen == [1]
    assert write(client, put("KEY#a")) == Committed()
