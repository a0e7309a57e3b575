"""The deployment's scoring parameters and review thresholds, built from settings once per container."""

from __future__ import annotations

import re

from pydantic import ValidationError

from orgair.errors import ConfigurationError
from orgair.scoring import DimensionWeights, IndividualWeights, ReviewThresholds, ScoringParameters
from orgair.scoring.validation import field_errors
from orgair.settings import Settings

_built: dict[int, tuple[Settings, ScoringParameters, ReviewThresholds]] = {}
_GOT = re.compile(r"\s*\(got .*\)$")
"""The offending value a field message ends with: configuration errors name fields, never values."""


def _setting(field: str) -> str:
    """The setting an operator wrote (`SECTOR_HR_BASELINES.space`), not the parameter it became."""
    if field == "hr_baselines" or field.startswith("hr_baselines."):
        return "SECTOR_HR_BASELINES" + field.removeprefix("hr_baselines").removesuffix(".[key]")
    return field


def _build(settings: Settings) -> tuple[ScoringParameters, ReviewThresholds]:
    """Built once per settings object (settings are themselves built once per container)."""
    cached = _built.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1], cached[2]
    try:
        parameters = ScoringParameters(
            alpha=settings.ALPHA_VR_WEIGHT,
            beta=settings.BETA_SYNERGY_WEIGHT,
            lambda_=settings.LAMBDA_PENALTY,
            delta=settings.DELTA_POSITION,
            ebitda_gamma=settings.EBITDA_GAMMA,
            dimension_weights=DimensionWeights(
                data_infrastructure=settings.W_DATA_INFRA,
                ai_governance=settings.W_AI_GOVERNANCE,
                technology_stack=settings.W_TECH_STACK,
                talent=settings.W_TALENT,
                leadership=settings.W_LEADERSHIP,
                use_case_portfolio=settings.W_USE_CASES,
                culture=settings.W_CULTURE,
            ),
            hr_baselines=dict(settings.SECTOR_HR_BASELINES),
            individual_weights=IndividualWeights(
                fluency=settings.W_FLUENCY, domain=settings.W_DOMAIN, adaptive=settings.W_ADAPTIVE
            ),
            beta_synergy_coef=settings.BETA_SYNERGY_COEF,
            gamma_experience=settings.GAMMA_EXPERIENCE,
        )
        thresholds = ReviewThresholds(
            score_change=settings.HITL_SCORE_CHANGE_THRESHOLD,
            ebitda_change_pct=settings.HITL_EBITDA_PROJECTION_THRESHOLD,
        )
    except ValidationError as error:
        problems = "; ".join(f"{_setting(e.field)}: {_GOT.sub('', e.message)}" for e in field_errors(error))
        raise ConfigurationError(f"invalid configuration: {problems}") from None
    _built.clear()
    _built[id(settings)] = (settings, parameters, thresholds)
    return parameters, thresholds


def scoring_parameters(settings: Settings) -> ScoringParameters:
    """The parameters every score of this deployment uses (what-if overrides start from these)."""
    return _build(settings)[0]


def review_thresholds(settings: Settings) -> ReviewThresholds:
    return _build(settings)[1]
