"""Parameter version v1.0: the weighted composite of the seven dimension scores."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext

from orgair.scoring.models import CompanyScoreInput
from orgair.scoring.numbers import SCORING_CONTEXT, ZERO, q4
from orgair.scoring.parameters import ReportedWeights, ScoringParameters
from orgair.scoring.results import CompositeResult


def composite(dimensions: Sequence[Decimal], weights: Sequence[Decimal]) -> Decimal:
    """Σ w_k·q4(D_k), rounded to 4 dp; weights are used as configured (v1.0 does not round them)."""
    total = ZERO
    for weight, value in zip(weights, dimensions, strict=True):
        total += weight * q4(value)
    return q4(total)


def score_v1(company: CompanyScoreInput, params: ScoringParameters) -> CompositeResult:
    """Score a company with the v1.0 composite; optional v2.0 inputs play no part, so nothing is assumed."""
    with localcontext(SCORING_CONTEXT):
        value = composite(company.dimensions.ordered(), params.prepared.raw_weights)
    return CompositeResult(
        company_id=company.company_id,
        sector=company.sector,
        composite=value,
        weights=ReportedWeights.of(params.prepared.raw_weights),
    )
