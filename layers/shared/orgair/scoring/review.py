"""Human-in-the-loop rule: which stored scores move enough to need an analyst's review.

Pure: the caller looks up the company's reference scores of the same parameter version for the same
tenant and passes them with the new snapshot; storage and the review queue live elsewhere.

Two references, so that review cannot be bypassed:

- the **baseline**, the company's newest *accepted* score (one that needed no review, or whose review
  was approved); a rejected or still pending score never becomes it, so re-submitting a refused jump
  is compared with the same accepted score and opens a review again;
- the **anchor**, the newest score a reviewer *approved*, or the company's first score while none was
  approved; scores that needed no review do not move it, so a staircase of sub-threshold steps opens
  a review as soon as its cumulative drift from the anchor crosses the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict

from orgair import scoring_defaults as spec
from orgair.scoring.numbers import HUNDRED, SCORING_CONTEXT, Reported, number_in, q4
from orgair.scoring.results import CompositeResult, OrgAirV2Result

SCORE_CHANGE, EBITDA_CHANGE = spec.SCORE_CHANGE_THRESHOLD, spec.EBITDA_CHANGE_THRESHOLD
ScoreChangeThreshold = Annotated[Decimal, number_in(SCORE_CHANGE.low, SCORE_CHANGE.high)]
EbitdaChangeThreshold = Annotated[Decimal, number_in(EBITDA_CHANGE.low, EBITDA_CHANGE.high)]

EBITDA_FLOOR: Final = Decimal("0.01")
"""Smallest denominator of the relative EBITDA change, so a previous projection of 0 cannot divide by zero."""


class ReviewThresholds(BaseModel):
    """Deployment thresholds: score change in points, EBITDA projection change in percent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    score_change: ScoreChangeThreshold = Decimal(SCORE_CHANGE.default)
    ebitda_change_pct: EbitdaChangeThreshold = Decimal(EBITDA_CHANGE.default)


DEFAULT_REVIEW_THRESHOLDS: Final = ReviewThresholds()


@dataclass(frozen=True, slots=True)
class ScoreSnapshot:
    """The two stored values the rule compares: the score (Org-AI-R, or the v1.0 composite) and EBITDA."""

    score: Reported
    ebitda_impact_pct: Reported | None = None

    @classmethod
    def of(cls, result: OrgAirV2Result | CompositeResult) -> ScoreSnapshot:
        """Snapshot of a fresh result, in the form it will be stored."""
        if isinstance(result, OrgAirV2Result):
            return cls(result.org_air, result.ebitda_impact_pct)
        return cls(result.composite)


ReasonCode = Literal["score_change", "ebitda_projection_change", "score_drift", "ebitda_projection_drift"]


class ReviewReason(BaseModel):
    """One reason a review was opened, with the numbers an analyst needs to judge it."""

    model_config = ConfigDict(frozen=True)

    code: ReasonCode
    message: str
    previous: Reported
    current: Reported
    change: Reported
    threshold: Reported


class ReviewDecision(BaseModel):
    """Whether the new score must be reviewed, and why."""

    model_config = ConfigDict(frozen=True)

    requires_review: bool
    reasons: tuple[ReviewReason, ...] = ()


NO_REVIEW: Final = ReviewDecision(requires_review=False)


def _since(code: ReasonCode) -> str:
    """A change is measured from the baseline (the last accepted score), a drift from the anchor."""
    return "since the last accepted score" if code.endswith("_change") else "since the last approved score"


def _reason(
    code: ReasonCode, message: str, previous: Decimal, current: Decimal, change: Decimal, threshold: Decimal
) -> ReviewReason:
    return ReviewReason(
        code=code, message=message, previous=previous, current=current, change=q4(change), threshold=threshold
    )


def _score_reason(
    code: Literal["score_change", "score_drift"],
    previous: Decimal,
    current: Decimal,
    threshold: Decimal,
) -> ReviewReason | None:
    change = abs(current - previous)
    if change <= threshold:
        return None
    message = f"score changed by {q4(change)} points {_since(code)}, more than {threshold}"
    return _reason(code, message, previous, current, change, threshold)


def _ebitda_reason(
    code: Literal["ebitda_projection_change", "ebitda_projection_drift"],
    previous: Decimal | None,
    current: Decimal | None,
    threshold: Decimal,
) -> ReviewReason | None:
    if previous is None or current is None:
        return None
    relative = abs(current - previous) / max(abs(previous), EBITDA_FLOOR) * HUNDRED
    if relative <= threshold:
        return None
    message = f"EBITDA projection changed by {q4(relative)} % {_since(code)}, more than {threshold} %"
    return _reason(code, message, previous, current, relative, threshold)


def review_decision(
    previous: ScoreSnapshot | None,
    current: ScoreSnapshot,
    thresholds: ReviewThresholds = DEFAULT_REVIEW_THRESHOLDS,
    *,
    anchor: ScoreSnapshot | None = None,
) -> ReviewDecision:
    """Open a review when the score or the EBITDA projection moves by more than its threshold.

    `previous` is the baseline (the newest accepted score) and `anchor` the newest approved score
    (or the first score); a move beyond a threshold from either opens a review, the drift from the
    anchor being reported only when the move from the baseline did not already trigger for that
    quantity. A change exactly equal to a threshold does not trigger; the first score of a company
    never does, since there is nothing to compare with.
    """
    if previous is None and anchor is None:
        return NO_REVIEW
    with localcontext(SCORING_CONTEXT):
        score_reason = (
            _score_reason("score_change", previous.score, current.score, thresholds.score_change)
            if previous is not None
            else None
        )
        if score_reason is None and anchor is not None:
            score_reason = _score_reason("score_drift", anchor.score, current.score, thresholds.score_change)
        ebitda_reason = (
            _ebitda_reason(
                "ebitda_projection_change",
                previous.ebitda_impact_pct,
                current.ebitda_impact_pct,
                thresholds.ebitda_change_pct,
            )
            if previous is not None
            else None
        )
        if ebitda_reason is None and anchor is not None:
            ebitda_reason = _ebitda_reason(
                "ebitda_projection_drift",
                anchor.ebitda_impact_pct,
                current.ebitda_impact_pct,
                thresholds.ebitda_change_pct,
            )
    reasons = [reason for reason in (score_reason, ebitda_reason) if reason is not None]
    return ReviewDecision(requires_review=bool(reasons), reasons=tuple(reasons))
