"""Portfolios through the scores function: per-item results in input order, batched writes, partial
failure without half-written companies, and v1's refusal of v2-only inputs per item."""

from __future__ import annotations

import math
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from orgair.aws import dynamodb_client
from support.dynamodb_faults import inject_fault, record_operations
from support.lambda_events import load_function
from support.scores_api import (
    empty,
    post_portfolio,
    post_score,
    raw_items,
    read_score,
    score_items,
    stored_companies,
)
from support.scoring_requests import (
    WORKED_EXAMPLE,
    Reply,
    company,
    count_items,
    record_transactions,
    transaction_partitions,
)

# ---------------------------------------------------------------- portfolios


def test_a_portfolio_reports_every_item_in_input_order_with_a_problem_for_each_invalid_one(
    scores: ModuleType, db: Any
) -> None:
    companies: list[Any] = [
        company("p-a", level=60),
        company("p-b", dimensions={**WORKED_EXAMPLE["dimensions"], "data_infrastructure": 120}),
        company("p-c"),
        {key: value for key, value in company("p-d").items() if key != "sector"},
        company("p-e", level=80, sector="retail"),
    ]

    reply = post_portfolio(scores, companies)

    assert reply.status == 200, reply
    results = reply.body["results"]
    assert [(r["index"], r["company_id"], r["status"]) for r in results] == [
        (0, "p-a", "stored"),
        (1, "p-b", "invalid"),
        (2, "p-c", "stored"),
        (3, "p-d", "invalid"),
        (4, "p-e", "stored"),
    ]
    assert results[1]["problem"]["status"] == 422
    assert [e["field"] for e in results[1]["problem"]["errors"]] == [
        "companies.1.dimensions.data_infrastructure"
    ]
    assert [e["field"] for e in results[3]["problem"]["errors"]] == ["companies.3.sector"]
    assert all(r["problem"] is None and r["score"]["company_id"] == r["company_id"] for r in results[::2])
    assert stored_companies(db) == {"p-a", "p-c", "p-e"}

    headlines = [r["score"]["result"]["org_air"] for r in results[::2]]
    summary = reply.body["summary"]
    assert (summary["count"], summary["stored"], summary["invalid"], summary["failed"]) == (5, 3, 2, 0)
    assert summary["min"] == min(headlines)
    assert summary["max"] == max(headlines)
    expected_mean = (sum((Decimal(str(h)) for h in headlines), Decimal(0)) / 3).quantize(Decimal("0.0001"))
    assert Decimal(str(summary["mean"])) == expected_mean
    assert summary["requiring_review"] == []
    for r in results[::2]:
        assert read_score(scores, r["score"]["score_id"]).body == r["score"]


def test_a_portfolio_lists_the_companies_whose_scores_need_review(scores: ModuleType, db: Any) -> None:
    post_portfolio(scores, [company("r-a", level=40), company("r-b", level=40), company("r-c", level=40)])

    reply = post_portfolio(
        scores, [company("r-a", level=90), company("r-b", level=45), company("r-c", level=10)]
    )

    assert reply.body["summary"]["requiring_review"] == ["r-a", "r-c"]
    assert [r["score"]["requires_review"] for r in reply.body["results"]] == [True, False, True]
    reviews = raw_items(db, "ReviewsTable")
    assert sorted(str(r["company_id"]) for r in reviews) == ["r-a", "r-c"]
    assert {r["status"] for r in reviews} == {"pending"}


def test_a_company_listed_twice_in_one_portfolio_is_flagged_and_stored_once(
    scores: ModuleType, db: Any
) -> None:
    reply = post_portfolio(scores, [company("dup", level=50), company("solo"), company("dup", level=70)])

    results = reply.body["results"]
    assert [r["status"] for r in results] == ["stored", "stored", "invalid"]
    assert [e["field"] for e in results[2]["problem"]["errors"]] == ["companies.2.company_id"]
    assert results[2]["company_id"] == "dup"
    assert [str(item["company_id"]) for item in score_items(db)].count("dup") == 1
    assert results[0]["score"]["result"]["weighted_mean"] == 50
    assert reply.body["summary"]["invalid"] == 1


def test_a_portfolio_item_that_is_not_an_object_fails_the_request_schema(scores: ModuleType, db: Any) -> None:
    reply = post_portfolio(scores, [company("fine"), 42])

    assert reply.is_problem(422), reply
    assert reply.fields() == ["companies.1"]
    assert count_items(db) == empty(db)


def test_a_portfolio_item_with_a_number_dynamodb_cannot_hold_is_invalid_alone(
    scores: ModuleType, db: Any
) -> None:
    tiny = company("tiny", dimensions={**WORKED_EXAMPLE["dimensions"], "talent": 1e-200})
    reply = post_portfolio(scores, [company("fine"), tiny])

    assert [r["status"] for r in reply.body["results"]] == ["stored", "invalid"]
    assert [e["field"] for e in reply.body["results"][1]["problem"]["errors"]] == [
        "companies.1.dimensions.talent"
    ]
    assert stored_companies(db) == {"fine"}


def test_a_portfolio_of_only_invalid_items_stores_nothing(scores: ModuleType, db: Any) -> None:
    reply = post_portfolio(scores, [company("x", sector="space"), {"company_id": "y"}])

    assert reply.status == 200, reply
    assert [r["status"] for r in reply.body["results"]] == ["invalid", "invalid"]
    summary = reply.body["summary"]
    assert (summary["stored"], summary["mean"], summary["min"], summary["max"]) == (0, None, None, None)
    assert count_items(db) == empty(db)


@pytest.mark.parametrize("size", [0, 501])
def test_a_portfolio_outside_1_to_500_companies_is_422_naming_companies(
    scores: ModuleType, db: Any, size: int
) -> None:
    reply = post_portfolio(scores, [company(f"c{i}") for i in range(size)])

    assert reply.is_problem(422), reply
    assert reply.fields() == ["companies"]
    assert count_items(db) == empty(db)


def test_a_portfolio_needs_scores_write(scores: ModuleType) -> None:
    assert post_portfolio(scores, [company("a")], scopes="scores:read").is_problem(403)


def test_a_500_company_portfolio_is_stored_with_batched_calls_never_one_per_company(
    scores: ModuleType, db: Any
) -> None:
    calls = record_operations(dynamodb_client())
    transactions = record_transactions(dynamodb_client())

    reply = post_portfolio(scores, [company(f"co-{i:03d}", level=i % 101) for i in range(500)])

    assert reply.status == 200, reply
    assert reply.body["summary"]["stored"] == 500
    items = sum(len(t) for t in transactions)
    assert items == 1000  # a score and its latest pointer per company
    assert calls.count("TransactWriteItems") <= math.ceil(items / 100)
    assert calls.count("BatchGetItem") == math.ceil(500 / 100)
    assert set(calls) == {"TransactWriteItems", "BatchGetItem"}
    assert all(len(t) <= 100 for t in transactions)
    assert len(score_items(db)) == 500


def test_a_portfolio_chunk_that_loses_a_race_is_decided_again_and_stored_whole(
    scores: ModuleType, db: Any
) -> None:
    post_score(scores, company("co-000", level=40))
    other_instance = load_function("scores")
    racing: list[Reply] = []
    fired: list[bool] = []

    def single_score_lands_first(**_: Any) -> None:
        # A single score of co-000 commits between the portfolio's read of the pointers and its write.
        if not fired:
            fired.append(True)
            racing.append(post_score(other_instance, company("co-000", level=50)))

    dynamodb_client().meta.events.register_first(
        "before-call.dynamodb.TransactWriteItems", single_score_lands_first
    )
    companies = [company(f"co-{i:03d}", level=60) for i in range(60)]

    reply = post_portfolio(scores, companies)

    assert reply.status == 200, reply
    summary = reply.body["summary"]
    assert (summary["stored"], summary["failed"]) == (60, 0)
    assert [r["index"] for r in reply.body["results"]] == list(range(60))
    first = reply.body["results"][0]["score"]
    # Decided on the pointer that won: 60 is compared with 50 (accepted), not only with 40.
    assert first["requires_review"] is False
    assert len(score_items(db)) == 62
    (pointer,) = [item for item in raw_items(db) if item["sk"] == "LATEST" and item["company_id"] == "co-000"]
    assert pointer["score_id"] == max(racing[0].body["score_id"], first["score_id"])


def test_when_one_transaction_chunk_fails_only_its_companies_fail_and_none_is_half_written(
    scores: ModuleType, db: Any
) -> None:
    transactions = record_transactions(dynamodb_client())
    inject_fault(dynamodb_client(), "TransactWriteItems", "ProvisionedThroughputExceededException", calls={2})
    companies = [company(f"co-{i:03d}", level=i % 101) for i in range(150)]

    reply = post_portfolio(scores, companies)

    assert reply.status == 200, reply
    assert len(transactions) == 3
    failed_partitions = transaction_partitions(transactions[1])
    failed = {r["company_id"] for r in reply.body["results"] if r["status"] == "failed"}
    assert failed == {p.split("#C#")[1].split("#V#")[0] for p in failed_partitions}
    assert len(failed) == 50
    for r in reply.body["results"]:
        if r["status"] == "failed":
            assert (r["problem"]["status"], r["score"]) == (503, None)
            assert r["problem"]["type"].endswith("/dependency-unavailable")
    summary = reply.body["summary"]
    assert (summary["stored"], summary["failed"], summary["invalid"]) == (100, 50, 0)

    items = raw_items(db)
    assert stored_companies(db) == {c["company_id"] for c in companies} - failed
    pointers = {str(item["company_id"]) for item in items if item["sk"] == "LATEST"}
    assert pointers == stored_companies(db)  # every stored company has both its score and its pointer
