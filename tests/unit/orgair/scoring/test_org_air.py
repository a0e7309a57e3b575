"""The v2.0 Org-AI-R pipeline: the worked example, every clamp and the defaults (properties: test_org_air_properties.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from statistics import NormalDist
from typing import Any

import pytest
from orgair.scoring.models import DIMENSION_NAMES
from orgair.scoring.org_air import (
    Z_BY_CONFIDENCE,
    balance_penalty,
    coefficient_of_variation,
    confidence_interval,
    derived_alignment,
    idiosyncratic_readiness,
    org_air,
    position_factor,
    reliability,
    score_v2,
    standard_error,
    synergy,
    systematic_opportunity,
    talent_risk_adjustment,
    weighted_mean,
    weighted_std_dev,
)
from orgair.scoring.parameters import DEFAULT_PARAMETERS, ScoringParameters
from orgair.scoring.results import Assumption, OrgAirV2Result
from orgair.scoring.validation import parse_company_input

Build = Callable[..., dict[str, Any]]
D = Decimal
WEIGHTS = tuple(D(w) for w in ("0.18", "0.15", "0.15", "0.17", "0.13", "0.12", "0.10"))
WORKED = tuple(D(v) for v in (80, 75, 85, 82, 78, 70, 72))


def score(payload: dict[str, Any], params: ScoringParameters = DEFAULT_PARAMETERS) -> OrgAirV2Result:
    return score_v2(parse_company_input(payload), params)


def test_worked_example_reports_every_intermediate(worked_example: Build) -> None:
    r = score(worked_example())
    assert r.weighted_mean == D("78.08")
    assert r.std_dev == D("4.8388")
    assert r.cv == D("0.0620")
    assert r.penalty == D("0.9845")
    assert r.tra == 1
    assert r.vr == D("76.8698")
    assert r.sector_vr_average == 65
    assert r.c_v == D("0.2374")
    assert r.c_m == D("0.9")
    assert r.pf == D("0.5024")
    assert r.hr_base == 70
    assert r.hr == D("75.2752")
    assert r.alignment == D("0.8")
    assert r.timing_factor == 1
    assert r.synergy == D("46.2911")
    assert r.org_air == D("72.6390")
    assert r.rho == D("0.8108")
    assert r.sem == D("6.09")
    assert r.z == D("1.9600")
    assert (r.ci_lower, r.ci_upper) == (D("60.7026"), D("84.5754"))
    assert r.ebitda_impact_pct is None
    assert r.assumptions == (
        Assumption(field="hr_baseline", default=D(70), basis="sector baseline for technology"),
    )
    assert r.param_version == "v2.0"


def test_worked_example_unrounded_steps() -> None:
    """V^R, PF and Org-AI-R stay unrounded inside the pipeline; only the report rounds them."""
    mean = weighted_mean(WORKED, WEIGHTS)
    sd = weighted_std_dev(WORKED, WEIGHTS, mean, sum(WEIGHTS, D(0)))
    cv = coefficient_of_variation(sd, mean)
    penalty = balance_penalty(cv, D("0.25"))
    vr = idiosyncratic_readiness(mean, penalty, talent_risk_adjustment(D("0.12")))
    assert (mean, sd, cv, penalty, vr) == (D("78.08"), D("4.8388"), D("0.0620"), D("0.9845"), D("76.86976"))
    terms = position_factor(vr, D(65), D("0.95"))
    assert terms.pf == D("0.50244")
    hr = systematic_opportunity(D(70), D("0.15"), terms.pf)
    assert hr == D("75.2752")
    s = synergy(vr, hr, D("0.8"), D(1))
    total = org_air(vr, hr, s, D("0.60"), D("0.12"))
    assert total == D("72.63903477563392")
    rho = reliability(10)
    assert standard_error(rho) == D("6.09")
    assert confidence_interval(total, D("1.96"), D("6.09")) == (
        D("60.70263477563392"),
        D("84.57543477563392"),
    )


def test_all_zero_profile(minimal: Build) -> None:
    r = score(minimal(dims=0, sector="technology"))
    assert (r.weighted_mean, r.std_dev, r.cv, r.penalty, r.vr) == (D(0), D(0), D(0), D(1), D(0))
    assert r.c_v == -1
    assert r.pf == D("-0.6")
    assert r.hr == D("63.7")
    assert r.alignment == D("0.5")
    assert r.synergy == 0
    assert r.org_air == D("22.4224")
    assert (r.ci_lower, r.ci_upper) == (D(0), D("45.3814"))


def test_all_hundred_profile(minimal: Build) -> None:
    r = score(minimal(dims=100, sector="technology"))
    assert (r.weighted_mean, r.std_dev, r.cv, r.penalty, r.vr) == (D(100), D(0), D(0), D(1), D(100))
    assert (r.c_v, r.c_m, r.pf) == (D("0.7"), D(0), D("0.42"))
    assert r.hr == D("74.41")
    assert r.alignment == D("0.95")
    assert r.synergy == D("70.6895")
    assert r.org_air == D("87.4751")
    assert r.ci_upper == 100


def test_top_profile_reaches_exactly_one_hundred_and_ci_clamps_there(minimal: Build) -> None:
    r = score(
        minimal(
            dims=100,
            hr_baseline=100,
            market_cap_percentile=1,
            alignment=1,
            timing_factor=1.2,
            evidence_count=300,
        )
    )
    assert r.hr == 100
    assert r.synergy == 100
    assert r.org_air == 100
    assert (r.ci_lower, r.ci_upper) == (D("97.256"), D(100))


def one_hot(name: str, value: int = 100) -> dict[str, int]:
    return {n: (value if n == name else 0) for n in DIMENSION_NAMES}


def test_penalty_clamps_at_zero_when_lambda_times_cv_exceeds_one(minimal: Build) -> None:
    payload = minimal(dimensions=one_hot("culture"))
    harsh = score(payload, ScoringParameters.model_validate({"lambda": D("0.5")}))
    assert (harsh.weighted_mean, harsh.std_dev, harsh.cv) == (D(10), D(30), D(3))
    assert harsh.penalty == 0
    assert harsh.vr == 0
    mild = score(payload)
    assert mild.penalty == D("0.25")
    assert mild.vr == D("2.5")


def test_penalty_is_one_without_lambda(minimal: Build) -> None:
    r = score(minimal(dimensions=one_hot("talent")), ScoringParameters.model_validate({"lambda": 0}))
    assert r.cv > 0
    assert r.penalty == 1


def test_hr_clamps_at_one_hundred(minimal: Build) -> None:
    r = score(minimal(dims=90, hr_baseline=100, market_cap_percentile=1))
    assert r.pf > 0
    assert r.hr_base == 100
    assert r.hr == 100


def test_hr_is_lowered_by_a_weak_position(minimal: Build) -> None:
    r = score(minimal(dims=0, hr_baseline=100, market_cap_percentile=0, sector="technology"))
    assert r.pf == -1
    assert r.hr == D("85")


@pytest.mark.parametrize(
    ("tc", "expected"), [("0", "1"), ("0.25", "1"), ("0.25004", "1"), ("0.5", "0.9625"), ("1", "0.8875")]
)
def test_talent_risk_only_penalises_concentration_above_a_quarter(tc: str, expected: str) -> None:
    assert talent_risk_adjustment(D(tc)) == D(expected)


def test_cv_is_zero_for_a_zero_mean() -> None:
    assert coefficient_of_variation(D(0), D(0)) == 0
    assert coefficient_of_variation(D("4.8388"), D("78.08")) == D("0.0620")


def test_position_terms_are_clamped_to_plus_minus_one() -> None:
    assert position_factor(D(100), D(45), D(1)) == (D(1), D(1), D(1))
    assert position_factor(D(0), D(65), D(0)) == (D(-1), D(-1), D(-1))


def test_synergy_uses_rounded_alignment_and_timing_within_bounds() -> None:
    assert synergy(D(100), D(100), D("0.80004"), D("1.2")) == D("96")
    assert synergy(D(100), D(100), D(1), D("1.3")) == D("100")
    assert synergy(D(50), D(50), D(1), D("0.5")) == D(20)


@pytest.mark.parametrize(
    ("leadership", "governance", "expected"),
    [
        (0, 0, "0.5"),
        (30, 40, "0.5"),
        (100, 100, "0.95"),
        (95, 95, "0.95"),
        (70, 60, "0.66"),
        (78, 75, "0.768"),
    ],
)
def test_derived_alignment_is_bounded_to_half_and_ninety_five_hundredths(
    leadership: int, governance: int, expected: str
) -> None:
    assert derived_alignment(D(leadership), D(governance)) == D(expected)


def test_derived_alignment_is_used_and_reported_when_alignment_is_absent(worked_example: Build) -> None:
    payload = worked_example()
    del payload["alignment"]
    r = score(payload)
    assert r.alignment == D("0.768")
    assert Assumption(field="alignment", default=D("0.768"), basis=r.assumptions[-1].basis) in r.assumptions


@pytest.mark.parametrize(
    ("evidence", "rho", "sem"),
    [
        (0, "0.3", "11.7138"),
        (1, "0.3", "11.7138"),
        (10, "0.8108", "6.09"),
        (230, "0.99", "1.4028"),
        (231, "0.99", "1.4"),
        (10**9, "0.99", "1.4"),
    ],
)
def test_reliability_grows_with_evidence_and_caps_at_ninety_nine_hundredths(
    worked_example: Build, evidence: int, rho: str, sem: str
) -> None:
    r = score(worked_example(evidence_count=evidence))
    assert (r.rho, r.sem) == (D(rho), D(sem))
    assert r.evidence_count == evidence


def test_reliability_is_unclamped_just_below_the_cap() -> None:
    assert reliability(230) < D("0.99")
    assert reliability(231) == D("0.99")
    assert reliability(0) == reliability(1) == D("0.3")


@pytest.mark.parametrize(
    ("level", "z", "lower", "upper"),
    [
        (0.90, "1.6449", "62.6216", "82.6565"),
        (0.95, "1.9600", "60.7026", "84.5754"),
        (0.99, "2.5758", "56.9524", "88.3257"),
    ],
)
def test_each_confidence_level_sets_z_and_the_interval(
    worked_example: Build, level: float, z: str, lower: str, upper: str
) -> None:
    r = score(worked_example(confidence_level=level))
    assert r.z == D(z)
    assert (r.ci_lower, r.ci_upper) == (D(lower), D(upper))


def test_z_table_is_the_rounded_normal_quantile() -> None:
    for level, z in Z_BY_CONFIDENCE.items():
        quantile = NormalDist().inv_cdf((1 + float(level)) / 2)
        assert D(repr(quantile)).quantize(D("0.0001"), rounding=ROUND_HALF_UP) == z


def test_ci_clamps_at_zero(minimal: Build) -> None:
    r = score(minimal(dims=0, evidence_count=0, confidence_level=0.99))
    assert r.ci_lower == 0
    assert r.org_air > 0


def test_every_default_is_reported_in_input_order(minimal: Build) -> None:
    r = score(minimal())
    assert [(a.field, a.default) for a in r.assumptions] == [
        ("talent_concentration", D("0.25")),
        ("market_cap_percentile", D("0.5")),
        ("hr_baseline", D(48)),
        ("alignment", D("0.5")),
        ("timing_factor", D(1)),
        ("evidence_count", D(1)),
        ("confidence_level", D("0.95")),
    ]
    assert all(a.basis for a in r.assumptions)


def test_nothing_is_assumed_when_everything_is_given(worked_example: Build) -> None:
    assert score(worked_example(hr_baseline=70)).assumptions == ()


def test_sector_baseline_comes_from_the_deployment_table(minimal: Build) -> None:
    params = ScoringParameters.model_validate({"hr_baselines": {"retail": D("40")}})
    r = score(minimal(), params)
    assert r.hr_base == 40
    assert Assumption(field="hr_baseline", default=D(40), basis="sector baseline for retail") in r.assumptions


def test_explicit_baseline_wins_over_the_table(worked_example: Build) -> None:
    r = score(worked_example(hr_baseline=50))
    assert r.hr_base == 50
    assert r.hr == D("53.768")


def test_dimensions_are_rounded_to_four_places_before_weighting(minimal: Build) -> None:
    fine = score(minimal(dims=D("50.00004")))
    assert fine.weighted_mean == D(50)
    coarse = score(minimal(dims=D("50.00005")))
    assert coarse.weighted_mean == D("50.0001")


def test_ebitda_projection_is_added_when_a_target_is_given(worked_example: Build) -> None:
    r = score(worked_example(target_org_air=85))
    assert r.target_org_air == 85
    assert r.ebitda_impact_pct == D("0.3257")
    below = score(worked_example(target_org_air=50))
    assert below.ebitda_impact_pct == D("-0.5965")


def test_ebitda_uses_the_overridden_gamma(worked_example: Build) -> None:
    r = score(
        worked_example(target_org_air=85), ScoringParameters.model_validate({"ebitda_gamma": D("0.05")})
    )
    assert r.ebitda_impact_pct == D("0.4652")
    assert r.parameters.ebitda_gamma == D("0.05")


def test_reported_parameters_are_those_applied(worked_example: Build) -> None:
    params = ScoringParameters.model_validate({"alpha": D("0.65"), "lambda": D("0.123456")})
    r = score(worked_example(), params)
    assert r.parameters.alpha == D("0.65")
    assert r.parameters.lambda_ == D("0.1235")
    assert r.parameters.dimension_weights.ordered() == WEIGHTS


def test_alpha_shifts_weight_between_readiness_and_opportunity(worked_example: Build) -> None:
    low = score(worked_example(), ScoringParameters.model_validate({"alpha": D("0.55")}))
    high = score(worked_example(), ScoringParameters.model_validate({"alpha": D("0.70")}))
    assert high.org_air > low.org_air  # V^R (76.87) exceeds H^R (75.28) in the worked example


def test_a_changed_thread_context_does_not_move_the_score(worked_example: Build) -> None:
    company = parse_company_input(worked_example())
    with localcontext() as ctx:
        ctx.prec = 6
        ctx.rounding = ROUND_DOWN
        r = score_v2(company, DEFAULT_PARAMETERS)
    assert r.org_air == D("72.6390")
    assert r.ci_lower == D("60.7026")
