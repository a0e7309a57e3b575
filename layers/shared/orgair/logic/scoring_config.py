"""The deployment's scoring parameters and review thresholds, built from settings once per container.

Settings refuse at init whatever would make this build fail (their field ranges, the weight sums and
the SECTOR_HR_BASELINES check are the same rules; tests/unit/orgair/logic/test_scoring_config.py keeps
them in step), so a deployment that starts never fails a scoring request on its configuration, and
functions that do not score never load the scoring package to check it.
"""

from __future__ import annotations

import re
from typing import Final

from pydantic import ValidationError

from orgair.errors import ConfigurationError
from orgair.scoring import ReviewThresholds, ScoringParameters
from orgair.scoring.validation import field_errors
from orgair.settings import Settings

_built: dict[int, tuple[Settings, ScoringParameters, ReviewThresholds]] = {}
_GOT = re.compile(r"\s*\(got .*\)$")
"""The offending value a field message ends with: configuration errors name fields, never values."""

_DIMENSION_SETTINGS: Final = {
    "data_infrastructure": "W_DATA_INFRA",
    "ai_governance": "W_AI_GOVERNANCE",
    "technology_stack": "W_TECH_STACK",
    "talent": "W_TALENT",
    "leadership": "W_LEADERSHIP",
    "use_case_portfolio": "W_USE_CASES",
    "culture": "W_CULTURE",
}
_INDIVIDUAL_SETTINGS: Final = {"fluency": "W_FLUENCY", "domain": "W_DOMAIN", "adaptive": "W_ADAPTIVE"}
_PARAMETER_SETTINGS: Final = {
    "alpha": "ALPHA_VR_WEIGHT",
    "beta": "BETA_SYNERGY_WEIGHT",
    "lambda": "LAMBDA_PENALTY",
    "lambda_": "LAMBDA_PENALTY",
    "delta": "DELTA_POSITION",
    "ebitda_gamma": "EBITDA_GAMMA",
    "beta_synergy_coef": "BETA_SYNERGY_COEF",
    "gamma_experience": "GAMMA_EXPERIENCE",
    "score_change": "HITL_SCORE_CHANGE_THRESHOLD",
    "ebitda_change_pct": "HITL_EBITDA_PROJECTION_THRESHOLD",
}


def _setting(field: str) -> str:
    """The setting an operator wrote (`SECTOR_HR_BASELINES.space`, `W_TALENT`), not the parameter it became."""
    head, _, rest = field.partition(".")
    if head == "hr_baselines":
        return "SECTOR_HR_BASELINES" + field.removeprefix("hr_baselines").removesuffix(".[key]")
    for group, names in (
        ("dimension_weights", _DIMENSION_SETTINGS),
        ("individual_weights", _INDIVIDUAL_SETTINGS),
    ):
        if head == group:
            return names.get(rest, ", ".join(names.values()))
    return _PARAMETER_SETTINGS.get(field, field)


def _line(problems: list[str]) -> str:
    return "invalid configuration: " + "; ".join(problems)


def _try_build(settings: Settings) -> tuple[ScoringParameters, ReviewThresholds] | list[str]:
    cached = _built.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1], cached[2]
    problems: list[str] = []
    parameters = thresholds = None
    try:
        parameters = ScoringParameters.model_validate(
            {
                "alpha": settings.ALPHA_VR_WEIGHT,
                "beta": settings.BETA_SYNERGY_WEIGHT,
                "lambda": settings.LAMBDA_PENALTY,
                "delta": settings.DELTA_POSITION,
                "ebitda_gamma": settings.EBITDA_GAMMA,
                "dimension_weights": {
                    field: getattr(settings, name) for field, name in _DIMENSION_SETTINGS.items()
                },
                "hr_baselines": dict(settings.SECTOR_HR_BASELINES),
                "individual_weights": {
                    field: getattr(settings, name) for field, name in _INDIVIDUAL_SETTINGS.items()
                },
                "beta_synergy_coef": settings.BETA_SYNERGY_COEF,
                "gamma_experience": settings.GAMMA_EXPERIENCE,
            }
        )
    except ValidationError as error:
        problems += [f"{_setting(e.field)}: {_GOT.sub('', e.message)}" for e in field_errors(error)]
    try:
        thresholds = ReviewThresholds(
            score_change=settings.HITL_SCORE_CHANGE_THRESHOLD,
            ebitda_change_pct=settings.HITL_EBITDA_PROJECTION_THRESHOLD,
        )
    except ValidationError as error:
        problems += [f"{_setting(e.field)}: {_GOT.sub('', e.message)}" for e in field_errors(error)]
    if parameters is None or thresholds is None:
        return problems
    _built.clear()
    _built[id(settings)] = (settings, parameters, thresholds)
    return parameters, thresholds


def configuration_problems(settings: Settings) -> list[str]:
    """Every reason these settings cannot become scoring parameters, one `SETTING: why` each, never a value.

    Empty when they can; the parameters are then built and kept, so requests never build them again.
    """
    built = _try_build(settings)
    return built if isinstance(built, list) else []


def _build(settings: Settings) -> tuple[ScoringParameters, ReviewThresholds]:
    """Built once per settings object (settings are themselves built once per container)."""
    built = _try_build(settings)
    if isinstance(built, list):
        raise ConfigurationError(_line(built))
    return built


def scoring_parameters(settings: Settings) -> ScoringParameters:
    """The parameters every score of this deployment uses (what-if overrides start from these)."""
    return _build(settings)[0]


def review_thresholds(settings: Settings) -> ReviewThresholds:
    return _build(settings)[1]
