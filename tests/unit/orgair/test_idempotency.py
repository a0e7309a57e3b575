"""Exactly-once handling of retried requests: header validation and run_once on the embedded DynamoDB."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig
from orgair.aws import dynamodb_client
from orgair.errors import Conflict, DependencyUnavailable, ValidationFailed
from orgair.idempotency import IDEMPOTENCY_HEADER, check_key, run_once
from support.dynamodb_faults import inject_fault
from support.lambda_events import FakeLambdaContext
from support.scoring_requests import local_client, scan_all

from devtools.embedded_dynamodb import EmbeddedDynamoDB

TABLE = "IdempotencyTable"


class Producer:
    """Counts its runs and returns a new result each time, so a replay is distinguishable."""

    def __init__(self, fail_first: int = 0) -> None:
        self.runs = 0
        self.fail_first = fail_first

    def __call__(self) -> dict[str, Any]:
        self.runs += 1
        if self.runs <= self.fail_first:
            raise DependencyUnavailable("store down")
        return {"run": self.runs, "score_id": f"score-{self.runs}"}


def once(
    produce: Callable[[], dict[str, Any]],
    *,
    key: str = "key-1",
    tenant_id: str = "acme",
    operation: str = "scores:v2.0",
    payload: Any = None,
) -> dict[str, Any]:
    result, _ = once_replayed(produce, key=key, tenant_id=tenant_id, operation=operation, payload=payload)
    return result


def once_replayed(
    produce: Callable[[], dict[str, Any]],
    *,
    key: str = "key-1",
    tenant_id: str = "acme",
    operation: str = "scores:v2.0",
    payload: Any = None,
) -> tuple[dict[str, Any], bool]:
    return run_once(
        operation=operation,
        tenant_id=tenant_id,
        key=key,
        payload={"company_id": "c1"} if payload is None else payload,
        produce=produce,
        table_name=TABLE,
        context=FakeLambdaContext(),  # type: ignore[arg-type]
    )


def test_only_a_call_that_did_not_run_produce_is_reported_as_a_replay(dynamodb: EmbeddedDynamoDB) -> None:
    produce = Producer()
    first = once_replayed(produce)
    second = once_replayed(produce)
    other_key = once_replayed(produce, key="key-2")

    assert [first[1], second[1], other_key[1]] == [False, True, False]
    assert second[0] == first[0]
    assert produce.runs == 2


# ---------------------------------------------------------------- the header


@pytest.mark.parametrize(
    "key", ["a", "retry-0001", "x" * 255, "~!#$%&'*+-.^_`|", "550e8400-e29b-41d4-a716-446655440000"]
)
def test_a_visible_ascii_key_of_1_to_255_characters_is_accepted(key: str) -> None:
    assert check_key(key, required=True) == key


@pytest.mark.parametrize(
    "key", ["", " ", "has space", "x" * 256, "caf\u00e9", "tab\there", "new\nline", "\x7f"]
)
def test_any_other_key_is_422_naming_the_header(key: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_key(key, required=False)

    assert [e.field for e in caught.value.errors] == [IDEMPOTENCY_HEADER]


def test_a_missing_key_is_fine_unless_required() -> None:
    assert check_key(None, required=False) is None
    with pytest.raises(ValidationFailed) as caught:
        check_key(None, required=True)
    assert [(e.field, e.message) for e in caught.value.errors] == [(IDEMPOTENCY_HEADER, "header required")]


# ---------------------------------------------------------------- run_once


def test_the_first_call_runs_and_a_retry_gets_the_stored_result(dynamodb: EmbeddedDynamoDB) -> None:
    produce = Producer()

    first = once(produce)
    second = once(produce)

    assert first == second == {"run": 1, "score_id": "score-1"}
    assert produce.runs == 1
    records = scan_all(local_client(dynamodb.endpoint_url), TABLE)
    assert [record["status"]["S"] for record in records] == ["COMPLETED"]


def test_the_same_key_with_another_payload_is_422_naming_the_header(dynamodb: EmbeddedDynamoDB) -> None:
    produce = Producer()
    once(produce, payload={"company_id": "c1"})

    with pytest.raises(ValidationFailed) as caught:
        once(produce, payload={"company_id": "c2"})

    assert [e.field for e in caught.value.errors] == [IDEMPOTENCY_HEADER]
    assert produce.runs == 1


def test_keys_are_scoped_by_tenant_and_operation(dynamodb: EmbeddedDynamoDB) -> None:
    produce = Producer()

    results = [
        once(produce),
        once(produce, tenant_id="globex"),
        once(produce, operation="scores:v1.0"),
        once(produce, key="key-2"),
        once(produce),
    ]

    assert [result["run"] for result in results] == [1, 2, 3, 4, 1]
    assert len(scan_all(local_client(dynamodb.endpoint_url), TABLE)) == 4


def test_a_request_still_in_progress_is_409_with_retry_after(dynamodb: EmbeddedDynamoDB) -> None:
    # The first request has saved its INPROGRESS record and is still running elsewhere.
    config = IdempotencyConfig(
        event_key_jmespath="[operation, tenant_id, key]",
        payload_validation_jmespath="payload",
        hash_function="sha256",
    )
    persistence = DynamoDBPersistenceLayer(table_name=TABLE, boto3_client=local_client(dynamodb.endpoint_url))
    persistence.configure(config, key_prefix="orgair.scores:v2.0")
    persistence.save_inprogress(
        data={
            "operation": "scores:v2.0",
            "tenant_id": "acme",
            "key": "key-1",
            "payload": {"company_id": "c1"},
        },
        remaining_time_in_millis=60_000,
    )
    produce = Producer()

    with pytest.raises(Conflict) as caught:
        once(produce)

    assert caught.value.status == 409
    assert caught.value.headers["Retry-After"]
    assert produce.runs == 0


def test_a_failed_run_is_forgotten_so_the_retry_runs_again(dynamodb: EmbeddedDynamoDB) -> None:
    produce = Producer(fail_first=1)

    with pytest.raises(DependencyUnavailable):
        once(produce)
    retried = once(produce)

    assert retried == {"run": 2, "score_id": "score-2"}
    records = scan_all(local_client(dynamodb.endpoint_url), TABLE)
    assert [record["status"]["S"] for record in records] == ["COMPLETED"]


def test_an_unreachable_idempotency_store_is_503_and_nothing_runs(dynamodb: EmbeddedDynamoDB) -> None:
    inject_fault(dynamodb_client(), "PutItem", "EndpointConnection")
    produce = Producer()

    with pytest.raises(DependencyUnavailable) as caught:
        once(produce)

    assert caught.value.status == 503
    assert produce.runs == 0
