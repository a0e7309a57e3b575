"""Immutable score results: every reported quantity rounded to 4 dp, with the parameters that made it.

Results are reports, not inputs: the engine builds them from values it already computed, and the
unrounded intermediates never leave the computation.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orgair.response_examples import COMPOSITE_RESULT, INDIVIDUAL_RESULT, ORG_AIR_RESULT
from orgair.scoring.models import Sector
from orgair.scoring.numbers import Reported
from orgair.scoring.parameters import AppliedParameters, ReportedWeights

_RESULT = ConfigDict(frozen=True, serialize_by_alias=True, validate_by_name=True)


class Assumption(BaseModel):
    """A default the engine applied because the caller left the field out, so an analyst can see it."""

    model_config = _RESULT

    field: str
    default: Reported
    basis: str = Field(description="Where the default comes from.")


class CompositeResult(BaseModel):
    """Score of parameter version v1.0: the weighted composite of the seven dimensions."""

    model_config = _RESULT | ConfigDict(json_schema_extra={"examples": [COMPOSITE_RESULT]})

    param_version: Literal["v1.0"] = "v1.0"
    company_id: str
    sector: Sector
    composite: Reported
    weights: ReportedWeights
    assumptions: tuple[Assumption, ...] = ()


class OrgAirV2Result(BaseModel):
    """Score of parameter version v2.0: Org-AI-R with every intermediate of the pipeline."""

    model_config = _RESULT | ConfigDict(json_schema_extra={"examples": [ORG_AIR_RESULT]})

    param_version: Literal["v2.0"] = "v2.0"
    company_id: str
    sector: Sector
    weighted_mean: Reported = Field(description="D̄, weighted mean of the dimensions (step 1).")
    std_dev: Reported = Field(description="σ, weighted population standard deviation (step 2).")
    cv: Reported = Field(description="Coefficient of variation σ/D̄ (step 3).")
    penalty: Reported = Field(description="P, balance penalty multiplier (step 4).")
    tra: Reported = Field(description="TRA, talent-risk adjustment multiplier (step 5).")
    vr: Reported = Field(description="V^R, idiosyncratic readiness (step 6).")
    sector_vr_average: Reported = Field(description="a, the sector's average V^R (step 7).")
    c_v: Reported = Field(description="c_V, readiness relative to the sector (step 7).")
    c_m: Reported = Field(description="c_M, market-cap position (step 7).")
    pf: Reported = Field(description="PF, position factor (step 7).")
    hr_base: Reported = Field(description="H_base, the systematic-opportunity baseline used (step 8).")
    hr: Reported = Field(description="H^R, systematic opportunity (step 8).")
    alignment: Reported = Field(description="A, alignment used in the synergy (step 9).")
    timing_factor: Reported = Field(description="T, timing factor used in the synergy (step 9).")
    synergy: Reported = Field(description="S, synergy (step 9).")
    org_air: Reported = Field(description="Org-AI-R (step 10).")
    evidence_count: int
    confidence_level: Reported
    rho: Reported = Field(description="ρ, Spearman-Brown reliability (step 11).")
    sem: Reported = Field(description="SEM, standard error of measurement (step 11).")
    z: Reported = Field(description="Two-sided normal quantile of the confidence level (step 11).")
    ci_lower: Reported
    ci_upper: Reported
    target_org_air: Reported | None = None
    ebitda_impact_pct: Reported | None = Field(
        default=None, description="Projected EBITDA impact in percent, when target_org_air was given."
    )
    parameters: AppliedParameters
    assumptions: tuple[Assumption, ...] = ()


class IndividualParameters(BaseModel):
    """The individual-model parameters exactly as they entered the formulas (quantised to 4 dp)."""

    model_config = _RESULT

    alpha: Reported
    beta_synergy_coef: Reported
    w_fluency: Reported
    w_domain: Reported
    w_adaptive: Reported
    gamma_experience: Reported


class IndividualScoreResult(BaseModel):
    """An individual's AI-R with its components."""

    model_config = _RESULT | ConfigDict(json_schema_extra={"examples": [INDIVIDUAL_RESULT]})

    ai_fluency: Reported
    domain_expertise: Reported = Field(description="E, given directly or derived from experience.")
    domain_expertise_source: Literal["given", "experience"]
    adaptive_capacity: Reported
    vr: Reported
    hr: Reported
    alignment: Reported
    synergy: Reported
    ai_r: Reported
    parameters: IndividualParameters
    assumptions: tuple[Assumption, ...] = ()
