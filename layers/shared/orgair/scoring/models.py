"""Validated scoring inputs: a company's dimension profile and the individual-readiness inputs.

Every field is checked against its domain and refused when outside it; the engine never clamps an
input, so a score always describes exactly what the caller sent (defaults are reported separately).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Final, Self

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from orgair.scoring.numbers import (
    CaseInsensitiveChoice,
    Identifier,
    NonNegativeInt,
    NumberOneOf,
    Score,
    UnitFraction,
    number_in,
)


class Sector(StrEnum):
    """Sectors with their own readiness benchmarks; anything else is filed under `other`."""

    TECHNOLOGY = "technology"
    FINANCIAL_SERVICES = "financial_services"
    HEALTHCARE = "healthcare"
    BUSINESS_SERVICES = "business_services"
    RETAIL = "retail"
    MANUFACTURING = "manufacturing"
    OTHER = "other"


SectorName = Annotated[Sector, CaseInsensitiveChoice(Sector)]
"""A sector as received over HTTP: any letter case, refused with the list of sectors otherwise."""

DIMENSION_NAMES: Final = (
    "data_infrastructure",
    "ai_governance",
    "technology_stack",
    "talent",
    "leadership",
    "use_case_portfolio",
    "culture",
)
"""The seven readiness dimensions in the order the specification lists them (the order weights pair in)."""

Alignment = Annotated[Decimal, number_in("0", "1", low_open=True)]
TimingFactor = Annotated[Decimal, number_in("0.8", "1.2")]
ConfidenceLevel = Annotated[Decimal, NumberOneOf((Decimal("0.90"), Decimal("0.95"), Decimal("0.99")))]
CompanyId = Annotated[str, Identifier()]
Years = Annotated[Decimal, number_in("0", None)]

_INPUT_CONFIG = ConfigDict(extra="forbid", frozen=True)

COMPANY_EXAMPLE: Final[JsonDict] = {
    "company_id": "acme-logistics",
    "sector": "technology",
    "dimensions": {
        "data_infrastructure": 72,
        "ai_governance": 58,
        "technology_stack": 80,
        "talent": 65,
        "leadership": 70,
        "use_case_portfolio": 55,
        "culture": 60,
    },
    "talent_concentration": 0.3,
}
"""A complete, valid company: the example of every body that carries one (OpenAPI `examples`)."""

ONLY_IN_VERSION: Final = "x-param-version"
"""JSON-schema marker of an input one parameter version alone reads; `make openapi` leaves such a
field out of the other stages' documents (which refuse it with 422)."""

V2_ONLY_INPUTS: Final = (
    "talent_concentration",
    "market_cap_percentile",
    "hr_baseline",
    "alignment",
    "timing_factor",
    "evidence_count",
    "confidence_level",
    "target_org_air",
)
"""Company inputs only the v2.0 Org-AI-R uses; the v1.0 composite reads the dimensions alone."""


def mark_only_in(version: str, names: tuple[str, ...]) -> Callable[[dict[str, Any]], None]:
    """A `json_schema_extra` that marks the properties `names` as read by `version` alone."""

    def mark(schema: dict[str, Any]) -> None:
        for name, spec in (schema.get("properties") or {}).items():
            if name in names:
                spec[ONLY_IN_VERSION] = version

    return mark


def _company_schema(schema: dict[str, Any]) -> None:
    """The company input's schema: its example, and which inputs only v2.0 reads."""
    schema["examples"] = [COMPANY_EXAMPLE]
    mark_only_in("v2.0", V2_ONLY_INPUTS)(schema)


class Dimensions(BaseModel):
    """The seven dimension scores, all required: a missing dimension is an error, never a guessed 50."""

    model_config = _INPUT_CONFIG

    data_infrastructure: Score
    ai_governance: Score
    technology_stack: Score
    talent: Score
    leadership: Score
    use_case_portfolio: Score
    culture: Score

    def ordered(self) -> tuple[Decimal, ...]:
        """The scores in specification order, to pair with the weights."""
        return (
            self.data_infrastructure,
            self.ai_governance,
            self.technology_stack,
            self.talent,
            self.leadership,
            self.use_case_portfolio,
            self.culture,
        )


class CompanyScoreInput(BaseModel):
    """One portfolio company to score; optional fields left out are defaulted and reported as assumptions."""

    model_config = ConfigDict(**_INPUT_CONFIG, json_schema_extra=_company_schema)

    company_id: CompanyId
    sector: SectorName
    dimensions: Dimensions
    talent_concentration: UnitFraction | None = None
    market_cap_percentile: UnitFraction | None = None
    hr_baseline: Score | None = None
    alignment: Alignment | None = None
    timing_factor: TimingFactor | None = None
    evidence_count: NonNegativeInt | None = None
    confidence_level: ConfidenceLevel | None = None
    target_org_air: Score | None = None


class EducationLevel(StrEnum):
    """Highest completed education, which scales domain expertise in the experience form of E."""

    PHD = "phd"
    MASTER = "master"
    BACHELOR = "bachelor"
    ASSOCIATE = "associate"
    CERTIFICATE = "certificate"
    HIGH_SCHOOL = "high_school"


EducationLevelName = Annotated[EducationLevel, CaseInsensitiveChoice(EducationLevel)]

_EXPERIENCE_FIELDS: Final = ("education_level", "years_experience", "specialisation")


class IndividualScoreInput(BaseModel):
    """One person's AI-readiness inputs.

    Domain expertise is given either directly (`domain_expertise`) or through the experience form
    (`education_level`, `years_experience`, `specialisation`, all three), never both, so the caller
    always knows which E was scored.
    """

    model_config = _INPUT_CONFIG | ConfigDict(
        json_schema_extra={
            "examples": [
                {"ai_fluency": 70, "adaptive_capacity": 65, "hr": 60, "domain_expertise": 55},
                {
                    "ai_fluency": 70,
                    "adaptive_capacity": 65,
                    "hr": 60,
                    "education_level": "master",
                    "years_experience": 8,
                    "specialisation": 0.8,
                    "alignment": 0.9,
                },
            ]
        }
    )

    ai_fluency: Score
    adaptive_capacity: Score
    hr: Score
    alignment: Alignment | None = None
    domain_expertise: Score | None = None
    education_level: EducationLevelName | None = None
    years_experience: Years | None = None
    specialisation: UnitFraction | None = None

    @model_validator(mode="after")
    def _exactly_one_expertise_form(self) -> Self:
        given = [name for name in _EXPERIENCE_FIELDS if getattr(self, name) is not None]
        if self.domain_expertise is not None:
            if given:
                raise PydanticCustomError(
                    "expertise_forms_exclusive",
                    "give either domain_expertise or education_level + years_experience + specialisation, "
                    "not both (also given: {given})",
                    {"given": ", ".join(given), "field": "domain_expertise"},
                )
            return self
        if not given:
            raise PydanticCustomError(
                "expertise_missing",
                "give either domain_expertise or all of education_level, years_experience and specialisation",
                {"field": "domain_expertise"},
            )
        missing = [name for name in _EXPERIENCE_FIELDS if name not in given]
        if missing:
            raise PydanticCustomError(
                "expertise_incomplete",
                "the experience form needs education_level, years_experience and specialisation "
                "(missing: {missing})",
                {"missing": ", ".join(missing), "field": missing[0]},
            )
        return self
