"""The one entry point that scores a company under a named parameter version."""

from __future__ import annotations

from typing import Final, Literal, overload

from orgair.scoring.composite import score_v1
from orgair.scoring.models import CompanyScoreInput
from orgair.scoring.org_air import score_v2
from orgair.scoring.parameters import ScoringParameters
from orgair.scoring.results import CompositeResult, OrgAirV2Result

ParamVersion = Literal["v1.0", "v2.0"]
PARAM_VERSIONS: Final[tuple[ParamVersion, ...]] = ("v1.0", "v2.0")


@overload
def score_company(
    company: CompanyScoreInput, params: ScoringParameters, version: Literal["v1.0"]
) -> CompositeResult: ...


@overload
def score_company(
    company: CompanyScoreInput, params: ScoringParameters, version: Literal["v2.0"]
) -> OrgAirV2Result: ...


@overload
def score_company(
    company: CompanyScoreInput, params: ScoringParameters, version: ParamVersion
) -> CompositeResult | OrgAirV2Result: ...


def score_company(
    company: CompanyScoreInput, params: ScoringParameters, version: ParamVersion
) -> CompositeResult | OrgAirV2Result:
    """Score with the v1.0 composite or the v2.0 Org-AI-R pipeline; any other version is a caller bug."""
    if version == "v2.0":
        return score_v2(company, params)
    if version == "v1.0":
        return score_v1(company, params)
    raise ValueError(f"unknown parameter version {version!r}; expected one of {', '.join(PARAM_VERSIONS)}")
