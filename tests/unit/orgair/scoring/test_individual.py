"""Individual AI-R: both forms of domain expertise, the synergy term and the clamp."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from orgair.errors import ValidationFailed
from orgair.scoring.individual import (
    EDUCATION_FACTOR,
    ai_readiness,
    expertise_from_experience,
    individual_vr,
    score_individual,
)
from orgair.scoring.models import EducationLevel, IndividualScoreInput
from orgair.scoring.parameters import DEFAULT_PARAMETERS, ScoringParameters
from orgair.scoring.results import Assumption
from orgair.scoring.validation import parse_individual_input

D = Decimal
PERSON: dict[str, Any] = {"ai_fluency": 80, "adaptive_capacity": 60, "hr": 50}


def test_direct_expertise_form() -> None:
    r = score_individual(parse_individual_input({**PERSON, "domain_expertise": 70}), DEFAULT_PARAMETERS)
    assert r.vr == D("72.5")
    assert r.synergy == D("36.25")
    assert r.ai_r == D("68.9375")
    assert r.domain_expertise == 70
    assert r.domain_expertise_source == "given"
    assert r.assumptions == (Assumption(field="alignment", default=D(1), basis="full alignment"),)


def test_alignment_scales_the_synergy_only() -> None:
    r = score_individual(
        parse_individual_input({**PERSON, "domain_expertise": 70, "alignment": 0.5}), DEFAULT_PARAMETERS
    )
    assert r.synergy == D("18.125")
    assert r.ai_r == D("66.2188")
    assert r.assumptions == ()


def test_experience_form_derives_expertise() -> None:
    data = {
        **PERSON,
        "education_level": "PhD",
        "years_experience": 10,
        "specialisation": 0.8,
        "alignment": 0.5,
    }
    r = score_individual(parse_individual_input(data), DEFAULT_PARAMETERS)
    assert r.domain_expertise == D("62.1496")
    assert r.domain_expertise_source == "experience"
    assert r.vr == D("69.7524")
    assert r.synergy == D("17.4381")
    assert r.ai_r == D("64.4671")


def test_experience_saturates_and_starts_at_zero() -> None:
    gamma = D("0.15")
    assert expertise_from_experience(EducationLevel.PHD, D(0), D(1), gamma) == 0
    ten = expertise_from_experience(EducationLevel.PHD, D(10), D(1), gamma)
    twenty = expertise_from_experience(EducationLevel.PHD, D(20), D(1), gamma)
    assert ten < twenty < 100
    assert twenty - ten < ten


@pytest.mark.parametrize(
    ("level", "factor"),
    [
        ("phd", "1.0"),
        ("master", "0.85"),
        ("bachelor", "0.70"),
        ("associate", "0.60"),
        ("certificate", "0.60"),
        ("high_school", "0.50"),
    ],
)
def test_education_factor_caps_expertise(level: str, factor: str) -> None:
    assert EDUCATION_FACTOR[EducationLevel(level)] == D(factor)
    e = expertise_from_experience(EducationLevel(level), D(400), D(1), D("0.15"))
    assert e.quantize(D("0.0001")) == D(factor) * 100


def test_gamma_experience_parameter_is_applied() -> None:
    data = {**PERSON, "education_level": "master", "years_experience": 4, "specialisation": 1}
    slow = score_individual(
        parse_individual_input(data), ScoringParameters.model_validate({"gamma_experience": D("0.10")})
    )
    fast = score_individual(
        parse_individual_input(data), ScoringParameters.model_validate({"gamma_experience": D("0.25")})
    )
    assert slow.domain_expertise == D("28.0228")
    assert fast.domain_expertise == D("53.7302")
    assert fast.parameters.gamma_experience == D("0.25")


def test_ai_r_is_clamped_at_one_hundred() -> None:
    data = {"ai_fluency": 100, "adaptive_capacity": 100, "hr": 100, "domain_expertise": 100}
    r = score_individual(parse_individual_input(data), DEFAULT_PARAMETERS)
    assert r.vr == 100
    assert r.synergy == 100
    assert r.ai_r == 100
    assert ai_readiness(D(100), D(100), D(100), D("0.6"), D("0.15")) == 100


def test_all_zero_person_scores_zero() -> None:
    data = {"ai_fluency": 0, "adaptive_capacity": 0, "hr": 0, "domain_expertise": 0}
    assert score_individual(parse_individual_input(data), DEFAULT_PARAMETERS).ai_r == 0


def test_configured_weights_and_coefficients_are_used_and_reported() -> None:
    params = ScoringParameters.model_validate(
        {
            "individual_weights": {"fluency": D("0.5"), "domain": D("0.3"), "adaptive": D("0.2")},
            "beta_synergy_coef": D("0.05"),
            "alpha": D("0.7"),
        }
    )
    r = score_individual(parse_individual_input({**PERSON, "domain_expertise": 70}), params)
    assert r.vr == D("73")
    assert r.ai_r == D("67.925")
    assert (r.parameters.w_fluency, r.parameters.alpha, r.parameters.beta_synergy_coef) == (
        D("0.5"),
        D("0.7"),
        D("0.05"),
    )


def test_weighted_vr() -> None:
    assert individual_vr(D(100), D(0), D(0), (D("0.45"), D("0.35"), D("0.20"))) == D(45)


def test_unvalidated_input_without_expertise_is_refused() -> None:
    person = IndividualScoreInput.model_construct(ai_fluency=D(1), adaptive_capacity=D(1), hr=D(1))
    with pytest.raises(ValidationFailed):
        score_individual(person, DEFAULT_PARAMETERS)


@settings(max_examples=200, deadline=None)
@given(
    f=st.decimals(D(0), D(100), places=3),
    c=st.decimals(D(0), D(100), places=3),
    h=st.decimals(D(0), D(100), places=3),
    years=st.decimals(D(0), D(60), places=1),
    spec=st.decimals(D(0), D(1), places=2),
    level=st.sampled_from(list(EducationLevel)),
    align=st.decimals(D("0.01"), D(1), places=2),
)
def test_experience_form_matches_the_formula_and_stays_in_range(
    f: Decimal, c: Decimal, h: Decimal, years: Decimal, spec: Decimal, level: EducationLevel, align: Decimal
) -> None:
    data = {"ai_fluency": f, "adaptive_capacity": c, "hr": h, "education_level": level.value,
            "years_experience": years, "specialisation": spec, "alignment": align}  # fmt: skip
    r = score_individual(parse_individual_input(data), DEFAULT_PARAMETERS)
    e = float(EDUCATION_FACTOR[level]) * (1 - math.exp(-0.15 * float(years))) * float(spec) * 100
    assert abs(float(r.domain_expertise) - e) <= 0.0001
    vr = 0.45 * float(f) + 0.35 * e + 0.20 * float(c)
    expected = min(100.0, max(0.0, 0.6 * vr + 0.4 * float(h) + 0.15 * vr * float(h) / 100 * float(align)))
    assert abs(float(r.ai_r) - expected) <= 0.0001
    assert 0 <= r.ai_r <= 100
    assert 0 <= r.domain_expertise <= 100
