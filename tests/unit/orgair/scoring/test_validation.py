"""Validation failures become one 422 `ValidationFailed` naming every offending field by dotted path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from orgair.errors import FieldError, ValidationFailed
from orgair.scoring.models import Sector
from orgair.scoring.validation import parse_company_input, parse_individual_input

Build = Callable[..., dict[str, Any]]


def failure(parse: Callable[..., object], data: object, **kwargs: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        parse(data, **kwargs)
    assert caught.value.status == 422
    return caught.value


def fields_of(exc: ValidationFailed) -> list[str]:
    return [error.field for error in exc.errors]


def test_valid_company_parses(worked_example: Build) -> None:
    assert parse_company_input(worked_example()).company_id == "acme-1"


def test_dimension_out_of_range_names_the_dotted_field(worked_example: Build) -> None:
    data = worked_example()
    data["dimensions"]["data_infrastructure"] = 120
    exc = failure(parse_company_input, data)
    assert exc.errors == [
        FieldError("dimensions.data_infrastructure", "must be a number from 0 to 100 (got 120)")
    ]


def test_missing_dimension_names_the_dotted_field(worked_example: Build) -> None:
    data = worked_example()
    del data["dimensions"]["talent"]
    assert fields_of(failure(parse_company_input, data)) == ["dimensions.talent"]


def test_unknown_sector_message_lists_every_sector(worked_example: Build) -> None:
    (error,) = failure(parse_company_input, worked_example(sector="aerospace")).errors
    assert error.field == "sector"
    assert error.message.startswith("must be one of: " + ", ".join(s.value for s in Sector))


def test_every_bad_field_is_reported_at_once(worked_example: Build) -> None:
    data = worked_example(timing_factor=1.5, evidence_count=True, company_id="bad id", extra_field=1)
    data["dimensions"]["culture"] = "high"
    assert sorted(fields_of(failure(parse_company_input, data))) == [
        "company_id",
        "dimensions.culture",
        "evidence_count",
        "extra_field",
        "timing_factor",
    ]


def test_body_that_is_not_an_object_is_reported_against_the_body() -> None:
    assert fields_of(failure(parse_company_input, [1, 2])) == ["body"]


def test_prefix_nests_the_field_names(worked_example: Build) -> None:
    exc = failure(parse_company_input, worked_example(alignment=2), prefix="companies.3")
    assert fields_of(exc) == ["companies.3.alignment"]


def test_individual_cross_field_rule_is_named_by_its_field() -> None:
    exc = failure(parse_individual_input, {"ai_fluency": 50, "adaptive_capacity": 50, "hr": 50})
    assert fields_of(exc) == ["domain_expertise"]


def test_individual_partial_experience_blames_the_first_missing_field() -> None:
    data = {
        "ai_fluency": 50,
        "adaptive_capacity": 50,
        "hr": 50,
        "education_level": "phd",
        "years_experience": 2,
    }
    assert fields_of(failure(parse_individual_input, data)) == ["specialisation"]


def test_problem_body_carries_the_field_errors(worked_example: Build) -> None:
    exc = failure(parse_company_input, worked_example(timing_factor=1.5))
    body = exc.to_problem(instance="/scores", correlation_id="c-1")
    assert body["status"] == 422
    assert body["errors"] == [
        {"field": "timing_factor", "message": "must be a number from 0.8 to 1.2 (got 1.5)"}
    ]
