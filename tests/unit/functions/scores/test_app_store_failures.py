"""The scores function fails closed when DynamoDB misbehaves: 503 with Retry-After and nothing
half written."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from orgair.aws import dynamodb_client
from support.dynamodb_faults import inject_fault, record_operations
from support.scores_api import (
    empty,
    post_score,
    raw_items,
    read_history,
    read_score,
)
from support.scoring_requests import (
    WORKED_EXAMPLE,
    company,
    count_items,
)

# ---------------------------------------------------------------- DynamoDB failures


@pytest.mark.parametrize(
    "fault",
    [
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "ServiceUnavailable",
        "InternalServerError",
        "ReadTimeout",
        "ConnectTimeout",
        "TransactionCanceledThrottled",
    ],
)
def test_a_failing_transaction_is_503_with_retry_after_and_nothing_half_written(
    scores: ModuleType, db: Any, fault: str
) -> None:
    first = post_score(scores, company("steady", level=40))
    before = count_items(db)
    seen = inject_fault(dynamodb_client(), "TransactWriteItems", fault)

    reply = post_score(scores, company("steady", level=90))

    assert seen, "the fault was never reached"
    assert reply.is_problem(503), reply
    assert reply.body["type"].endswith("/dependency-unavailable")
    assert int(reply.header("Retry-After") or "0") > 0
    assert "Exception" not in reply.body["detail"]
    assert "botocore" not in reply.raw_body
    assert count_items(db) == before
    latest = [item for item in raw_items(db) if item["sk"] == "LATEST"]
    assert [item["score_id"] for item in latest] == [first.body["score_id"]]


def test_an_unreachable_store_while_reading_the_previous_score_is_503_and_nothing_is_written(
    scores: ModuleType, db: Any
) -> None:
    inject_fault(dynamodb_client(), "GetItem", "EndpointConnection")
    calls = record_operations(dynamodb_client())

    reply = post_score(scores, WORKED_EXAMPLE)

    assert reply.is_problem(503), reply
    assert "TransactWriteItems" not in calls
    assert count_items(db) == empty(db)


def test_reads_fail_closed_with_503_when_dynamodb_is_unreachable(scores: ModuleType) -> None:
    created = post_score(scores, WORKED_EXAMPLE)
    inject_fault(dynamodb_client(), "Query", "EndpointConnection")

    history = read_history(scores, "acme-portco-1")
    score = read_score(scores, created.body["score_id"])

    assert history.is_problem(503), history
    assert score.is_problem(503), score
    assert history.header("Retry-After")
    assert score.header("Retry-After")
