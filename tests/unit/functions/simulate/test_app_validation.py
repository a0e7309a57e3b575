"""The simulate function's validation of the company: every rule a caller can hit is a 422 naming the
field (or a 400 for a body that is not JSON), and nothing is guessed or filled in."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from support.scores_api import SECTORS, simulate_score
from support.scoring_requests import (
    WORKED_EXAMPLE,
)

# ---------------------------------------------------------------- validation of the company


def test_a_dimension_of_120_is_422_naming_the_dotted_field(simulate: ModuleType) -> None:
    body = {**WORKED_EXAMPLE, "dimensions": {**WORKED_EXAMPLE["dimensions"], "data_infrastructure": 120}}
    reply = simulate_score(simulate, body)

    assert reply.is_problem(422), reply
    assert reply.fields() == ["dimensions.data_infrastructure"]
    assert reply.body["type"].endswith("/validation-error")


def test_a_missing_dimension_is_422_and_never_filled_in(simulate: ModuleType) -> None:
    dimensions = {key: value for key, value in WORKED_EXAMPLE["dimensions"].items() if key != "culture"}
    reply = simulate_score(simulate, {**WORKED_EXAMPLE, "dimensions": dimensions})

    assert reply.is_problem(422), reply
    assert reply.fields() == ["dimensions.culture"]


def test_an_unknown_sector_is_422_whose_message_lists_the_sectors(simulate: ModuleType) -> None:
    reply = simulate_score(simulate, {**WORKED_EXAMPLE, "sector": "aerospace"})

    assert reply.is_problem(422), reply
    assert reply.fields() == ["sector"]
    message = reply.body["errors"][0]["message"]
    assert all(sector in message for sector in SECTORS)


def test_the_sector_is_matched_case_insensitively(simulate: ModuleType) -> None:
    reply = simulate_score(simulate, {**WORKED_EXAMPLE, "sector": "TECHNOLOGY"})

    assert (reply.status, reply.body.get("org_air"), reply.body.get("sector")) == (200, 72.639, "technology")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timing_factor": 1.5}, "timing_factor"),
        ({"timing_factor": 0.79}, "timing_factor"),
        ({"talent_concentration": 1.01}, "talent_concentration"),
        ({"market_cap_percentile": -0.1}, "market_cap_percentile"),
        ({"alignment": 0}, "alignment"),
        ({"hr_baseline": 100.5}, "hr_baseline"),
        ({"evidence_count": -1}, "evidence_count"),
        ({"evidence_count": 3.0}, "evidence_count"),
        ({"evidence_count": True}, "evidence_count"),
        ({"confidence_level": 0.8}, "confidence_level"),
        ({"target_org_air": 101}, "target_org_air"),
        ({"company_id": "no spaces allowed"}, "company_id"),
        ({"company_id": ""}, "company_id"),
        ({"company_id": "x" * 65}, "company_id"),
        ({"unexpected": 1}, "unexpected"),
        ({"dimensions": {**WORKED_EXAMPLE["dimensions"], "vision": 50}}, "dimensions.vision"),
        ({"dimensions": {**WORKED_EXAMPLE["dimensions"], "talent": "82"}}, "dimensions.talent"),
        ({"dimensions": {**WORKED_EXAMPLE["dimensions"], "talent": None}}, "dimensions.talent"),
        ({"dimensions": {**WORKED_EXAMPLE["dimensions"], "talent": True}}, "dimensions.talent"),
        ({"talent_concentration": "0.12"}, "talent_concentration"),
    ],
)
def test_an_input_outside_its_domain_is_422_naming_the_field(
    simulate: ModuleType, change: dict[str, Any], field: str
) -> None:
    reply = simulate_score(simulate, {**WORKED_EXAMPLE, **change})

    assert reply.is_problem(422), reply
    assert reply.fields() == [field]


def test_every_bad_field_is_reported_in_one_problem(simulate: ModuleType) -> None:
    body = {
        **WORKED_EXAMPLE,
        "company_id": "bad id",
        "timing_factor": 1.5,
        "dimensions": {**WORKED_EXAMPLE["dimensions"], "talent": "80"},
    }
    reply = simulate_score(simulate, body)

    assert reply.is_problem(422), reply
    assert sorted(reply.fields()) == ["company_id", "dimensions.talent", "timing_factor"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_malformed_json_400(simulate: ModuleType, constant: str) -> None:
    text = (
        f'{{"company_id": "c1", "sector": "technology", "dimensions": {{"data_infrastructure": {constant}, '
        '"ai_governance": 75, "technology_stack": 85, "talent": 82, "leadership": 78, '
        '"use_case_portfolio": 70, "culture": 72}}'
    )
    reply = simulate_score(simulate, text)

    assert reply.is_problem(400), reply
    assert reply.body["type"].endswith("/malformed-request")


def test_a_body_that_is_not_json_is_400(simulate: ModuleType) -> None:
    assert simulate_score(simulate, "{not json").is_problem(400)


def test_a_huge_exponent_is_refused_not_scored(simulate: ModuleType) -> None:
    text = '{"company_id": "c1", "sector": "technology", "dimensions": {"data_infrastructure": 1e400}}'
    reply = simulate_score(simulate, text)

    assert reply.status in {400, 422}, reply
    assert "org_air" not in reply.body
