"""The human-review rule: big score moves and big EBITDA-projection moves open a review."""

from __future__ import annotations

from decimal import Decimal

import pytest
from orgair.scoring.models import Sector
from orgair.scoring.parameters import DEFAULT_PARAMETERS, ReportedWeights
from orgair.scoring.results import CompositeResult
from orgair.scoring.review import ReviewThresholds, ScoreSnapshot, review_decision
from pydantic import ValidationError

D = Decimal


def snap(score: str, ebitda: str | None = None) -> ScoreSnapshot:
    return ScoreSnapshot(D(score), None if ebitda is None else D(ebitda))


def test_first_score_never_needs_review() -> None:
    decision = review_decision(None, snap("99", "4"))
    assert not decision.requires_review
    assert decision.reasons == ()


@pytest.mark.parametrize(("previous", "current"), [("50", "65.0001"), ("80", "64.9999"), ("0", "100")])
def test_score_move_above_fifteen_points_opens_a_review(previous: str, current: str) -> None:
    decision = review_decision(snap(previous), snap(current))
    assert decision.requires_review
    (reason,) = decision.reasons
    assert reason.code == "score_change"
    assert reason.change == abs(D(current) - D(previous))
    assert (reason.previous, reason.current, reason.threshold) == (D(previous), D(current), D(15))
    assert "more than 15" in reason.message


@pytest.mark.parametrize(("previous", "current"), [("50", "65"), ("65", "50"), ("50", "50"), ("70", "60")])
def test_score_move_up_to_and_including_fifteen_points_does_not(previous: str, current: str) -> None:
    assert not review_decision(snap(previous), snap(current)).requires_review


def test_ebitda_projection_move_above_ten_percent_opens_a_review() -> None:
    decision = review_decision(snap("60", "2.0"), snap("61", "2.2001"))
    assert decision.requires_review
    (reason,) = decision.reasons
    assert reason.code == "ebitda_projection_change"
    assert reason.change == D("10.0050")


def test_ebitda_projection_move_of_exactly_ten_percent_does_not() -> None:
    assert not review_decision(snap("60", "2.0"), snap("61", "2.2")).requires_review
    assert not review_decision(snap("60", "-2.0"), snap("61", "-1.8")).requires_review


def test_ebitda_rule_needs_a_projection_on_both_sides() -> None:
    assert not review_decision(snap("60"), snap("61", "3")).requires_review
    assert not review_decision(snap("60", "3"), snap("61")).requires_review


def test_zero_previous_projection_is_compared_against_a_floor() -> None:
    assert not review_decision(snap("60", "0"), snap("60", "0.001")).requires_review
    decision = review_decision(snap("60", "0"), snap("60", "0.0011"))
    assert decision.requires_review
    assert decision.reasons[0].change == D("11")


def test_both_reasons_are_reported_together() -> None:
    decision = review_decision(snap("40", "1"), snap("70", "2"))
    assert [r.code for r in decision.reasons] == ["score_change", "ebitda_projection_change"]


def test_thresholds_are_configurable_within_their_ranges() -> None:
    strict = ReviewThresholds(score_change=D(5), ebitda_change_pct=D(5))
    assert review_decision(snap("50", "1"), snap("55.5", "1.06"), strict).requires_review
    assert len(review_decision(snap("50", "1"), snap("55.5", "1.06"), strict).reasons) == 2
    assert not review_decision(snap("50", "1"), snap("55.5", "1.06")).requires_review


@pytest.mark.parametrize(
    ("field", "value"), [("score_change", 4), ("score_change", 31), ("ebitda_change_pct", 26)]
)
def test_thresholds_outside_their_ranges_are_refused(field: str, value: int) -> None:
    with pytest.raises(ValidationError):
        ReviewThresholds.model_validate({field: value})


def test_snapshot_of_results() -> None:
    v1 = CompositeResult(
        company_id="c",
        sector=Sector.OTHER,
        composite=D("70.1"),
        weights=ReportedWeights.of(DEFAULT_PARAMETERS.dimension_weights.ordered()),
    )
    assert ScoreSnapshot.of(v1) == ScoreSnapshot(D("70.1"), None)


# ---------------------------------------------------------------- baseline and anchor


def test_drift_from_the_anchor_opens_a_review_when_each_step_is_small() -> None:
    decision = review_decision(snap("60"), snap("71"), anchor=snap("55"))

    (reason,) = decision.reasons
    assert (reason.code, reason.previous, reason.current, reason.change) == (
        "score_drift",
        D(55),
        D(71),
        D(16),
    )
    assert "since the last approved score" in reason.message


def test_drift_of_exactly_the_threshold_does_not() -> None:
    assert not review_decision(snap("60"), snap("70"), anchor=snap("55")).requires_review


def test_a_jump_from_the_baseline_is_reported_once_not_again_as_drift() -> None:
    decision = review_decision(snap("40"), snap("90"), anchor=snap("40"))

    assert [reason.code for reason in decision.reasons] == ["score_change"]


def test_ebitda_drift_from_the_anchor_opens_a_review() -> None:
    decision = review_decision(snap("60", "2.15"), snap("60", "2.3"), anchor=snap("60", "2.0"))

    (reason,) = decision.reasons
    assert (reason.code, reason.previous, reason.current) == ("ebitda_projection_drift", D("2.0"), D("2.3"))


def test_an_anchor_alone_is_compared_with() -> None:
    assert review_decision(None, snap("80"), anchor=snap("60")).reasons[0].code == "score_drift"
