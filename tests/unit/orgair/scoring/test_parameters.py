"""Scoring parameters: defaults, allowed ranges, weight sums, overrides and the quantised constants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from orgair.scoring.models import DIMENSION_NAMES, Sector
from orgair.scoring.parameters import (
    DEFAULT_DIMENSION_WEIGHTS,
    DEFAULT_HR_BASELINES,
    DEFAULT_PARAMETERS,
    DimensionWeights,
    IndividualWeights,
    ParameterOverrides,
    ScoringParameters,
)
from pydantic import ValidationError

DEFAULT_WEIGHTS = {
    name: Decimal(w)
    for name, w in zip(DIMENSION_NAMES, ("0.18", "0.15", "0.15", "0.17", "0.13", "0.12", "0.10"), strict=True)
}


def test_defaults_are_the_specification_values() -> None:
    p = ScoringParameters()
    assert (p.alpha, p.beta, p.lambda_, p.delta, p.ebitda_gamma) == (
        Decimal("0.60"),
        Decimal("0.12"),
        Decimal("0.25"),
        Decimal("0.15"),
        Decimal("0.035"),
    )
    assert p.dimension_weights.ordered() == tuple(DEFAULT_WEIGHTS.values())
    assert (p.individual_weights.fluency, p.individual_weights.domain, p.individual_weights.adaptive) == (
        Decimal("0.45"),
        Decimal("0.35"),
        Decimal("0.20"),
    )
    assert (p.beta_synergy_coef, p.gamma_experience) == (Decimal("0.15"), Decimal("0.15"))
    assert p.hr_baselines == {
        Sector.TECHNOLOGY: 70,
        Sector.FINANCIAL_SERVICES: 60,
        Sector.HEALTHCARE: 55,
        Sector.BUSINESS_SERVICES: 50,
        Sector.RETAIL: 48,
        Sector.MANUFACTURING: 45,
        Sector.OTHER: 50,
    }


RANGES = [
    ("alpha", "0.55", "0.70"),
    ("beta", "0.08", "0.20"),
    ("lambda", "0", "0.50"),
    ("delta", "0.10", "0.20"),
    ("ebitda_gamma", "0.02", "0.05"),
    ("beta_synergy_coef", "0.05", "0.20"),
    ("gamma_experience", "0.10", "0.25"),
]


@pytest.mark.parametrize(("name", "low", "high"), RANGES)
def test_each_parameter_accepts_its_range_and_refuses_beyond_it(name: str, low: str, high: str) -> None:
    step = Decimal("0.0001")
    attr = "lambda_" if name == "lambda" else name
    assert getattr(ScoringParameters.model_validate({name: Decimal(low)}), attr) == Decimal(low)
    assert getattr(ScoringParameters.model_validate({name: Decimal(high)}), attr) == Decimal(high)
    for outside in (Decimal(low) - step, Decimal(high) + step):
        with pytest.raises(ValidationError) as caught:
            ScoringParameters.model_validate({name: outside})
        assert caught.value.errors()[0]["loc"] == (name,)


def test_lambda_is_accepted_by_json_name_and_python_name() -> None:
    assert ScoringParameters.model_validate({"lambda": 0.3}).lambda_ == Decimal("0.3")
    assert ScoringParameters(lambda_=Decimal("0.3")).lambda_ == Decimal("0.3")
    assert "lambda" in ScoringParameters().model_dump()


@pytest.mark.parametrize("last", ["0.1010", "0.0990", "0.10"])
def test_weights_within_a_thousandth_of_one_are_accepted(last: str) -> None:
    assert DimensionWeights.model_validate({**DEFAULT_WEIGHTS, "culture": Decimal(last)}).culture == Decimal(
        last
    )


@pytest.mark.parametrize("last", ["0.1011", "0.0989", "0.5"])
def test_weights_further_from_one_are_refused(last: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DimensionWeights.model_validate({**DEFAULT_WEIGHTS, "culture": Decimal(last)})
    assert caught.value.errors()[0]["type"] == "weights_sum"


def test_a_weight_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValidationError):
        DimensionWeights.model_validate(
            {**DEFAULT_WEIGHTS, "culture": Decimal("-0.1"), "talent": Decimal("0.37")}
        )


def test_individual_weights_must_sum_to_one() -> None:
    assert IndividualWeights(
        fluency=Decimal("0.5"), domain=Decimal("0.3"), adaptive=Decimal("0.2")
    ).fluency == Decimal("0.5")
    with pytest.raises(ValidationError) as caught:
        IndividualWeights(fluency=Decimal("0.5"), domain=Decimal("0.35"), adaptive=Decimal("0.2"))
    assert "individual weights must sum to 1" in caught.value.errors()[0]["msg"]


def test_partial_baseline_table_keeps_defaults_for_other_sectors() -> None:
    p = ScoringParameters.model_validate({"hr_baselines": {"Technology": 75}})
    assert p.hr_baselines[Sector.TECHNOLOGY] == 75
    assert p.hr_baselines[Sector.RETAIL] == DEFAULT_HR_BASELINES[Sector.RETAIL]
    assert len(p.hr_baselines) == len(Sector)


@pytest.mark.parametrize("table", [{"space": 50}, {"retail": 101}, {"retail": "50"}])
def test_bad_baseline_table_is_refused(table: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ScoringParameters.model_validate({"hr_baselines": table})


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(ValidationError):
        ScoringParameters.model_validate({"gamma": 0.1})


def test_prepared_constants_are_quantised_parameters() -> None:
    p = ScoringParameters.model_validate({"alpha": Decimal("0.612345"), "lambda": Decimal("0.00005")})
    prepared = p.prepared
    assert prepared.alpha == Decimal("0.6123")
    assert prepared.one_minus_alpha == Decimal("0.3877")
    assert prepared.lambda_ == Decimal("0.0001")
    assert prepared.applied.alpha == Decimal("0.6123")
    assert prepared.weight_total == 1
    assert prepared.raw_weights == DEFAULT_DIMENSION_WEIGHTS.ordered()


def test_reported_weights_are_the_rounded_ones_even_if_their_sum_moves() -> None:
    weights = {
        **DEFAULT_WEIGHTS,
        "data_infrastructure": Decimal("0.18049"),
        "ai_governance": Decimal("0.15049"),
    }
    p = ScoringParameters.model_validate({"dimension_weights": weights})
    assert p.prepared.applied.dimension_weights.data_infrastructure == Decimal("0.1805")
    assert p.prepared.weight_total == Decimal("1.0010")


def test_parameters_are_immutable() -> None:
    with pytest.raises(ValidationError):
        DEFAULT_PARAMETERS.alpha = Decimal("0.65")


def test_copy_is_revalidated_and_rebuilds_constants() -> None:
    copy = DEFAULT_PARAMETERS.model_copy(update={"alpha": Decimal("0.65")})
    assert copy.prepared.alpha == Decimal("0.6500")
    assert DEFAULT_PARAMETERS.prepared.alpha == Decimal("0.6000")
    with pytest.raises(ValidationError):
        DEFAULT_PARAMETERS.model_copy(update={"alpha": Decimal("0.9")})


def test_overrides_replace_only_what_they_name() -> None:
    weights = {**DEFAULT_WEIGHTS, "data_infrastructure": Decimal("0.28"), "culture": Decimal(0)}
    overrides = ParameterOverrides.model_validate(
        {"alpha": 0.7, "lambda": 0, "dimension_weights": weights, "ebitda_gamma": 0.05}
    )
    base = ScoringParameters.model_validate({"hr_baselines": {"retail": 40}, "beta": 0.2})
    result = base.with_overrides(overrides)
    assert result.alpha == Decimal("0.7")
    assert result.lambda_ == 0
    assert result.ebitda_gamma == Decimal("0.05")
    assert result.dimension_weights.data_infrastructure == Decimal("0.28")
    assert result.beta == Decimal("0.2")
    assert result.delta == base.delta
    assert result.hr_baselines[Sector.RETAIL] == 40
    assert result.prepared.lambda_ == 0
    assert base.alpha == Decimal("0.60")


def test_empty_overrides_keep_the_base_parameters() -> None:
    assert DEFAULT_PARAMETERS.with_overrides(ParameterOverrides()) is DEFAULT_PARAMETERS
    assert (
        DEFAULT_PARAMETERS.with_overrides(ParameterOverrides.model_validate({"alpha": None}))
        is DEFAULT_PARAMETERS
    )


OVERRIDE_REFUSALS: list[tuple[dict[str, Any], tuple[str, ...]]] = [
    ({"alpha": 0.54}, ("alpha",)),
    ({"beta": 0.21}, ("beta",)),
    ({"lambda": -0.1}, ("lambda",)),
    ({"delta": 0.25}, ("delta",)),
    ({"ebitda_gamma": 0.06}, ("ebitda_gamma",)),
    ({"alpha": "0.6"}, ("alpha",)),
    ({"dimension_weights": dict.fromkeys(DIMENSION_NAMES, 0.1)}, ("dimension_weights",)),
    ({"dimension_weights": {"talent": 1}}, ("dimension_weights", "data_infrastructure")),
    ({"hr_baselines": {"retail": 40}}, ("hr_baselines",)),
    ({"beta_synergy_coef": 0.1}, ("beta_synergy_coef",)),
]


@pytest.mark.parametrize(("data", "loc"), OVERRIDE_REFUSALS)
def test_overrides_are_range_checked_and_limited_to_the_simulation_fields(
    data: dict[str, Any], loc: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        ParameterOverrides.model_validate(data)
    assert caught.value.errors()[0]["loc"] == loc


def test_weights_whose_rounded_sum_leaves_the_tolerance_still_score_and_are_reported_as_used() -> None:
    configured = ["0.14284"] * 6 + ["0.14197"]  # sums to 0.99901, inside the 0.001 tolerance
    weights = {name: Decimal(value) for name, value in zip(DIMENSION_NAMES, configured, strict=True)}
    params = ScoringParameters(dimension_weights=DimensionWeights(**weights))
    reported = params.prepared.applied.dimension_weights
    assert sum(reported.ordered()) == Decimal("0.9988")  # rounded, outside the tolerance, and reported
    assert reported.ordered() == (Decimal("0.1428"),) * 6 + (Decimal("0.1420"),)
