"""Input models: every domain is enforced, nothing is clamped, nothing unknown slips through."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from orgair.scoring.models import (
    DIMENSION_NAMES,
    CompanyScoreInput,
    Dimensions,
    EducationLevel,
    IndividualScoreInput,
    Sector,
)
from pydantic import ValidationError

Build = Callable[..., dict[str, Any]]


def only_error(
    data: dict[str, Any], model: type[CompanyScoreInput | IndividualScoreInput] = CompanyScoreInput
) -> Any:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    return errors[0]


def test_worked_example_validates_to_exact_decimals(worked_example: Build) -> None:
    company = CompanyScoreInput.model_validate(worked_example())
    assert company.sector is Sector.TECHNOLOGY
    assert company.talent_concentration == Decimal("0.12")
    assert company.dimensions.ordered() == tuple(Decimal(v) for v in (80, 75, 85, 82, 78, 70, 72))
    assert company.evidence_count == 10
    assert company.hr_baseline is None


def test_dimension_order_is_the_specification_order() -> None:
    dims = Dimensions.model_validate({name: i for i, name in enumerate(DIMENSION_NAMES)})
    assert dims.ordered() == tuple(Decimal(i) for i in range(7))
    assert tuple(Dimensions.model_fields) == DIMENSION_NAMES


@pytest.mark.parametrize("name", DIMENSION_NAMES)
def test_missing_dimension_is_an_error_not_a_default(minimal: Build, name: str) -> None:
    data = minimal()
    del data["dimensions"][name]
    error = only_error(data)
    assert error["loc"] == ("dimensions", name)
    assert error["type"] == "missing"


@pytest.mark.parametrize("value", [120, -1, 100.5])
def test_out_of_range_dimension_is_refused_not_clamped(minimal: Build, value: object) -> None:
    data = minimal()
    data["dimensions"]["data_infrastructure"] = value
    error = only_error(data)
    assert error["loc"] == ("dimensions", "data_infrastructure")
    assert "from 0 to 100" in error["msg"]


@pytest.mark.parametrize(
    ("value", "fragment"), [("80", "not a string"), (None, "not null"), (True, "not a boolean")]
)
def test_dimension_must_be_a_json_number(minimal: Build, value: object, fragment: str) -> None:
    data = minimal()
    data["dimensions"]["talent"] = value
    assert fragment in only_error(data)["msg"]


def test_unknown_dimension_is_refused(minimal: Build) -> None:
    data = minimal()
    data["dimensions"]["ethics"] = 50
    error = only_error(data)
    assert error["loc"] == ("dimensions", "ethics")
    assert error["type"] == "extra_forbidden"


@pytest.mark.parametrize("text", ["Technology", "HEALTHCARE", "financial_Services", "other"])
def test_sector_matches_case_insensitively(minimal: Build, text: str) -> None:
    assert CompanyScoreInput.model_validate(minimal(sector=text)).sector.value == text.lower()


@pytest.mark.parametrize("text", ["space", " technology", "tech", "", 7])
def test_unknown_sector_lists_the_allowed_sectors(minimal: Build, text: object) -> None:
    error = only_error(minimal(sector=text))
    assert error["loc"] == ("sector",)
    for sector in Sector:
        assert sector.value in error["msg"]


ACCEPTED_BOUNDS = [
    ("talent_concentration", 0),
    ("talent_concentration", 1),
    ("market_cap_percentile", 0),
    ("market_cap_percentile", 1),
    ("hr_baseline", 0),
    ("hr_baseline", 100),
    ("alignment", 0.0001),
    ("alignment", 1),
    ("timing_factor", 0.8),
    ("timing_factor", 1.2),
    ("evidence_count", 0),
    ("evidence_count", 10**6),
    ("target_org_air", 0),
    ("target_org_air", 100),
]


@pytest.mark.parametrize(("field", "value"), ACCEPTED_BOUNDS)
def test_optional_inputs_accept_the_edges_of_their_domain(minimal: Build, field: str, value: object) -> None:
    company = CompanyScoreInput.model_validate(minimal(**{field: value}))
    expected = Decimal(repr(value)) if isinstance(value, float) else value
    assert getattr(company, field) == expected


REFUSED = [
    ("talent_concentration", -0.01, "from 0 to 1"),
    ("talent_concentration", 1.01, "from 0 to 1"),
    ("market_cap_percentile", 1.5, "from 0 to 1"),
    ("hr_baseline", 100.01, "from 0 to 100"),
    ("alignment", 0, "greater than 0 up to and including 1"),
    ("alignment", 1.0001, "greater than 0 up to and including 1"),
    ("timing_factor", 1.5, "from 0.8 to 1.2"),
    ("timing_factor", 0.79, "from 0.8 to 1.2"),
    ("evidence_count", -1, "at least 0"),
    ("evidence_count", True, "not a boolean"),
    ("evidence_count", 3.0, "not float"),
    ("evidence_count", "3", "not a string"),
    ("confidence_level", 0.8, "0.90, 0.95, 0.99"),
    ("confidence_level", "0.95", "not a string"),
    ("target_org_air", 101, "from 0 to 100"),
    ("timing_factor", float("nan"), "NaN and Infinity"),
    ("hr_baseline", float("inf"), "NaN and Infinity"),
    ("market_cap_percentile", "0.5", "not a string"),
]


@pytest.mark.parametrize(("field", "value", "fragment"), REFUSED)
def test_optional_inputs_outside_their_domain_are_refused_naming_the_domain(
    minimal: Build, field: str, value: object, fragment: str
) -> None:
    error = only_error(minimal(**{field: value}))
    assert error["loc"] == (field,)
    assert fragment in error["msg"]


@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_each_confidence_level_is_accepted(minimal: Build, level: float) -> None:
    assert CompanyScoreInput.model_validate(minimal(confidence_level=level)).confidence_level == Decimal(
        repr(level)
    )


def test_explicit_null_means_not_given(minimal: Build) -> None:
    company = CompanyScoreInput.model_validate(minimal(alignment=None, evidence_count=None))
    assert company.alignment is None
    assert company.evidence_count is None


def test_unknown_top_level_field_is_refused(minimal: Build) -> None:
    error = only_error(minimal(ebitda=5))
    assert error["loc"] == ("ebitda",)
    assert error["type"] == "extra_forbidden"


@pytest.mark.parametrize("company_id", ["", "a b", "x" * 65, "abc\n", "naïve", 42])
def test_bad_company_id_is_refused(minimal: Build, company_id: object) -> None:
    assert only_error(minimal(company_id=company_id))["loc"] == ("company_id",)


def test_inputs_are_immutable(minimal: Build) -> None:
    company = CompanyScoreInput.model_validate(minimal())
    with pytest.raises(ValidationError):
        company.alignment = Decimal("0.5")


def test_json_body_validates_like_decoded_json(worked_example: Build) -> None:
    from_json = CompanyScoreInput.model_validate_json(json.dumps(worked_example()))
    assert from_json == CompanyScoreInput.model_validate(worked_example())


PERSON: dict[str, Any] = {"ai_fluency": 80, "adaptive_capacity": 60, "hr": 50}


def test_individual_accepts_direct_expertise() -> None:
    person = IndividualScoreInput.model_validate({**PERSON, "domain_expertise": 70})
    assert person.domain_expertise == 70
    assert person.alignment is None


def test_individual_accepts_the_experience_form_case_insensitively() -> None:
    person = IndividualScoreInput.model_validate(
        {**PERSON, "education_level": "PhD", "years_experience": 10, "specialisation": 0.8}
    )
    assert person.education_level is EducationLevel.PHD
    assert person.years_experience == 10


def test_individual_with_both_forms_is_refused() -> None:
    error = only_error(
        {
            **PERSON,
            "domain_expertise": 70,
            "education_level": "phd",
            "years_experience": 1,
            "specialisation": 1,
        },
        IndividualScoreInput,
    )
    assert error["type"] == "expertise_forms_exclusive"
    assert error["ctx"]["field"] == "domain_expertise"


def test_individual_with_neither_form_is_refused() -> None:
    assert only_error(dict(PERSON), IndividualScoreInput)["type"] == "expertise_missing"


def test_individual_with_partial_experience_form_names_what_is_missing() -> None:
    error = only_error({**PERSON, "education_level": "master"}, IndividualScoreInput)
    assert error["type"] == "expertise_incomplete"
    assert "years_experience, specialisation" in error["msg"]
    assert error["ctx"]["field"] == "years_experience"


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("education_level", "doctorate", "phd, master, bachelor, associate, certificate, high_school"),
        ("years_experience", -1, "at least 0"),
        ("specialisation", 1.1, "from 0 to 1"),
    ],
)
def test_individual_experience_fields_are_checked(field: str, value: object, fragment: str) -> None:
    data = {**PERSON, "education_level": "phd", "years_experience": 5, "specialisation": 0.5, field: value}
    with pytest.raises(ValidationError) as caught:
        IndividualScoreInput.model_validate(data)
    error = caught.value.errors()[0]
    assert error["loc"] == (field,)
    assert fragment in error["msg"]


@pytest.mark.parametrize(
    ("field", "value"), [("ai_fluency", 101), ("hr", -1), ("alignment", 0), ("extra", 1)]
)
def test_individual_core_fields_are_checked(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        IndividualScoreInput.model_validate({**PERSON, "domain_expertise": 50, field: value})
    assert caught.value.errors()[0]["loc"] == (field,)
