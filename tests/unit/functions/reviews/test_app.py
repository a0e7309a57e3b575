"""The reviews function end to end: reviews opened by real stored scores, listed and decided
through API Gateway events, against the embedded DynamoDB."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer
from orgair.aws import dynamodb_client
from support.dynamodb_faults import inject_fault
from support.lambda_events import ROOT
from support.reviews_api import decide, ids, list_reviews, open_review
from support.scores_api import read_score
from support.scoring_requests import (
    invoke,
    request,
    scan_all,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

_deserializer = TypeDeserializer()


# ---------------------------------------------------------------- listing


def test_reviews_are_listed_by_status_newest_first(scores: ModuleType, reviews: ModuleType) -> None:
    first = open_review(scores, "alpha")["review"]["review_id"]
    second = open_review(scores, "beta")["review"]["review_id"]

    pending = list_reviews(reviews, status="pending")
    everything = list_reviews(reviews)

    assert pending.status == 200, pending
    assert ids(pending) == [second, first]
    assert ids(everything) == [second, first]
    assert ids(list_reviews(reviews, status="approved")) == []
    item = pending.body["items"][1]
    assert (item["company_id"], item["param_version"], item["status"]) == ("alpha", "v2.0", "pending")
    assert item["reasons"][0]["code"] == "score_change"
    assert item["decision"] is None
    assert item["reviewer_key_id"] is None


def test_the_review_listing_pages_with_a_cursor_bound_to_its_status_filter(
    scores: ModuleType, reviews: ModuleType
) -> None:
    opened = [open_review(scores, f"co-{i}")["review"]["review_id"] for i in range(3)]

    first = list_reviews(reviews, status="pending", limit=2)
    second = list_reviews(reviews, status="pending", limit=2, cursor=first.body["next_cursor"])
    crossed = list_reviews(reviews, status="approved", limit=2, cursor=first.body["next_cursor"])

    assert ids(first) + ids(second) == list(reversed(opened))
    assert crossed.is_problem(422), crossed
    assert crossed.fields() == ["cursor"]


def test_an_unknown_status_filter_is_422_naming_status(
    reviews: ModuleType, dynamodb: EmbeddedDynamoDB
) -> None:
    reply = list_reviews(reviews, status="escalated")

    assert reply.is_problem(422), reply
    assert reply.fields() == ["status"]


def test_listing_needs_reviews_read(reviews: ModuleType, dynamodb: EmbeddedDynamoDB) -> None:
    assert list_reviews(reviews, scopes="scores:read reviews:decide").is_problem(403)
    assert request(reviews, "GET", "/reviews", tenant=None).is_problem(401)


# ---------------------------------------------------------------- deciding


def test_approving_records_the_decision_and_a_second_decision_is_409(
    scores: ModuleType, reviews: ModuleType
) -> None:
    stored = open_review(scores, "alpha")
    review_id = stored["review"]["review_id"]

    approved = decide(reviews, review_id, {"decision": "approve", "comment": "New data platform."})
    again = decide(reviews, review_id, {"decision": "reject", "comment": "Changed my mind."})

    assert approved.status == 200, approved
    assert (approved.body["status"], approved.body["decision"]) == ("approved", "approve")
    assert approved.body["comment"] == "New data platform."
    assert approved.body["decided_at"]
    assert again.is_problem(409), again
    assert ids(list_reviews(reviews, status="approved")) == [review_id]
    assert ids(list_reviews(reviews, status="pending")) == []
    listed = list_reviews(reviews).body["items"][0]
    assert (listed["status"], listed["decision"], listed["comment"]) == (
        "approved",
        "approve",
        "New data platform.",
    )


def test_the_scores_review_status_follows_the_decision(scores: ModuleType, reviews: ModuleType) -> None:
    approved_score = open_review(scores, "alpha")
    rejected_score = open_review(scores, "beta")

    decide(reviews, approved_score["review"]["review_id"], {"decision": "approve"})
    decide(
        reviews,
        rejected_score["review"]["review_id"],
        {"decision": "reject", "comment": "Inputs look wrong."},
    )

    approved = read_score(scores, approved_score["score_id"]).body
    rejected = read_score(scores, rejected_score["score_id"]).body
    assert approved["review"]["status"] == "approved"
    assert rejected["review"]["status"] == "rejected"
    assert approved["requires_review"] is True
    assert ids(list_reviews(reviews, status="rejected")) == [rejected_score["review"]["review_id"]]


def test_the_reviewer_is_the_callers_key(scores: ModuleType, reviews: ModuleType, db: Any) -> None:
    review_id = open_review(scores, "alpha")["review"]["review_id"]

    reply = decide(reviews, review_id, {"decision": "reject"}, key_id="key-analyst-7")

    assert reply.body["reviewer_key_id"] == "key-analyst-7"
    stored = [
        {key: _deserializer.deserialize(value) for key, value in item.items()}
        for item in scan_all(db, "ReviewsTable")
    ]
    assert [(item["reviewer_key_id"], item["status"]) for item in stored] == [("key-analyst-7", "rejected")]


def test_another_tenants_review_is_404_to_decide_and_invisible_in_its_listing(
    scores: ModuleType, reviews: ModuleType
) -> None:
    review_id = open_review(scores, "alpha")["review"]["review_id"]

    foreign = decide(reviews, review_id, {"decision": "approve"}, tenant="globex")

    assert foreign.is_problem(404), foreign
    assert ids(list_reviews(reviews, tenant="globex")) == []
    assert ids(list_reviews(reviews, tenant="globex", status="pending")) == []
    assert ids(list_reviews(reviews, status="pending")) == [review_id]


@pytest.mark.parametrize("review_id", ["01M83CZXCVJJGRBNP7YNH2AVXY", "not-a-review-id"])
def test_an_unknown_review_is_404(reviews: ModuleType, dynamodb: EmbeddedDynamoDB, review_id: str) -> None:
    assert decide(reviews, review_id, {"decision": "approve"}).is_problem(404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "approve", "comment": "x" * 2001}, "comment"),
        ({"decision": "approve", "reviewer": "someone-else"}, "reviewer"),
        ({"decision": "approve", "comment": 7}, "comment"),
    ],
)
def test_a_bad_decision_body_is_422_naming_the_field(
    scores: ModuleType, reviews: ModuleType, body: dict[str, Any], field: str
) -> None:
    review_id = open_review(scores, "alpha")["review"]["review_id"]

    reply = decide(reviews, review_id, body)

    assert reply.is_problem(422), reply
    assert reply.fields() == [field]
    assert ids(list_reviews(reviews, status="pending")) == [review_id]


def test_deciding_needs_reviews_decide(scores: ModuleType, reviews: ModuleType) -> None:
    review_id = open_review(scores, "alpha")["review"]["review_id"]

    assert decide(reviews, review_id, {"decision": "approve"}, scopes="reviews:read scores:write").is_problem(
        403
    )
    assert decide(reviews, review_id, {"decision": "approve"}, tenant=None).is_problem(401)
    assert ids(list_reviews(reviews, status="pending")) == [review_id]


def test_a_decision_that_loses_a_race_is_409_and_changes_nothing(
    scores: ModuleType, reviews: ModuleType, db: Any
) -> None:
    stored = open_review(scores, "alpha")
    review_id = stored["review"]["review_id"]

    def competing_decision(**_: Any) -> None:
        # Another reviewer's decision lands between our read of the review and our transaction.
        db.update_item(
            TableName="ReviewsTable",
            Key={"pk": {"S": "T#acme"}, "sk": {"S": f"R#{review_id}"}},
            UpdateExpression="SET #s = :s, decision = :d",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "rejected"}, ":d": {"S": "reject"}},
        )

    dynamodb_client().meta.events.register_first(
        "before-call.dynamodb.TransactWriteItems", competing_decision
    )

    reply = decide(reviews, review_id, {"decision": "approve"})

    assert reply.is_problem(409), reply
    assert read_score(scores, stored["score_id"]).body["review"]["status"] == "pending"


def test_a_throttled_decision_is_503_not_409(scores: ModuleType, reviews: ModuleType) -> None:
    review_id = open_review(scores, "alpha")["review"]["review_id"]
    inject_fault(dynamodb_client(), "TransactWriteItems", "TransactionCanceledThrottled", calls={1})

    throttled = decide(reviews, review_id, {"decision": "approve"})
    retried = decide(reviews, review_id, {"decision": "approve"})

    assert throttled.is_problem(503), throttled
    assert throttled.header("Retry-After")
    assert retried.status == 200, retried


def test_the_committed_sample_events_are_served(reviews: ModuleType, dynamodb: EmbeddedDynamoDB) -> None:
    listing = invoke(reviews, json.loads((ROOT / "events" / "reviews-list.json").read_text()))
    decision = invoke(reviews, json.loads((ROOT / "events" / "reviews-decide.json").read_text()))

    assert (listing.status, listing.body["items"]) == (200, [])
    assert decision.is_problem(404), decision
