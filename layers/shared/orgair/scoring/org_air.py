"""Parameter version v2.0: the Org-AI-R pipeline, one small function per specification step.

Each step rounds exactly where the specification rounds and nowhere else; the unrounded values flow
into the next step and are rounded to 4 dp only when reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import Final, NamedTuple

from orgair.scoring.ebitda import ebitda_impact_pct
from orgair.scoring.models import CompanyScoreInput, Sector
from orgair.scoring.numbers import (
    HUNDRED,
    ONE,
    SCORING_CONTEXT,
    ZERO,
    clamp,
    clamp_signed_unit,
    clamp_unit,
    q4,
)
from orgair.scoring.parameters import ScoringParameters
from orgair.scoring.results import Assumption, OrgAirV2Result

SECTOR_VR_AVERAGE: Final[Mapping[Sector, Decimal]] = {
    Sector.TECHNOLOGY: Decimal(65),
    Sector.FINANCIAL_SERVICES: Decimal(55),
    Sector.HEALTHCARE: Decimal(52),
    Sector.BUSINESS_SERVICES: Decimal(50),
    Sector.RETAIL: Decimal(48),
    Sector.MANUFACTURING: Decimal(45),
    Sector.OTHER: Decimal(50),
}
"""Average idiosyncratic readiness of each sector: the benchmark a company is positioned against."""

Z_BY_CONFIDENCE: Final[Mapping[Decimal, Decimal]] = {
    Decimal("0.90"): Decimal("1.6449"),
    Decimal("0.95"): Decimal("1.9600"),
    Decimal("0.99"): Decimal("2.5758"),
}
"""q4 of the standard normal quantile Φ⁻¹((1 + level)/2) for each allowed confidence level."""

NEUTRAL_TALENT_CONCENTRATION: Final = Decimal("0.25")
TALENT_RISK_SLOPE: Final = Decimal("0.15")
MEDIAN_PERCENTILE: Final = Decimal("0.5")
NEUTRAL_TIMING: Final = ONE
TIMING_LOW: Final = Decimal("0.8")
TIMING_HIGH: Final = Decimal("1.2")
ALIGNMENT_LOW: Final = Decimal("0.5")
ALIGNMENT_HIGH: Final = Decimal("0.95")
LEADERSHIP_SHARE: Final = Decimal("0.6")
GOVERNANCE_SHARE: Final = Decimal("0.4")
READINESS_SHARE: Final = Decimal("0.6")
MARKET_SHARE: Final = Decimal("0.4")
POSITION_SCALE: Final = Decimal(50)
TWO: Final = Decimal(2)
ITEM_RELIABILITY: Final = Decimal("0.30")
MAX_RELIABILITY: Final = Decimal("0.99")
SEM_SCALE: Final = Decimal(14)
DEFAULT_EVIDENCE_COUNT: Final = 1
DEFAULT_CONFIDENCE_LEVEL: Final = Decimal("0.95")


def weighted_mean(values: Sequence[Decimal], weights: Sequence[Decimal]) -> Decimal:
    """Step 1, D̄ = clamp(q4(Σ w_k·D_k)). No division by Σw: the weights sum to 1."""
    total = ZERO
    for weight, value in zip(weights, values, strict=True):
        total += weight * value
    return clamp(q4(total))


def weighted_std_dev(
    values: Sequence[Decimal], weights: Sequence[Decimal], mean: Decimal, weight_total: Decimal
) -> Decimal:
    """Step 2, σ = q4(√(Σ w_k·(D_k − D̄)² / Σ w_k)): how unevenly readiness is spread."""
    total = ZERO
    for weight, value in zip(weights, values, strict=True):
        gap = value - mean
        total += weight * gap * gap
    return q4((total / weight_total).sqrt())


def coefficient_of_variation(std_dev: Decimal, mean: Decimal) -> Decimal:
    """Step 3, cv = q4(σ/D̄), and 0 for an all-zero profile where the ratio is undefined."""
    if mean.is_zero():
        return ZERO
    return q4(std_dev / mean)


def balance_penalty(cv: Decimal, lambda_: Decimal) -> Decimal:
    """Step 4, P = clamp_[0,1](1 − λ·cv), not rounded: an unbalanced profile is worth less."""
    return clamp_unit(ONE - lambda_ * cv)


def talent_risk_adjustment(talent_concentration: Decimal) -> Decimal:
    """Step 5, TRA = clamp_[0,1](1 − 0.15·max(0, q4(TC) − 0.25)), not rounded: key-person risk."""
    excess = q4(talent_concentration) - NEUTRAL_TALENT_CONCENTRATION
    if excess < ZERO:
        excess = ZERO
    return clamp_unit(ONE - TALENT_RISK_SLOPE * excess)


def idiosyncratic_readiness(mean: Decimal, penalty: Decimal, tra: Decimal) -> Decimal:
    """Step 6, V^R = clamp(D̄·P·TRA), not rounded: the company's own readiness."""
    return clamp(mean * penalty * tra)


class PositionTerms(NamedTuple):
    """Step 7 terms: c_V and c_M (rounded) and the position factor PF (not rounded)."""

    c_v: Decimal
    c_m: Decimal
    pf: Decimal


def position_factor(vr: Decimal, sector_average: Decimal, percentile: Decimal) -> PositionTerms:
    """Step 7, where the company stands against its sector in readiness (c_V) and in size (c_M)."""
    c_v = clamp_signed_unit(q4((vr - sector_average) / POSITION_SCALE))
    c_m = q4((percentile - MEDIAN_PERCENTILE) * TWO)
    return PositionTerms(c_v, c_m, clamp_signed_unit(READINESS_SHARE * c_v + MARKET_SHARE * c_m))


def systematic_opportunity(hr_base: Decimal, delta: Decimal, pf: Decimal) -> Decimal:
    """Step 8, H^R = clamp(q4(H_base)·(1 + δ·q4(PF))): the sector's opportunity, shifted by position."""
    return clamp(q4(hr_base) * (ONE + delta * q4(pf)))


def synergy(vr: Decimal, hr: Decimal, alignment: Decimal, timing: Decimal) -> Decimal:
    """Step 9, S = clamp((V^R·H^R/100)·q4(A)·clamp_[0.8,1.2](q4(T))): readiness meeting opportunity."""
    return clamp(vr * hr / HUNDRED * q4(alignment) * clamp(q4(timing), TIMING_LOW, TIMING_HIGH))


def org_air(vr: Decimal, hr: Decimal, synergy_value: Decimal, alpha: Decimal, beta: Decimal) -> Decimal:
    """Step 10, Org-AI-R = clamp((1 − β)·(α·V^R + (1 − α)·H^R) + β·S), not rounded."""
    return clamp((ONE - beta) * (alpha * vr + (ONE - alpha) * hr) + beta * synergy_value)


def derived_alignment(leadership: Decimal, governance: Decimal) -> Decimal:
    """Default A when none is given: clamp_[0.5,0.95]((0.6·leadership + 0.4·ai_governance)/100)."""
    return clamp(
        (LEADERSHIP_SHARE * q4(leadership) + GOVERNANCE_SHARE * q4(governance)) / HUNDRED,
        ALIGNMENT_LOW,
        ALIGNMENT_HIGH,
    )


def reliability(evidence_count: int) -> Decimal:
    """Step 11, ρ by Spearman-Brown from n' = max(1, n) items of reliability 0.30, capped at 0.99."""
    n = Decimal(max(1, evidence_count))
    return clamp(n * ITEM_RELIABILITY / (ONE + (n - ONE) * ITEM_RELIABILITY), ZERO, MAX_RELIABILITY)


def standard_error(rho: Decimal) -> Decimal:
    """Step 11, SEM = 14·q4(√(1 − ρ)) on the 0–100 scale."""
    return SEM_SCALE * q4((ONE - rho).sqrt())


def z_value(confidence_level: Decimal) -> Decimal:
    """Step 11, the tabulated two-sided normal quantile of an allowed confidence level."""
    return Z_BY_CONFIDENCE[confidence_level]


def confidence_interval(score: Decimal, z: Decimal, sem: Decimal) -> tuple[Decimal, Decimal]:
    """Step 11, [clamp(score − z·SEM), clamp(score + z·SEM)]."""
    margin = z * sem
    return clamp(score - margin), clamp(score + margin)


_TALENT_ASSUMPTION: Final = Assumption(
    field="talent_concentration",
    default=NEUTRAL_TALENT_CONCENTRATION,
    basis="neutral: no talent-risk adjustment",
)
_PERCENTILE_ASSUMPTION: Final = Assumption(
    field="market_cap_percentile", default=MEDIAN_PERCENTILE, basis="sector median"
)
_TIMING_ASSUMPTION: Final = Assumption(field="timing_factor", default=NEUTRAL_TIMING, basis="neutral timing")
_EVIDENCE_ASSUMPTION: Final = Assumption(
    field="evidence_count", default=Decimal(DEFAULT_EVIDENCE_COUNT), basis="a single piece of evidence"
)
_CONFIDENCE_ASSUMPTION: Final = Assumption(
    field="confidence_level", default=DEFAULT_CONFIDENCE_LEVEL, basis="default confidence level"
)
_ALIGNMENT_BASIS: Final = "derived: (0.6·leadership + 0.4·ai_governance)/100, bounded to [0.5, 0.95]"


@lru_cache(maxsize=256)
def _baseline_assumption(sector: Sector, value: Decimal) -> Assumption:
    return Assumption(field="hr_baseline", default=value, basis=f"sector baseline for {sector.value}")


@lru_cache(maxsize=4608)
def _alignment_assumption(value: Decimal) -> Assumption:
    """Cached: a derived alignment has at most 4,501 distinct 4-dp values, so results can share them."""
    return Assumption(field="alignment", default=value, basis=_ALIGNMENT_BASIS)


def score_v2(company: CompanyScoreInput, params: ScoringParameters) -> OrgAirV2Result:
    """Score a company with the v2.0 Org-AI-R pipeline (steps 1–11 and the optional EBITDA projection)."""
    p = params.prepared
    assumptions: list[Assumption] = []
    with localcontext(SCORING_CONTEXT):
        dims = company.dimensions
        values = [q4(v) for v in dims.ordered()]
        mean = weighted_mean(values, p.weights)
        sd = weighted_std_dev(values, p.weights, mean, p.weight_total)
        cv = coefficient_of_variation(sd, mean)
        penalty = balance_penalty(cv, p.lambda_)

        tc = company.talent_concentration
        if tc is None:
            tc = NEUTRAL_TALENT_CONCENTRATION
            assumptions.append(_TALENT_ASSUMPTION)
        tra = talent_risk_adjustment(tc)
        vr = idiosyncratic_readiness(mean, penalty, tra)

        percentile = company.market_cap_percentile
        if percentile is None:
            percentile = MEDIAN_PERCENTILE
            assumptions.append(_PERCENTILE_ASSUMPTION)
        sector_average = SECTOR_VR_AVERAGE[company.sector]
        position = position_factor(vr, sector_average, percentile)

        hr_base = company.hr_baseline
        if hr_base is None:
            hr_base = p.hr_baselines[company.sector]
            assumptions.append(_baseline_assumption(company.sector, hr_base))
        hr = systematic_opportunity(hr_base, p.delta, position.pf)

        alignment = company.alignment
        if alignment is None:
            alignment = derived_alignment(dims.leadership, dims.ai_governance)
            assumptions.append(_alignment_assumption(q4(alignment)))
        timing = company.timing_factor
        if timing is None:
            timing = NEUTRAL_TIMING
            assumptions.append(_TIMING_ASSUMPTION)
        synergy_value = synergy(vr, hr, alignment, timing)
        score = org_air(vr, hr, synergy_value, p.alpha, p.beta)

        evidence = company.evidence_count
        if evidence is None:
            evidence = DEFAULT_EVIDENCE_COUNT
            assumptions.append(_EVIDENCE_ASSUMPTION)
        level = company.confidence_level
        if level is None:
            level = DEFAULT_CONFIDENCE_LEVEL
            assumptions.append(_CONFIDENCE_ASSUMPTION)
        rho = reliability(evidence)
        sem = standard_error(rho)
        z = z_value(level)
        lower, upper = confidence_interval(score, z, sem)

        target = company.target_org_air
        ebitda = None if target is None else q4(ebitda_impact_pct(target, score, hr, p.ebitda_gamma))

        return OrgAirV2Result(
            company_id=company.company_id,
            sector=company.sector,
            weighted_mean=q4(mean),
            std_dev=q4(sd),
            cv=q4(cv),
            penalty=q4(penalty),
            tra=q4(tra),
            vr=q4(vr),
            sector_vr_average=q4(sector_average),
            c_v=q4(position.c_v),
            c_m=q4(position.c_m),
            pf=q4(position.pf),
            hr_base=q4(hr_base),
            hr=q4(hr),
            alignment=q4(alignment),
            timing_factor=q4(timing),
            synergy=q4(synergy_value),
            org_air=q4(score),
            evidence_count=evidence,
            confidence_level=level,
            rho=q4(rho),
            sem=q4(sem),
            z=z,
            ci_lower=q4(lower),
            ci_upper=q4(upper),
            target_org_air=None if target is None else q4(target),
            ebitda_impact_pct=ebitda,
            parameters=p.applied,
            assumptions=tuple(assumptions),
        )
