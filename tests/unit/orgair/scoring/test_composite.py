"""The v1.0 composite: q4 of the weighted sum of the rounded dimension scores."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from orgair.scoring.composite import composite, score_v1
from orgair.scoring.models import DIMENSION_NAMES
from orgair.scoring.parameters import DEFAULT_PARAMETERS, ScoringParameters
from orgair.scoring.validation import parse_company_input

Build = Callable[..., dict[str, Any]]
D = Decimal
WEIGHTS = {
    n: D(w)
    for n, w in zip(DIMENSION_NAMES, ("0.18", "0.15", "0.15", "0.17", "0.13", "0.12", "0.10"), strict=True)
}


def test_worked_example_composite(worked_example: Build) -> None:
    result = score_v1(parse_company_input(worked_example()), DEFAULT_PARAMETERS)
    assert result.composite == D("78.08")
    assert result.param_version == "v1.0"
    assert result.weights.ordered() == DEFAULT_PARAMETERS.dimension_weights.ordered()
    assert result.company_id == "acme-1"


def test_all_zero_and_all_hundred(minimal: Build) -> None:
    assert score_v1(parse_company_input(minimal(dims=0)), DEFAULT_PARAMETERS).composite == 0
    assert score_v1(parse_company_input(minimal(dims=100)), DEFAULT_PARAMETERS).composite == 100


def test_optional_inputs_do_not_enter_and_nothing_is_assumed(worked_example: Build, minimal: Build) -> None:
    full = score_v1(
        parse_company_input(worked_example(target_org_air=90, hr_baseline=10)), DEFAULT_PARAMETERS
    )
    bare = score_v1(
        parse_company_input({**minimal(), "dimensions": worked_example()["dimensions"]}), DEFAULT_PARAMETERS
    )
    assert full.composite == bare.composite
    assert full.assumptions == bare.assumptions == ()


def test_dimensions_are_rounded_before_weighting_and_the_sum_after() -> None:
    assert composite([D("50.00005")] * 7, list(WEIGHTS.values())) == D("50.0001")
    assert composite([D("50.00004")] * 7, list(WEIGHTS.values())) == D(50)
    assert composite([D("0.00025"), *[D(0)] * 6], list(WEIGHTS.values())) == D("0.0001")


def test_configured_weights_are_used_unrounded(minimal: Build) -> None:
    weights = {**WEIGHTS, "data_infrastructure": D("0.180049"), "culture": D("0.099951")}
    params = ScoringParameters.model_validate({"dimension_weights": weights})
    one_hot = {n: (100 if n == "data_infrastructure" else 0) for n in DIMENSION_NAMES}
    result = score_v1(parse_company_input(minimal(dimensions=one_hot)), params)
    assert result.composite == D("18.0049")
    assert result.weights.data_infrastructure == D("0.180049")


def test_composite_follows_the_weights_exactly_even_above_one_hundred(minimal: Build) -> None:
    """The v1.0 formula has no clamp: weights summing to 1.001 can lift a perfect profile to 100.1."""
    params = ScoringParameters.model_validate({"dimension_weights": {**WEIGHTS, "culture": D("0.101")}})
    assert score_v1(parse_company_input(minimal(dims=100)), params).composite == D("100.1")


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.decimals(D(0), D(100), places=6), min_size=7, max_size=7),
    weights=st.lists(st.integers(0, 100), min_size=7, max_size=7).filter(lambda xs: sum(xs) > 0),
)
def test_composite_is_the_rounded_weighted_sum(values: list[Decimal], weights: list[int]) -> None:
    total = sum(weights)
    w = [D(x) / total for x in weights]
    q = D("0.0001")
    expected = sum(
        (wk * v.quantize(q, rounding=ROUND_HALF_UP) for wk, v in zip(w, values, strict=True)), D(0)
    )
    result = composite(values, w)
    assert result == expected.quantize(q, rounding=ROUND_HALF_UP)
    assert D(0) <= result <= D(100)
    assert result.as_tuple().exponent == -4
