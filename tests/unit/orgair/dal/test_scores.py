"""The score DAL on the embedded DynamoDB: transactions that keep each company whole, and batched
reads of the latest pointers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from orgair.aws import dynamodb_client
from orgair.dal import scores as dal
from orgair.ids import new_id
from support.dynamodb_faults import record_operations
from support.scoring_requests import (
    local_client,
    record_transactions,
    scan_all,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

SCORES = "ScoresTable"
REVIEWS = "ReviewsTable"


def write(
    company_id: str, *, tenant_id: str = "acme", review: bool = False, score: str = "50"
) -> dal.ScoreWrite:
    score_id = new_id()
    created_at = "2030-01-01T00:00:00.000+00:00"
    return dal.ScoreWrite(
        tenant_id=tenant_id,
        company_id=company_id,
        version="v2.0",
        score_id=score_id,
        score={
            "tenant_id": tenant_id,
            "company_id": company_id,
            "score_id": score_id,
            "headline": Decimal(score),
        },
        latest={
            "company_id": company_id,
            "score_id": score_id,
            "score": Decimal(score),
            "created_at": created_at,
        },
        review={
            "review_id": new_id(),
            "tenant_id": tenant_id,
            "score_id": score_id,
            "company_id": company_id,
            "param_version": "v2.0",
            "status": "pending",
            "reasons": [],
            "created_at": created_at,
        }
        if review
        else None,
    )


def written_by(transaction: list[dict[str, Any]]) -> set[str]:
    """The company ids whose items a transaction carries (score, pointer and review items alike)."""
    companies = set()
    for operation in transaction:
        item = operation["Put"]["Item"]
        companies.add(str(item["company_id"]["S"]))
    return companies


def test_save_many_keeps_every_companys_items_in_one_transaction(dynamodb: EmbeddedDynamoDB) -> None:
    # 3 items for a company with a review, 2 without: chunks of 100 cannot align with companies.
    writes = [write(f"c{i:03d}", review=i % 3 != 0) for i in range(120)]
    transactions = record_transactions(dynamodb_client())

    outcome = dal.save_many(writes, SCORES, REVIEWS)

    assert outcome == [None] * 120
    assert all(len(transaction) <= dal.MAX_TRANSACTION_ITEMS for transaction in transactions)
    owners: dict[str, int] = {}
    for number, transaction in enumerate(transactions):
        for company_id in written_by(transaction):
            assert owners.setdefault(company_id, number) == number, f"{company_id} split across transactions"
    assert len(owners) == 120
    items = sum(len(transaction) for transaction in transactions)
    assert items == 120 * 2 + 80
    # Greedy packing: a transaction closes only when the next company does not fit.
    assert len(transactions) <= -(-items // (dal.MAX_TRANSACTION_ITEMS - 2))
    client = local_client(dynamodb.endpoint_url)
    assert len(scan_all(client, SCORES)) == 240
    assert len(scan_all(client, REVIEWS)) == 80


def test_save_many_reports_a_failed_transaction_on_exactly_its_companies(dynamodb: EmbeddedDynamoDB) -> None:
    writes = [write(f"c{i:03d}") for i in range(120)]  # 2 items each: 50 companies per transaction
    seen: list[int] = []

    def fail_second(**_: Any) -> Any:
        seen.append(1)
        if len(seen) == 2:
            return AWSResponse("http://dynamodb.invalid", 400, HTTPHeaders(), None), {
                "Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
        return None

    dynamodb_client().meta.events.register("before-call.dynamodb.TransactWriteItems", fail_second)

    outcome = dal.save_many(writes, SCORES, REVIEWS)

    assert [error is not None for error in outcome] == [False] * 50 + [True] * 50 + [False] * 20
    assert {type(error).__name__ for error in outcome if error is not None} == {"DependencyUnavailable"}
    stored = {item["company_id"]["S"] for item in scan_all(local_client(dynamodb.endpoint_url), SCORES)}
    assert stored == {f"c{i:03d}" for i in range(120)} - {f"c{i:03d}" for i in range(50, 100)}


def test_save_many_of_nothing_makes_no_call(dynamodb: EmbeddedDynamoDB) -> None:
    calls = record_operations(dynamodb_client())

    assert dal.save_many([], SCORES, REVIEWS) == []
    assert calls == []


def test_latest_many_reads_more_than_100_companies_in_batches(dynamodb: EmbeddedDynamoDB) -> None:
    writes = [write(f"c{i:03d}", score=str(i)) for i in range(150)]
    dal.save_many(writes, SCORES, REVIEWS)
    calls = record_operations(dynamodb_client())
    wanted = [f"c{i:03d}" for i in range(150)] + ["c000", "c149", "never-scored"]

    found = dal.latest_many("acme", wanted, "v2.0", SCORES)

    assert set(found) == {f"c{i:03d}" for i in range(150)}
    assert found["c123"]["score"] == Decimal(123)
    assert found["c123"]["score_id"] == writes[123].score_id
    assert "pk" not in found["c123"]
    assert "sk" not in found["c123"]
    assert calls == ["BatchGetItem", "BatchGetItem"]


def test_latest_many_retries_unprocessed_keys(dynamodb: EmbeddedDynamoDB) -> None:
    dal.save_many([write(f"c{i:03d}") for i in range(120)], SCORES, REVIEWS)
    calls = record_operations(dynamodb_client())
    throttled: list[int] = []

    def throttle_first(params: dict[str, Any], **_: Any) -> Any:
        # Runs before the (less specific) recorder; a faked answer skips the recorder, so count here.
        if throttled:
            return None
        throttled.append(1)
        body = AWSResponse("http://dynamodb.invalid", 200, HTTPHeaders(), None)
        # DynamoDB answers a throttled batch with everything unprocessed, in the request's own form.
        unprocessed = json.loads(params["body"])["RequestItems"]
        return body, {"Responses": {SCORES: []}, "UnprocessedKeys": unprocessed}

    dynamodb_client().meta.events.register("before-call.dynamodb.BatchGetItem", throttle_first)

    found = dal.latest_many("acme", [f"c{i:03d}" for i in range(120)], "v2.0", SCORES)

    assert len(found) == 120
    assert throttled == [1]
    assert calls == ["BatchGetItem", "BatchGetItem"]  # the retry of the first 100 keys, then the last 20


def test_latest_many_is_scoped_to_the_tenant(dynamodb: EmbeddedDynamoDB) -> None:
    dal.save_many([write("shared", tenant_id="acme"), write("mine", tenant_id="acme")], SCORES, REVIEWS)

    assert dal.latest_many("globex", ["shared", "mine"], "v2.0", SCORES) == {}
    assert dal.latest_many("acme", ["shared"], "v1.0", SCORES) == {}
