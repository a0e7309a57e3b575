"""Human-in-the-loop rule: which stored scores move enough to need an analyst's review.

Pure: the caller looks up the company's previous stored score of the same parameter version for the
same tenant and passes both snapshots; storage and the review queue live elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict

from orgair.scoring.numbers import HUNDRED, SCORING_CONTEXT, Reported, number_in, q4
from orgair.scoring.results import CompositeResult, OrgAirV2Result

ScoreChangeThreshold = Annotated[Decimal, number_in("5", "30")]
EbitdaChangeThreshold = Annotated[Decimal, number_in("5", "25")]

EBITDA_FLOOR: Final = Decimal("0.01")
"""Smallest denominator of the relative EBITDA change, so a previous projection of 0 cannot divide by zero."""


class ReviewThresholds(BaseModel):
    """Deployment thresholds: score change in points, EBITDA projection change in percent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    score_change: ScoreChangeThreshold = Decimal(15)
    ebitda_change_pct: EbitdaChangeThreshold = Decimal(10)


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


class ReviewReason(BaseModel):
    """One reason a review was opened, with the numbers an analyst needs to judge it."""

    model_config = ConfigDict(frozen=True)

    code: Literal["score_change", "ebitda_projection_change"]
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


def review_decision(
    previous: ScoreSnapshot | None,
    current: ScoreSnapshot,
    thresholds: ReviewThresholds = DEFAULT_REVIEW_THRESHOLDS,
) -> ReviewDecision:
    """Open a review when the score moves by more than the threshold or the EBITDA projection does.

    A change exactly equal to a threshold does not trigger; the first score of a company never does,
    since there is nothing to compare with.
    """
    if previous is None:
        return NO_REVIEW
    reasons: list[ReviewReason] = []
    with localcontext(SCORING_CONTEXT):
        score_change = abs(current.score - previous.score)
        if score_change > thresholds.score_change:
            reasons.append(
                ReviewReason(
                    code="score_change",
                    message=(
                        f"score changed by {q4(score_change)} points, more than {thresholds.score_change}"
                    ),
                    previous=previous.score,
                    current=current.score,
                    change=q4(score_change),
                    threshold=thresholds.score_change,
                )
            )
        old, new = previous.ebitda_impact_pct, current.ebitda_impact_pct
        if old is not None and new is not None:
            relative = abs(new - old) / max(abs(old), EBITDA_FLOOR) * HUNDRED
            if relative > thresholds.ebitda_change_pct:
                reasons.append(
                    ReviewReason(
                        code="ebitda_projection_change",
                        message=(
                            f"EBITDA projection changed by {q4(relative)} %, "
                            f"more than {thresholds.ebitda_change_pct} %"
                        ),
                        previous=old,
                        current=new,
                        change=q4(relative),
                        threshold=thresholds.ebitda_change_pct,
                    )
                )
    return ReviewDecision(requires_review=bool(reasons), reasons=tuple(reasons))
