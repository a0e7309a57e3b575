"""The scores function's human-review triggers: a jump of more than 15 points, or a staircase whose
cumulative drift crosses it, opens one pending review, compared within one version and one tenant."""

from __future__ import annotations

from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from support.scores_api import (
    post_score,
    raw_items,
    read_score,
)
from support.scoring_requests import (
    company,
)

# ---------------------------------------------------------------- human review


def test_a_jump_of_more_than_15_points_opens_exactly_one_pending_review(scores: ModuleType, db: Any) -> None:
    first = post_score(scores, company("jumpy", level=40))
    second = post_score(scores, company("jumpy", level=90))

    assert (first.body["requires_review"], first.body["review"]) == (False, None)
    assert second.body["requires_review"] is True
    review = second.body["review"]
    assert review["status"] == "pending"
    assert review["reasons"][0]["previous"] == first.body["result"]["org_air"]
    assert review["reasons"][0]["current"] == second.body["result"]["org_air"]

    reviews = raw_items(db, "ReviewsTable")
    assert len(reviews) == 1
    assert (reviews[0]["review_id"], reviews[0]["status"]) == (review["review_id"], "pending")
    assert (reviews[0]["score_id"], reviews[0]["tenant_id"]) == (second.body["score_id"], "acme")
    assert read_score(scores, second.body["score_id"]).body["review"] == review


@pytest.mark.parametrize(
    ("previous", "current", "opens"),
    [
        (50, 65, False),  # exactly the threshold: no review
        (65, 50, False),
        (50, 65.0001, True),  # just over it, in either direction
        (65.0001, 50, True),
        (50, 64.9999, False),
    ],
)
def test_the_review_threshold_is_strictly_more_than_15_points(
    scores: ModuleType, db: Any, previous: float, current: float, opens: bool
) -> None:
    # On stage v1 the compared score is the composite, which for a flat profile is the level itself.
    post_score(scores, company("edge", level=previous), stage="v1")
    second = post_score(scores, company("edge", level=current), stage="v1")

    assert second.body["requires_review"] is opens
    assert len(raw_items(db, "ReviewsTable")) == (1 if opens else 0)


def test_the_review_rule_compares_only_within_one_version_and_one_tenant(scores: ModuleType, db: Any) -> None:
    post_score(scores, company("split", level=10), stage="v1")
    first_v2 = post_score(scores, company("split", level=90), stage="v2")
    first_globex = post_score(scores, company("split", level=90), stage="v1", tenant="globex")

    assert first_v2.body["requires_review"] is False
    assert first_globex.body["requires_review"] is False
    assert raw_items(db, "ReviewsTable") == []


def test_a_sub_threshold_staircase_opens_a_review_once_its_cumulative_drift_crosses_the_threshold(
    scores: ModuleType, db: Any
) -> None:
    # Steps of 10 points never cross 15 on their own; the drift from the first score does at 40.
    steps = [post_score(scores, company("drift", level=level), stage="v1").body for level in (20, 30, 40)]

    assert [step["requires_review"] for step in steps] == [False, False, True]
    (reason,) = steps[2]["review"]["reasons"]
    assert (reason["code"], reason["previous"], reason["current"], reason["change"]) == (
        "score_drift",
        20,
        40,
        20,
    )
    assert "since the last approved score" in reason["message"]
    assert len(raw_items(db, "ReviewsTable")) == 1


def test_a_staircase_in_either_direction_opens_a_review(scores: ModuleType) -> None:
    levels = (80, 72, 64)
    replies = [post_score(scores, company("down", level=level), stage="v1").body for level in levels]

    assert [reply["requires_review"] for reply in replies] == [False, False, True]


def test_each_score_is_also_compared_with_the_last_accepted_score(scores: ModuleType) -> None:
    # 60 was accepted (10 from 50), so 44 is a jump of 16 from it although only 6 from the first score.
    for level in (50, 60):
        assert post_score(scores, company("step", level=level), stage="v1").body["requires_review"] is False

    jump = post_score(scores, company("step", level=44), stage="v1").body

    assert jump["requires_review"] is True
    (reason,) = jump["review"]["reasons"]
    assert (reason["code"], reason["previous"], reason["current"]) == ("score_change", 60, 44)


def test_a_pending_jump_is_no_baseline_so_repeating_it_opens_another_review(
    scores: ModuleType, db: Any
) -> None:
    post_score(scores, company("again", level=40), stage="v1")
    first = post_score(scores, company("again", level=90), stage="v1").body
    repeated = post_score(scores, company("again", level=90), stage="v1").body

    assert first["requires_review"] is True
    assert repeated["requires_review"] is True
    assert repeated["review"]["reasons"][0]["previous"] == 40
    assert len(raw_items(db, "ReviewsTable")) == 2


def test_a_staircase_behind_a_pending_jump_is_still_compared_with_the_accepted_scores(
    scores: ModuleType,
) -> None:
    post_score(scores, company("behind", level=40), stage="v1")
    assert post_score(scores, company("behind", level=60), stage="v1").body["requires_review"] is True
    # Pending 60 is not a baseline: 54 is compared with 40 (drift 14, accepted), 68 with 54 and 40.
    assert post_score(scores, company("behind", level=54), stage="v1").body["requires_review"] is False
    assert post_score(scores, company("behind", level=68), stage="v1").body["requires_review"] is True


def test_the_pointer_keeps_the_newest_score_apart_from_the_accepted_one(scores: ModuleType, db: Any) -> None:
    accepted = post_score(scores, company("marks", level=40), stage="v1").body
    pending = post_score(scores, company("marks", level=90), stage="v1").body

    (pointer,) = [item for item in raw_items(db) if item["sk"] == "LATEST"]
    assert (pointer["score_id"], pointer["score"]) == (pending["score_id"], Decimal(90))
    assert (pointer["baseline_score_id"], pointer["baseline_score"]) == (accepted["score_id"], Decimal(40))
    assert "anchor_score_id" not in pointer  # the anchor is the baseline: stored once
    assert pointer["revision"] == 2
