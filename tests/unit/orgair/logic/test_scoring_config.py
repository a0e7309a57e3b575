"""Deployment settings become the scoring parameters and review thresholds every score uses."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from orgair import settings_checks
from orgair.errors import ConfigurationError
from orgair.logic.scoring_config import configuration_problems, review_thresholds, scoring_parameters
from orgair.scoring import Sector
from orgair.scoring.parameters import DEFAULT_PARAMETERS
from orgair.scoring.review import DEFAULT_REVIEW_THRESHOLDS
from orgair.settings import Settings, get_settings, load_settings
from support.configuration import refused_settings
from support.lambda_events import load_function
from support.scoring_requests import WORKED_EXAMPLE, company, request

from devtools.embedded_dynamodb import EmbeddedDynamoDB

CUSTOM = {
    "ALPHA_VR_WEIGHT": Decimal("0.65"),
    "BETA_SYNERGY_WEIGHT": Decimal("0.10"),
    "LAMBDA_PENALTY": Decimal("0.30"),
    "DELTA_POSITION": Decimal("0.12"),
    "EBITDA_GAMMA": Decimal("0.04"),
    "W_DATA_INFRA": Decimal("0.20"),
    "W_AI_GOVERNANCE": Decimal("0.15"),
    "W_TECH_STACK": Decimal("0.15"),
    "W_TALENT": Decimal("0.15"),
    "W_LEADERSHIP": Decimal("0.13"),
    "W_USE_CASES": Decimal("0.12"),
    "W_CULTURE": Decimal("0.10"),
    "W_FLUENCY": Decimal("0.5"),
    "W_DOMAIN": Decimal("0.3"),
    "W_ADAPTIVE": Decimal("0.2"),
    "BETA_SYNERGY_COEF": Decimal("0.10"),
    "GAMMA_EXPERIENCE": Decimal("0.20"),
    "HITL_SCORE_CHANGE_THRESHOLD": Decimal("20"),
    "HITL_EBITDA_PROJECTION_THRESHOLD": Decimal("12"),
}


def test_every_scoring_setting_becomes_its_parameter() -> None:
    parameters = scoring_parameters(load_settings(**CUSTOM))

    assert (
        parameters.alpha,
        parameters.beta,
        parameters.lambda_,
        parameters.delta,
        parameters.ebitda_gamma,
    ) == (
        Decimal("0.65"),
        Decimal("0.10"),
        Decimal("0.30"),
        Decimal("0.12"),
        Decimal("0.04"),
    )
    assert parameters.dimension_weights.ordered() == tuple(
        CUSTOM[name]
        for name in (
            "W_DATA_INFRA",
            "W_AI_GOVERNANCE",
            "W_TECH_STACK",
            "W_TALENT",
            "W_LEADERSHIP",
            "W_USE_CASES",
            "W_CULTURE",
        )
    )
    weights = parameters.individual_weights
    assert (weights.fluency, weights.domain, weights.adaptive) == (
        Decimal("0.5"),
        Decimal("0.3"),
        Decimal("0.2"),
    )
    assert (parameters.beta_synergy_coef, parameters.gamma_experience) == (Decimal("0.10"), Decimal("0.20"))
    assert parameters.hr_baselines[Sector.TECHNOLOGY] == Decimal(70)


def test_the_review_thresholds_come_from_settings() -> None:
    thresholds = review_thresholds(load_settings(**CUSTOM))

    assert (thresholds.score_change, thresholds.ebitda_change_pct) == (Decimal(20), Decimal(12))


def test_parameters_are_built_once_per_settings_object_and_rebuilt_for_new_settings() -> None:
    settings = load_settings(**CUSTOM)
    other = load_settings()

    assert scoring_parameters(settings) is scoring_parameters(settings)
    assert scoring_parameters(other).alpha == Decimal("0.60")
    assert scoring_parameters(settings).alpha == Decimal("0.65")


def test_calibrated_baselines_replace_only_the_sectors_they_name() -> None:
    parameters = scoring_parameters(
        load_settings(SECTOR_HR_BASELINES={"Technology": Decimal(72), "retail": Decimal(40)})
    )

    assert parameters.hr_baselines[Sector.TECHNOLOGY] == Decimal(72)
    assert parameters.hr_baselines[Sector.RETAIL] == Decimal(40)
    assert parameters.hr_baselines[Sector.HEALTHCARE] == Decimal(55)
    assert len(parameters.hr_baselines) == 7


def simulate(body: dict[str, Any]) -> dict[str, Any]:
    reply = request(load_function("simulate"), "POST", "/scores/simulate", body=body, scopes="scores:read")
    assert reply.status == 200, reply
    return dict(reply.body)


def test_calibrated_baselines_are_used_in_scores_and_reported_as_the_assumption(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECTOR_HR_BASELINES", json.dumps({"technology": 72, "retail": 40}))
    get_settings.cache_clear()

    technology = simulate(WORKED_EXAMPLE)
    retail = simulate(company("r", sector="retail"))
    healthcare = simulate(company("h", sector="healthcare"))

    # H^R = 72 * (1 + 0.15 * 0.5024) for the worked example's position factor
    assert (technology["hr_base"], technology["hr"]) == (72, 77.4259)
    assert technology["assumptions"][0] == {
        "field": "hr_baseline",
        "default": 72,
        "basis": "sector baseline for technology",
    }
    assert retail["hr_base"] == 40
    assert healthcare["hr_base"] == 55


def test_a_given_hr_baseline_overrides_the_calibration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECTOR_HR_BASELINES", json.dumps({"technology": 72}))
    get_settings.cache_clear()

    result = simulate({**WORKED_EXAMPLE, "hr_baseline": 70})

    assert (result["hr_base"], result["org_air"]) == (70, 72.639)
    assert "hr_baseline" not in [a["field"] for a in result["assumptions"]]


def test_calibrated_baselines_are_used_in_stored_scores(
    monkeypatch: pytest.MonkeyPatch, dynamodb: EmbeddedDynamoDB
) -> None:
    monkeypatch.setenv("SECTOR_HR_BASELINES", json.dumps({"technology": 72}))
    get_settings.cache_clear()

    stored = request(load_function("scores"), "POST", "/scores", body=WORKED_EXAMPLE)

    assert stored.status == 201, stored
    assert stored.body["result"]["hr_base"] == 72


@pytest.mark.parametrize(
    ("baselines", "fields"),
    [
        ({"technology": Decimal(120)}, ["SECTOR_HR_BASELINES.technology"]),
        ({"technology": Decimal(-1)}, ["SECTOR_HR_BASELINES.technology"]),
        ({"aerospace": Decimal(50)}, ["SECTOR_HR_BASELINES.aerospace"]),
        (
            {"retail": Decimal(101), "space": Decimal(50)},
            ["SECTOR_HR_BASELINES.retail", "SECTOR_HR_BASELINES.space"],
        ),
    ],
)
def test_invalid_baselines_fail_when_settings_load_naming_the_setting_not_the_value(
    baselines: dict[str, Decimal], fields: list[str]
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(SECTOR_HR_BASELINES=baselines)  # refused when settings load, not at first use

    message = str(caught.value)
    named = [part.split(":")[0].strip() for part in message.removeprefix("invalid configuration:").split(";")]
    assert named == fields
    for value in baselines.values():
        assert str(value) not in message


def test_a_baseline_that_is_not_a_number_is_refused_when_settings_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECTOR_HR_BASELINES", json.dumps({"technology": "high"}))

    with pytest.raises(ConfigurationError) as caught:
        load_settings()

    assert "SECTOR_HR_BASELINES.technology" in str(caught.value)


@pytest.mark.parametrize("function", ["scores", "simulate", "health"])
def test_an_invalid_sector_baseline_fails_every_function_at_init_with_one_line(
    monkeypatch: pytest.MonkeyPatch, function: str
) -> None:
    # Before, this passed start-up: every scoring request was then a 500 while /health said 200.
    monkeypatch.setenv("SECTOR_HR_BASELINES", json.dumps({"technology": 120.5, "aerospace": 50}))
    get_settings.cache_clear()

    with pytest.raises(ConfigurationError) as caught:
        load_function(function)  # the module-level code Lambda runs at init

    message = str(caught.value)
    assert message.startswith("invalid configuration: SECTOR_HR_BASELINES.technology: ")
    assert "SECTOR_HR_BASELINES.aerospace: must be one of: technology, financial_services" in message
    assert "\n" not in message
    assert "120.5" not in message


@pytest.mark.parametrize("raw", ["{technology: 70", "[70]", "70"])
def test_a_baseline_setting_that_is_not_a_json_object_fails_init_naming_it(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("SECTOR_HR_BASELINES", raw)

    message = refused_settings()

    assert message.startswith("invalid configuration: SECTOR_HR_BASELINES")
    assert raw not in message


def test_the_sectors_settings_check_are_the_scoring_sectors() -> None:
    assert tuple(sector.value for sector in Sector) == settings_checks.SECTORS


def test_the_default_settings_are_the_specifications_scoring_defaults() -> None:
    # Both are built from orgair.scoring_defaults: a deployment that sets nothing scores with exactly
    # the parameters and review thresholds a request without settings would use.
    settings = Settings()

    assert scoring_parameters(settings) == DEFAULT_PARAMETERS
    assert scoring_parameters(settings).prepared == DEFAULT_PARAMETERS.prepared
    assert review_thresholds(settings) == DEFAULT_REVIEW_THRESHOLDS


SCORING_SETTINGS = (
    "ALPHA_VR_WEIGHT",
    "BETA_SYNERGY_WEIGHT",
    "LAMBDA_PENALTY",
    "DELTA_POSITION",
    "EBITDA_GAMMA",
    "BETA_SYNERGY_COEF",
    "GAMMA_EXPERIENCE",
    "HITL_SCORE_CHANGE_THRESHOLD",
    "HITL_EBITDA_PROJECTION_THRESHOLD",
)


def _bounds(name: str) -> tuple[Decimal, Decimal]:
    metadata = Settings.model_fields[name].metadata
    low = next(Decimal(m.ge) for m in metadata if getattr(m, "ge", None) is not None)
    high = next(Decimal(m.le) for m in metadata if getattr(m, "le", None) is not None)
    return low, high


@pytest.mark.parametrize("name", SCORING_SETTINGS)
def test_every_scoring_setting_the_settings_accept_builds_and_every_other_is_refused_at_init(
    name: str,
) -> None:
    # Settings and scoring parameters share their rules: a value that loads can always be built,
    # so no scoring request can fail on configuration.
    low, high = _bounds(name)
    step = Decimal("0.0001")
    for edge in (low, high):
        settings = load_settings(**{name: edge})
        assert configuration_problems(settings) == []
    for outside in (low - step, high + step):
        with pytest.raises(ConfigurationError, match=name):
            load_settings(**{name: outside})


@pytest.mark.parametrize(
    ("baselines", "loads"),
    [
        ({"technology": Decimal(0), "OTHER": Decimal(100)}, True),
        ({"technology": Decimal("-0.0001")}, False),
        ({"Retail": Decimal("100.0001")}, False),
        ({"space": Decimal(50)}, False),
    ],
)
def test_the_baseline_table_loads_exactly_when_its_parameters_build(
    baselines: dict[str, Decimal], loads: bool
) -> None:
    if loads:
        assert configuration_problems(load_settings(SECTOR_HR_BASELINES=baselines)) == []
    else:
        with pytest.raises(ConfigurationError, match="SECTOR_HR_BASELINES"):
            load_settings(SECTOR_HR_BASELINES=baselines)


@pytest.mark.parametrize(
    ("weights", "loads"),
    [
        ({"W_CULTURE": Decimal("0.101")}, True),  # dimension weights sum to 1.001
        ({"W_CULTURE": Decimal("0.1011")}, False),
        ({"W_ADAPTIVE": Decimal("0.199")}, True),  # individual weights sum to 0.999
        ({"W_ADAPTIVE": Decimal("0.1989")}, False),
    ],
)
def test_weights_load_exactly_when_their_parameters_build(weights: dict[str, Decimal], loads: bool) -> None:
    if loads:
        assert configuration_problems(load_settings(**weights)) == []
    else:
        with pytest.raises(ConfigurationError, match="weights must sum to 1"):
            load_settings(**weights)


def test_every_bad_scoring_setting_is_named_as_the_operator_wrote_it() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(W_FLUENCY=Decimal("0.5"), SECTOR_HR_BASELINES={"retail": Decimal(101)})

    message = str(caught.value)
    named = {part.split(":")[0].strip() for part in message.removeprefix("invalid configuration:").split(";")}
    assert named == {"SECTOR_HR_BASELINES.retail", "W_FLUENCY, W_DOMAIN, W_ADAPTIVE"}
    assert "101" not in message
