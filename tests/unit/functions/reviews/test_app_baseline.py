"""A decision moves the review baseline: a rejected jump stays no baseline (resubmitted, or walked up
in small steps, it opens a review again), an approved one becomes the baseline and anchors the drift,
an older approval never moves it back, and an approval racing a new score is decided on the new
pointer."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from orgair.aws import dynamodb_client
from orgair.dal import scores as scores_dal
from support.reviews_api import decide, ids, list_reviews
from support.scoring_requests import (
    company,
    for_v1,
    request,
)


def post_score(scores: ModuleType, company_id: str, level: int) -> dict[str, Any]:
    reply = request(scores, "POST", "/scores", stage="v1", body=for_v1(company(company_id, level=level)))
    assert reply.status == 201, reply
    return dict(reply.body)


def company_pointer(company_id: str) -> scores_dal.Pointer:
    return scores_dal.pointer("acme", company_id, "v1.0", "ScoresTable")


def review_of(stored: dict[str, Any]) -> str:
    assert stored["requires_review"] is True, stored
    return str(stored["review"]["review_id"])


def test_a_rejected_jump_resubmitted_opens_a_review_again(scores: ModuleType, reviews: ModuleType) -> None:
    post_score(scores, "alpha", 40)
    rejected = post_score(scores, "alpha", 90)
    assert decide(reviews, review_of(rejected), {"decision": "reject"}, stage="v1").status == 200

    resubmitted = post_score(scores, "alpha", 90)

    assert resubmitted["requires_review"] is True
    (reason,) = resubmitted["review"]["reasons"]
    assert (reason["code"], reason["previous"], reason["current"]) == ("score_change", 40, 90)
    assert len(ids(list_reviews(reviews, status="pending", stage="v1"))) == 1


def test_a_rejected_jump_walked_up_in_small_steps_still_opens_a_review(
    scores: ModuleType, reviews: ModuleType
) -> None:
    post_score(scores, "alpha", 40)
    assert (
        decide(reviews, review_of(post_score(scores, "alpha", 90)), {"decision": "reject"}, stage="v1").status
        == 200
    )

    steps = [post_score(scores, "alpha", level)["requires_review"] for level in (50, 56)]

    assert steps == [False, True]  # 56 drifted 16 from 40, the last approved (here: first) score


def test_an_approved_jump_becomes_the_new_baseline(scores: ModuleType, reviews: ModuleType) -> None:
    post_score(scores, "alpha", 40)
    approved = post_score(scores, "alpha", 90)
    assert decide(reviews, review_of(approved), {"decision": "approve"}, stage="v1").status == 200

    near = post_score(scores, "alpha", 80)  # 10 from the approved 90, 40 from the first score
    far = post_score(scores, "alpha", 60)  # 20 from 80 and 30 from 90

    assert near["requires_review"] is False
    assert far["requires_review"] is True
    assert [reason["previous"] for reason in far["review"]["reasons"]] == [80]


def test_an_approved_jump_anchors_the_drift(scores: ModuleType, reviews: ModuleType) -> None:
    post_score(scores, "alpha", 40)
    assert (
        decide(
            reviews, review_of(post_score(scores, "alpha", 90)), {"decision": "approve"}, stage="v1"
        ).status
        == 200
    )

    steps = [post_score(scores, "alpha", level) for level in (80, 70)]

    assert [step["requires_review"] for step in steps] == [False, True]
    assert steps[1]["review"]["reasons"][0]["code"] == "score_drift"
    assert steps[1]["review"]["reasons"][0]["previous"] == 90


def test_approving_an_older_jump_never_moves_the_baseline_back(
    scores: ModuleType, reviews: ModuleType, db: Any
) -> None:
    post_score(scores, "alpha", 40)
    older = post_score(scores, "alpha", 90)  # pending
    accepted = post_score(scores, "alpha", 50)  # 10 from 40: accepted, the newer baseline

    assert decide(reviews, review_of(older), {"decision": "approve"}, stage="v1").status == 200

    pointer = company_pointer("alpha")
    assert pointer.latest == pointer.baseline
    assert pointer.baseline is not None
    assert pointer.baseline.score_id == accepted["score_id"]
    assert pointer.anchor is not None
    assert pointer.anchor.score_id == older["score_id"]


def test_an_approval_that_races_a_new_score_is_decided_on_the_new_pointer(
    scores: ModuleType, reviews: ModuleType, db: Any
) -> None:
    post_score(scores, "alpha", 40)
    jump = post_score(scores, "alpha", 90)
    racing: list[dict[str, Any]] = []

    def score_lands_first(**_: Any) -> None:
        # A new score of the company is stored between our read of its pointer and our transaction.
        if not racing:
            racing.append({})
            racing[0] = post_score(scores, "alpha", 95)

    dynamodb_client().meta.events.register_first("before-call.dynamodb.TransactWriteItems", score_lands_first)

    approved = decide(reviews, review_of(jump), {"decision": "approve"}, stage="v1")

    assert approved.status == 200, approved
    pointer = company_pointer("alpha")
    assert pointer.latest is not None
    assert pointer.anchor is not None
    assert pointer.latest.score_id == racing[0]["score_id"]  # the newest score stays the latest
    assert pointer.anchor.score_id == jump["score_id"]  # and the approval still took effect
