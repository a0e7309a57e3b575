"""The scores function's idempotent retries: the same Idempotency-Key returns the first answer and
stores once; a key reused with another body, an invalid key or an unreachable idempotency store is
refused without scoring."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from orgair.aws import dynamodb_client
from support.dynamodb_faults import inject_fault
from support.scores_api import (
    empty,
    post_score,
    read_history,
    score_items,
)
from support.scoring_requests import (
    WORKED_EXAMPLE,
    count_items,
)

# ---------------------------------------------------------------- idempotency


def test_a_retry_with_the_same_idempotency_key_returns_the_first_response_and_stores_once(
    scores: ModuleType, db: Any
) -> None:
    headers = {"Idempotency-Key": "retry-0001"}
    first = post_score(scores, WORKED_EXAMPLE, headers=headers)
    counts = count_items(db)
    second = post_score(scores, WORKED_EXAMPLE, headers=headers)

    assert (first.status, second.status) == (201, 201)
    assert (first.header("Idempotent-Replayed"), second.header("Idempotent-Replayed")) == (None, "true")
    assert second.body == first.body
    assert second.header("Location") == first.header("Location")
    assert counts == {"ScoresTable": 2, "ReviewsTable": 0, "IdempotencyTable": 1}
    assert count_items(db) == counts
    assert len(read_history(scores, "acme-portco-1").body["items"]) == 1


def test_the_same_key_with_a_different_body_is_422_naming_the_header(scores: ModuleType, db: Any) -> None:
    headers = {"Idempotency-Key": "retry-0002"}
    post_score(scores, WORKED_EXAMPLE, headers=headers)
    counts = count_items(db)
    reply = post_score(scores, {**WORKED_EXAMPLE, "timing_factor": 1.1}, headers=headers)

    assert reply.is_problem(422), reply
    assert reply.fields() == ["Idempotency-Key"]
    assert count_items(db) == counts


def test_an_idempotency_key_is_scoped_to_the_tenant_and_the_stage(scores: ModuleType, db: Any) -> None:
    headers = {"Idempotency-Key": "shared-key"}
    acme = post_score(scores, WORKED_EXAMPLE, headers=headers)
    globex = post_score(scores, WORKED_EXAMPLE, headers=headers, tenant="globex")
    acme_v1 = post_score(scores, WORKED_EXAMPLE, headers=headers, stage="v1")

    assert (acme.status, globex.status, acme_v1.status) == (201, 201, 201)
    assert len({acme.body["score_id"], globex.body["score_id"], acme_v1.body["score_id"]}) == 3
    assert count_items(db)["IdempotencyTable"] == 3


@pytest.mark.parametrize("key", ["has space", "x" * 256, "", "caf\u00e9"])
def test_an_invalid_idempotency_key_is_422_naming_the_header(scores: ModuleType, db: Any, key: str) -> None:
    reply = post_score(scores, WORKED_EXAMPLE, headers={"Idempotency-Key": key})

    assert reply.is_problem(422), reply
    assert reply.fields() == ["Idempotency-Key"]
    assert count_items(db) == empty(db)


def test_a_request_that_failed_on_the_store_can_be_retried_with_the_same_key(
    scores: ModuleType, db: Any
) -> None:
    inject_fault(dynamodb_client(), "TransactWriteItems", "ProvisionedThroughputExceededException", calls={1})
    headers = {"Idempotency-Key": "retry-after-503"}

    failed = post_score(scores, WORKED_EXAMPLE, headers=headers)
    retried = post_score(scores, WORKED_EXAMPLE, headers=headers)

    assert failed.is_problem(503), failed
    assert retried.status == 201, retried
    assert len(score_items(db)) == 1


def test_an_unreachable_idempotency_store_is_503_and_nothing_is_scored(scores: ModuleType, db: Any) -> None:
    inject_fault(dynamodb_client(), "PutItem", "EndpointConnection")

    reply = post_score(scores, WORKED_EXAMPLE, headers={"Idempotency-Key": "k-503"})

    assert reply.is_problem(503), reply
    assert reply.header("Retry-After")
    assert count_items(db) == empty(db)
