"""Results are immutable reports of 4-dp Decimals with the parameters that produced them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from orgair.scoring.org_air import score_v2
from orgair.scoring.parameters import DEFAULT_PARAMETERS
from orgair.scoring.results import OrgAirV2Result
from orgair.scoring.validation import parse_company_input
from pydantic import ValidationError

Build = Callable[..., dict[str, Any]]


def test_results_are_frozen(worked_example: Build) -> None:
    result = score_v2(parse_company_input(worked_example()), DEFAULT_PARAMETERS)
    with pytest.raises(ValidationError):
        result.org_air = Decimal(1)


def test_python_dump_keeps_decimals_and_uses_json_names(worked_example: Build) -> None:
    dumped = score_v2(parse_company_input(worked_example(target_org_air=85)), DEFAULT_PARAMETERS).model_dump(
        mode="python"
    )
    assert dumped["org_air"] == Decimal("72.6390")
    assert isinstance(dumped["ci_lower"], Decimal)
    assert isinstance(dumped["ebitda_impact_pct"], Decimal)
    assert dumped["parameters"]["lambda"] == Decimal("0.25")
    assert isinstance(dumped["parameters"]["dimension_weights"]["talent"], Decimal)
    assert dumped["param_version"] == "v2.0"
    assert dumped["sector"] == "technology"


def test_every_reported_number_has_four_decimal_places(minimal: Build) -> None:
    dumped = score_v2(parse_company_input(minimal(target_org_air=70)), DEFAULT_PARAMETERS).model_dump()
    for name, value in dumped.items():
        if isinstance(value, Decimal) and name != "confidence_level":
            assert value.as_tuple().exponent == -4, name
    for value in dumped["parameters"]["dimension_weights"].values():
        assert value.as_tuple().exponent == -4


def test_assumption_dump_names_field_and_default(minimal: Build) -> None:
    dumped = score_v2(parse_company_input(minimal()), DEFAULT_PARAMETERS).model_dump()
    assert dumped["assumptions"][0] == {
        "field": "talent_concentration",
        "default": Decimal("0.25"),
        "basis": "neutral: no talent-risk adjustment",
    }


def test_schema_advertises_reported_decimals_as_json_numbers() -> None:
    schema = OrgAirV2Result.model_json_schema(mode="serialization")
    assert schema["properties"]["org_air"]["type"] == "number"
    assert schema["properties"]["ebitda_impact_pct"]["anyOf"][0] == {"type": "number"}
    assert schema["$defs"]["AppliedParameters"]["properties"]["lambda"]["type"] == "number"
