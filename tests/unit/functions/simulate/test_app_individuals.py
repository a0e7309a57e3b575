"""Scoring an individual (POST /individuals/scores): expertise given directly or from experience, and
the 422s of a body that gives both, neither in full, or values out of range."""

from __future__ import annotations

import math
from types import ModuleType

import pytest
from support.scores_api import score_person

# ---------------------------------------------------------------- individuals


def test_an_individual_with_domain_expertise_given_directly(simulate: ModuleType) -> None:
    reply = score_person(
        simulate, {"ai_fluency": 70, "adaptive_capacity": 60, "hr": 65, "domain_expertise": 50}
    )

    assert reply.status == 200, reply
    # V^R = 0.45*70 + 0.35*50 + 0.20*60 = 61; S = 61*65/100*1 = 39.65;
    # AI-R = 0.6*61 + 0.4*65 + 0.15*39.65 = 68.5475
    assert (reply.body["vr"], reply.body["synergy"], reply.body["ai_r"]) == (61, 39.65, 68.5475)
    assert reply.body["domain_expertise_source"] == "given"
    assert [item["field"] for item in reply.body["assumptions"]] == ["alignment"]


def test_an_individual_with_expertise_from_experience(simulate: ModuleType) -> None:
    body = {
        "ai_fluency": 70,
        "adaptive_capacity": 60,
        "hr": 65,
        "education_level": "Master",
        "years_experience": 8,
        "specialisation": 0.9,
    }
    reply = score_person(simulate, body)

    assert reply.status == 200, reply
    expertise = 0.85 * (1 - math.exp(-0.15 * 8)) * 0.9 * 100
    assert reply.body["domain_expertise_source"] == "experience"
    assert reply.body["domain_expertise"] == pytest.approx(expertise, abs=5e-5)
    vr = 0.45 * 70 + 0.35 * expertise + 0.20 * 60
    assert reply.body["ai_r"] == pytest.approx(0.6 * vr + 0.4 * 65 + 0.15 * vr * 0.65, abs=1e-4)


def test_an_individual_with_both_expertise_forms_is_422(simulate: ModuleType) -> None:
    body = {
        "ai_fluency": 70,
        "adaptive_capacity": 60,
        "hr": 65,
        "domain_expertise": 50,
        "specialisation": 0.9,
    }
    reply = score_person(simulate, body)

    assert reply.is_problem(422), reply
    assert reply.fields() == ["domain_expertise"]


def test_an_individual_with_an_incomplete_experience_form_names_the_missing_field(
    simulate: ModuleType,
) -> None:
    body = {
        "ai_fluency": 70,
        "adaptive_capacity": 60,
        "hr": 65,
        "education_level": "phd",
        "specialisation": 1,
    }
    reply = score_person(simulate, body)

    assert reply.is_problem(422), reply
    assert reply.fields() == ["years_experience"]


def test_an_individual_out_of_range_is_422_naming_the_field(simulate: ModuleType) -> None:
    reply = score_person(
        simulate, {"ai_fluency": 170, "adaptive_capacity": 60, "hr": 65, "domain_expertise": 50}
    )

    assert reply.is_problem(422), reply
    assert reply.fields() == ["ai_fluency"]


def test_an_individual_body_that_is_not_an_object_is_422(simulate: ModuleType) -> None:
    assert score_person(simulate, [1, 2, 3]).is_problem(422)


def test_scoring_an_individual_needs_scores_write(simulate: ModuleType) -> None:
    body = {"ai_fluency": 70, "adaptive_capacity": 60, "hr": 65, "domain_expertise": 50}
    assert score_person(simulate, body, scopes="scores:read").is_problem(403)
