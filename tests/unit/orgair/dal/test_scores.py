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
from support.score_records import score_record, score_write
from support.scoring_requests import (
    local_client,
    record_transactions,
    scan_all,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

SCORES = "ScoresTable"
REVIEWS = "ReviewsTable"


def write(
    company_id: str,
    *,
    tenant_id: str = "acme",
    review: bool = False,
    score: str = "50",
    read: dal.Pointer | None = None,
) -> dal.ScoreWrite:
    # Accepted even with a review: these writes exercise storage, and a first score is always accepted.
    record = score_record(
        company_id, tenant_id=tenant_id, score=score, review_id=new_id() if review else None
    )
    return score_write(record, read or dal.Pointer(), accepted=True)


def table() -> dal.ScoreTable:
    return dal.ScoreTable.default(SCORES, REVIEWS)


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

    outcome = table().save_many(writes)

    assert outcome == ["stored"] * 120
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

    outcome = table().save_many(writes)

    assert [outcome_ != "stored" for outcome_ in outcome] == [False] * 50 + [True] * 50 + [False] * 20
    assert {type(error).__name__ for error in outcome if error != "stored"} == {"DependencyUnavailable"}
    stored = {item["company_id"]["S"] for item in scan_all(local_client(dynamodb.endpoint_url), SCORES)}
    assert stored == {f"c{i:03d}" for i in range(120)} - {f"c{i:03d}" for i in range(50, 100)}


def test_save_many_of_nothing_makes_no_call(dynamodb: EmbeddedDynamoDB) -> None:
    calls = record_operations(dynamodb_client())

    assert table().save_many([]) == []
    assert calls == []


def test_pointers_reads_more_than_100_companies_in_batches(dynamodb: EmbeddedDynamoDB) -> None:
    writes = [write(f"c{i:03d}", score=str(i)) for i in range(150)]
    table().save_many(writes)
    calls = record_operations(dynamodb_client())
    wanted = [f"c{i:03d}" for i in range(150)] + ["c000", "c149", "never-scored"]

    found = dal.pointers("acme", wanted, "v2.0", SCORES)

    assert set(found) == {f"c{i:03d}" for i in range(150)}
    latest = found["c123"].latest
    assert latest is not None
    assert (latest.score, latest.score_id) == (Decimal(123), writes[123].score.score_id)
    assert found["c123"].baseline == found["c123"].anchor == latest
    assert calls == ["BatchGetItem", "BatchGetItem"]


def test_pointers_retries_unprocessed_keys(dynamodb: EmbeddedDynamoDB) -> None:
    table().save_many([write(f"c{i:03d}") for i in range(120)])
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

    found = dal.pointers("acme", [f"c{i:03d}" for i in range(120)], "v2.0", SCORES)

    assert len(found) == 120
    assert throttled == [1]
    assert calls == ["BatchGetItem", "BatchGetItem"]  # the retry of the first 100 keys, then the last 20


def test_pointers_is_scoped_to_the_tenant(dynamodb: EmbeddedDynamoDB) -> None:
    table().save_many([write("shared", tenant_id="acme"), write("mine", tenant_id="acme")])

    assert dal.pointers("globex", ["shared", "mine"], "v2.0", SCORES) == {}
    assert dal.pointers("acme", ["shared"], "v1.0", SCORES) == {}


# ---------------------------------------------------------------- the pointer only moves forward


def mark(score: str, score_id: str | None = None) -> dal.Mark:
    return dal.Mark(score_id or new_id(), Decimal(score))


def test_a_pending_score_moves_only_the_latest_mark_and_an_approval_moves_baseline_and_anchor() -> None:
    first, jump = mark("40"), mark("90")
    stored = dal.Pointer().with_score(first, accepted=True)
    pending = stored.with_score(jump, accepted=False)

    assert (stored.latest, stored.baseline, stored.anchor) == (first, first, first)
    assert (pending.latest, pending.baseline, pending.anchor) == (jump, first, first)
    approved = pending.with_approval(jump)
    assert (approved.latest, approved.baseline, approved.anchor) == (jump, jump, jump)


def test_an_accepted_score_moves_the_baseline_but_not_the_anchor() -> None:
    first, step = mark("40"), mark("50")
    pointer = dal.Pointer().with_score(first, accepted=True).with_score(step, accepted=True)

    assert (pointer.latest, pointer.baseline, pointer.anchor) == (step, step, first)


def test_no_mark_moves_back_to_an_older_score() -> None:
    older, newer = mark("40"), mark("90")
    pointer = dal.Pointer().with_score(newer, accepted=True)

    assert pointer.with_score(older, accepted=True) == pointer
    assert pointer.with_approval(older) == pointer


def stored_pointer(company_id: str) -> dal.Pointer:
    return dal.pointer("acme", company_id, "v2.0", SCORES)


def test_a_write_made_from_a_stale_pointer_is_refused_and_writes_nothing(dynamodb: EmbeddedDynamoDB) -> None:
    table().save(write("c1", score="40"))
    read = stored_pointer("c1")
    newer = write("c1", score="50", read=read)
    stale = write("c1", score="60", read=read)  # read the same pointer, lost the race
    table().save(newer)

    assert table().save(stale) == "pointer_moved"

    assert stored_pointer("c1").revision == 2
    assert stored_pointer("c1").baseline == newer.pointer.baseline
    assert len(scan_all(local_client(dynamodb.endpoint_url), SCORES)) == 3  # 2 scores and the pointer


def test_the_store_refuses_to_move_the_latest_score_back_in_time(dynamodb: EmbeddedDynamoDB) -> None:
    table().save(write("c1", score="40"))
    older_id, newer_id = new_id(), new_id()
    read = stored_pointer("c1")
    newer = read.with_score(mark("50", newer_id), accepted=True)
    table().save(dal.ScoreWrite(score_record("c1", score_id=newer_id), read=read, pointer=newer))
    # A pointer built without the newer score (as a buggy caller would) cannot take it back.
    moved = stored_pointer("c1")
    older = mark("45", older_id)
    backwards = dal.Pointer(revision=moved.revision, latest=older, baseline=older, anchor=older)
    rollback = dal.ScoreWrite(score_record("c1", score_id=older_id), read=moved, pointer=backwards)

    assert table().save(rollback) == "pointer_moved"

    assert stored_pointer("c1").latest == newer.latest


def test_a_portfolio_chunk_with_a_stale_pointer_reports_every_company_of_the_chunk_as_moved(
    dynamodb: EmbeddedDynamoDB,
) -> None:
    table().save(write("c000", score="40"))
    read = stored_pointer("c000")
    table().save(write("c000", score="45", read=read))
    writes = [write("c000", score="50", read=read)] + [write(f"c{i:03d}") for i in range(1, 60)]

    outcome = table().save_many(writes)

    assert outcome[:50] == ["pointer_moved"] * 50  # the first chunk
    assert outcome[50:] == ["stored"] * 10
    stored = {item["company_id"]["S"] for item in scan_all(local_client(dynamodb.endpoint_url), SCORES)}
    assert stored == {"c000"} | {f"c{i:03d}" for i in range(50, 60)}


def test_a_pointer_written_before_revisions_is_read_as_baseline_and_anchor(
    dynamodb: EmbeddedDynamoDB,
) -> None:
    score_id = new_id()
    local_client(dynamodb.endpoint_url).put_item(
        TableName=SCORES,
        Item={
            "pk": {"S": dal.company_pk("acme", "old", "v2.0")},
            "sk": {"S": "LATEST"},
            "company_id": {"S": "old"},
            "score_id": {"S": score_id},
            "score": {"N": "61.5"},
            "created_at": {"S": "2029-01-01T00:00:00.000+00:00"},
        },
    )

    pointer = stored_pointer("old")

    assert pointer.revision is None
    assert pointer.latest == pointer.baseline == pointer.anchor
    assert pointer.latest is not None
    assert (pointer.latest.score_id, pointer.latest.score) == (score_id, Decimal("61.5"))
    table().save(write("old", score="62", read=pointer))  # the first revision replaces it
    assert stored_pointer("old").revision == 1
