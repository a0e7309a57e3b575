"""Scoring parameters: deployment defaults, their allowed ranges, and per-request what-if overrides.

Parameters enter every formula quantised to 4 dp, and the quantised values are the ones reported, so
a response always carries the exact numbers that produced it. The quantised constants are derived
once per parameter set, not once per company.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Final, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from orgair import scoring_defaults as spec
from orgair.scoring.models import DIMENSION_NAMES, Sector, SectorName, mark_only_in
from orgair.scoring.numbers import ONE, Reported, Score, UnitFraction, decimal_sum, number_in, q4

Alpha = Annotated[Decimal, number_in(spec.ALPHA.low, spec.ALPHA.high)]
Beta = Annotated[Decimal, number_in(spec.BETA.low, spec.BETA.high)]
Lambda = Annotated[Decimal, number_in(spec.LAMBDA.low, spec.LAMBDA.high)]
Delta = Annotated[Decimal, number_in(spec.DELTA.low, spec.DELTA.high)]
EbitdaGamma = Annotated[Decimal, number_in(spec.EBITDA_GAMMA.low, spec.EBITDA_GAMMA.high)]
BetaSynergyCoef = Annotated[Decimal, number_in(spec.BETA_SYNERGY_COEF.low, spec.BETA_SYNERGY_COEF.high)]
GammaExperience = Annotated[Decimal, number_in(spec.GAMMA_EXPERIENCE.low, spec.GAMMA_EXPERIENCE.high)]

WEIGHT_SUM_TOLERANCE: Final = Decimal("0.001")

DEFAULT_HR_BASELINES: Final[Mapping[Sector, Decimal]] = {
    Sector.TECHNOLOGY: Decimal(70),
    Sector.FINANCIAL_SERVICES: Decimal(60),
    Sector.HEALTHCARE: Decimal(55),
    Sector.BUSINESS_SERVICES: Decimal(50),
    Sector.RETAIL: Decimal(48),
    Sector.MANUFACTURING: Decimal(45),
    Sector.OTHER: Decimal(50),
}
"""Default systematic-opportunity baseline per sector; operators recalibrate it per deployment."""


def _check_weight_sum(total: Decimal, names: str) -> None:
    if abs(total - ONE) > WEIGHT_SUM_TOLERANCE:
        raise PydanticCustomError(
            "weights_sum",
            "{names} must sum to 1 within 0.001 (they sum to {total})",
            {"names": names, "total": str(total)},
        )


_STRICT = ConfigDict(extra="forbid", frozen=True)
_ALIASED = ConfigDict(
    extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
)


class DimensionWeights(BaseModel):
    """Weight of each dimension in the weighted mean; all seven are required and they must sum to 1."""

    model_config = _STRICT

    data_infrastructure: UnitFraction
    ai_governance: UnitFraction
    technology_stack: UnitFraction
    talent: UnitFraction
    leadership: UnitFraction
    use_case_portfolio: UnitFraction
    culture: UnitFraction

    @model_validator(mode="after")
    def _sum_to_one(self) -> Self:
        _check_weight_sum(decimal_sum(self.ordered()), "dimension weights")
        return self

    def ordered(self) -> tuple[Decimal, ...]:
        """Weights in specification order, matching `Dimensions.ordered()`."""
        return tuple(getattr(self, name) for name in DIMENSION_NAMES)


class ReportedWeights(BaseModel):
    """Dimension weights as they entered the formulas (rounded to 4 dp), for a report.

    Deliberately without the sum-to-1 rule: rounding each allowed weight may move their sum a
    little (0.999 can become 0.9988), and a report, or a stored one read back, must show the values
    actually used rather than fail.
    """

    model_config = ConfigDict(frozen=True)

    data_infrastructure: Reported
    ai_governance: Reported
    technology_stack: Reported
    talent: Reported
    leadership: Reported
    use_case_portfolio: Reported
    culture: Reported

    @classmethod
    def of(cls, weights: Sequence[Decimal]) -> ReportedWeights:
        return cls(**dict(zip(DIMENSION_NAMES, weights, strict=True)))

    def ordered(self) -> tuple[Decimal, ...]:
        return tuple(getattr(self, name) for name in DIMENSION_NAMES)


DEFAULT_DIMENSION_WEIGHTS: Final = DimensionWeights(
    **{name: Decimal(weight) for name, weight in spec.DIMENSION_WEIGHTS.items()}
)


class IndividualWeights(BaseModel):
    """Weights of AI fluency, domain expertise and adaptive capacity in an individual's V^R."""

    model_config = _STRICT

    fluency: UnitFraction = Decimal(spec.INDIVIDUAL_WEIGHTS["fluency"])
    domain: UnitFraction = Decimal(spec.INDIVIDUAL_WEIGHTS["domain"])
    adaptive: UnitFraction = Decimal(spec.INDIVIDUAL_WEIGHTS["adaptive"])

    @model_validator(mode="after")
    def _sum_to_one(self) -> Self:
        _check_weight_sum(self.fluency + self.domain + self.adaptive, "individual weights")
        return self


class AppliedParameters(BaseModel):
    """The organisational parameters exactly as they entered the formulas (quantised to 4 dp)."""

    model_config = ConfigDict(frozen=True, serialize_by_alias=True, validate_by_name=True)

    alpha: Reported
    beta: Reported
    lambda_: Reported = Field(alias="lambda")
    delta: Reported
    ebitda_gamma: Reported
    dimension_weights: ReportedWeights


@dataclass(frozen=True, slots=True)
class PreparedParameters:
    """Quantised constants derived once per parameter set so scoring a company does no setup work."""

    alpha: Decimal
    one_minus_alpha: Decimal
    beta: Decimal
    one_minus_beta: Decimal
    lambda_: Decimal
    delta: Decimal
    ebitda_gamma: Decimal
    raw_weights: tuple[Decimal, ...]
    weights: tuple[Decimal, ...]
    weight_total: Decimal
    hr_baselines: Mapping[Sector, Decimal]
    applied: AppliedParameters
    individual_weights: tuple[Decimal, Decimal, Decimal]
    beta_synergy_coef: Decimal
    gamma_experience: Decimal


class ScoringParameters(BaseModel):
    """All tunable scoring parameters of one deployment, each checked against its allowed range.

    Field names follow the HTTP override object (`lambda` is `lambda_` in Python). A copy is always
    re-validated, so a derived parameter set can never bypass a range check or keep stale constants.
    """

    model_config = _ALIASED

    alpha: Alpha = Decimal(spec.ALPHA.default)
    beta: Beta = Decimal(spec.BETA.default)
    lambda_: Lambda = Field(default=Decimal(spec.LAMBDA.default), alias="lambda")
    delta: Delta = Decimal(spec.DELTA.default)
    ebitda_gamma: EbitdaGamma = Decimal(spec.EBITDA_GAMMA.default)
    dimension_weights: DimensionWeights = DEFAULT_DIMENSION_WEIGHTS
    hr_baselines: dict[SectorName, Score] = Field(default_factory=lambda: dict(DEFAULT_HR_BASELINES))
    individual_weights: IndividualWeights = IndividualWeights()
    beta_synergy_coef: BetaSynergyCoef = Decimal(spec.BETA_SYNERGY_COEF.default)
    gamma_experience: GammaExperience = Decimal(spec.GAMMA_EXPERIENCE.default)

    _prepared: PreparedParameters = PrivateAttr()

    @field_validator("hr_baselines", mode="after")
    @classmethod
    def _complete_baselines(cls, value: dict[Sector, Decimal]) -> dict[Sector, Decimal]:
        """Sectors an operator did not calibrate keep the default baseline."""
        return {**DEFAULT_HR_BASELINES, **value}

    def model_post_init(self, context: Any, /) -> None:
        raw_weights = self.dimension_weights.ordered()
        weights = tuple(q4(w) for w in raw_weights)
        alpha, beta = q4(self.alpha), q4(self.beta)
        applied = AppliedParameters(
            alpha=alpha,
            beta=beta,
            lambda_=q4(self.lambda_),
            delta=q4(self.delta),
            ebitda_gamma=q4(self.ebitda_gamma),
            dimension_weights=ReportedWeights.of(weights),
        )
        iw = self.individual_weights
        self._prepared = PreparedParameters(
            alpha=alpha,
            one_minus_alpha=ONE - alpha,
            beta=beta,
            one_minus_beta=ONE - beta,
            lambda_=applied.lambda_,
            delta=applied.delta,
            ebitda_gamma=applied.ebitda_gamma,
            raw_weights=raw_weights,
            weights=weights,
            weight_total=decimal_sum(weights),
            hr_baselines=dict(self.hr_baselines),
            applied=applied,
            individual_weights=(q4(iw.fluency), q4(iw.domain), q4(iw.adaptive)),
            beta_synergy_coef=q4(self.beta_synergy_coef),
            gamma_experience=q4(self.gamma_experience),
        )

    @property
    def prepared(self) -> PreparedParameters:
        """The quantised constants the scoring functions use."""
        return self._prepared

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Copy through validation: an update outside a range is refused, derived constants are rebuilt."""
        data: dict[str, Any] = {name: getattr(self, name) for name in type(self).model_fields}
        if update:
            data.update(update)
        return self.model_validate(data)

    def with_overrides(self, overrides: ParameterOverrides) -> ScoringParameters:
        """The parameter set a what-if simulation runs with: these parameters, replaced where overridden."""
        update = {
            name: value
            for name in ParameterOverrides.model_fields
            if (value := getattr(overrides, name)) is not None
        }
        return self.model_copy(update=update) if update else self


V2_ONLY_PARAMETERS: Final = ("alpha", "beta", "lambda", "delta", "ebitda_gamma")
"""What-if parameters only v2.0 uses (v1.0 uses `dimension_weights` alone)."""


class ParameterOverrides(BaseModel):
    """The `parameters` object of a what-if simulation; every field optional, each within its range."""

    model_config = ConfigDict(**_ALIASED, json_schema_extra=mark_only_in("v2.0", V2_ONLY_PARAMETERS))

    alpha: Alpha | None = None
    beta: Beta | None = None
    lambda_: Lambda | None = Field(default=None, alias="lambda")
    delta: Delta | None = None
    dimension_weights: DimensionWeights | None = None
    ebitda_gamma: EbitdaGamma | None = None


DEFAULT_PARAMETERS: Final = ScoringParameters()
"""The specification's defaults, for callers and tests that have no deployment settings."""
