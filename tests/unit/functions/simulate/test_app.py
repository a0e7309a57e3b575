"""The simulate function end to end: API Gateway events in, scores or problem+json out.

Acceptance of the scoring contract over the HTTP layer (worked example on both stages), what-if
parameters, every validation rule a caller can hit, auth, and the promise that a simulation is
exactly the computation a stored score runs, stored nowhere.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orgair.scoring.models import V2_ONLY_INPUTS
from support.lambda_events import ROOT, load_function
from support.scoring_requests import (
    DIMENSIONS,
    WORKED_EXAMPLE,
    Reply,
    company,
    count_items,
    for_stage,
    for_v1,
    invoke,
    local_client,
    request,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

SECTORS = (
    "technology",
    "financial_services",
    "healthcare",
    "business_services",
    "retail",
    "manufacturing",
    "other",
)
DEFAULT_WEIGHTS = {
    "data_infrastructure": 0.18,
    "ai_governance": 0.15,
    "technology_stack": 0.15,
    "talent": 0.17,
    "leadership": 0.13,
    "use_case_portfolio": 0.12,
    "culture": 0.1,
}


@pytest.fixture(scope="module")
def simulate() -> ModuleType:
    return load_function("simulate")


def simulate_score(
    module: ModuleType,
    body: Any,
    *,
    stage: str = "v2",
    tenant: str | None = "acme",
    scopes: str = "scores:read",
) -> Reply:
    return request(
        module,
        "POST",
        "/scores/simulate",
        stage=stage,
        body=for_stage(body, stage),
        tenant=tenant,
        scopes=scopes,
    )


def score_person(module: ModuleType, body: Any, *, scopes: str = "scores:write") -> Reply:
    return request(module, "POST", "/individuals/scores", body=body, scopes=scopes)


# ---------------------------------------------------------------- acceptance: the worked example


def test_v2_simulation_of_the_worked_example_reports_every_step_of_the_specification(
    simulate: ModuleType,
) -> None:
    reply = simulate_score(simulate, WORKED_EXAMPLE)

    assert reply.status == 200, reply
    result = reply.body
    assert result["param_version"] == "v2.0"
    assert Decimal(str(result["org_air"])) == Decimal("72.6390")
    assert (result["ci_lower"], result["ci_upper"]) == (60.7026, 84.5754)
    expected_steps = {
        "weighted_mean": 78.08,
        "std_dev": 4.8388,
        "cv": 0.062,
        "penalty": 0.9845,
        "tra": 1,
        "vr": 76.8698,
        "sector_vr_average": 65,
        "c_v": 0.2374,
        "c_m": 0.9,
        "pf": 0.5024,
        "hr_base": 70,
        "hr": 75.2752,
        "alignment": 0.8,
        "timing_factor": 1,
        "synergy": 46.2911,
        "rho": 0.8108,
        "sem": 6.09,
        "z": 1.96,
        "evidence_count": 10,
        "confidence_level": 0.95,
    }
    assert {name: result[name] for name in expected_steps} == expected_steps
    assert result["parameters"] == {
        "alpha": 0.6,
        "beta": 0.12,
        "lambda": 0.25,
        "delta": 0.15,
        "ebitda_gamma": 0.035,
        "dimension_weights": DEFAULT_WEIGHTS,
    }
    assert [item["field"] for item in result["assumptions"]] == ["hr_baseline", "confidence_level"]


def test_reported_numbers_are_json_numbers_not_strings(simulate: ModuleType) -> None:
    reply = simulate_score(simulate, WORKED_EXAMPLE)

    assert '"org_air":72.639' in reply.raw_body
    assert all(
        not isinstance(value, str)
        for key, value in reply.body.items()
        if key not in {"param_version", "company_id", "sector"}
    )


def test_v1_simulation_of_the_worked_example_is_the_composite_78_08(simulate: ModuleType) -> None:
    reply = simulate_score(simulate, WORKED_EXAMPLE, stage="v1")

    assert reply.status == 200, reply
    assert reply.body["param_version"] == "v1.0"
    assert Decimal(str(reply.body["composite"])) == Decimal("78.08")
    assert reply.body["weights"] == DEFAULT_WEIGHTS
    assert "org_air" not in reply.body


def test_a_target_adds_the_ebitda_projection(simulate: ModuleType) -> None:
    reply = simulate_score(simulate, {**WORKED_EXAMPLE, "target_org_air": 85})

    assert reply.status == 200, reply
    assert (reply.body["target_org_air"], reply.body["ebitda_impact_pct"]) == (85, 0.3257)


def test_a_simulation_stores_nothing(simulate: ModuleType, dynamodb: EmbeddedDynamoDB) -> None:
    assert simulate_score(simulate, WORKED_EXAMPLE).status == 200
    assert simulate_score(simulate, {**WORKED_EXAMPLE, "parameters": {"alpha": 0.7}}).status == 200

    assert count_items(local_client(dynamodb.endpoint_url)) == {
        "ScoresTable": 0,
        "ReviewsTable": 0,
        "IdempotencyTable": 0,
    }


# ---------------------------------------------------------------- what-if parameters


def test_what_if_overrides_change_the_score_and_are_echoed_in_parameters(simulate: ModuleType) -> None:
    baseline = simulate_score(simulate, WORKED_EXAMPLE).body
    reply = simulate_score(simulate, {**WORKED_EXAMPLE, "parameters": {"alpha": 0.65, "lambda": 0.3}})

    assert reply.status == 200, reply
    # By hand from the specification: P = 1 - 0.3 * 0.0620 = 0.9814, V^R = 78.08 * P = 76.627712,
    # c_V = 0.2326, PF = 0.49956, H^R = 70 * (1 + 0.15 * 0.4996) = 75.2458, S = 46.1273...,
    # Org-AI-R = 0.88 * (0.65 V^R + 0.35 H^R) + 0.12 S = 72.54203...; CI = 72.54203 -/+ 1.96 * 6.09.
    assert (reply.body["penalty"], reply.body["vr"], reply.body["hr"]) == (0.9814, 76.6277, 75.2458)
    assert reply.body["org_air"] == 72.542
    assert (reply.body["ci_lower"], reply.body["ci_upper"]) == (60.6056, 84.4784)
    assert reply.body["org_air"] != baseline["org_air"]
    assert reply.body["parameters"] == {**baseline["parameters"], "alpha": 0.65, "lambda": 0.3}


def test_overridden_dimension_weights_are_used_and_echoed(simulate: ModuleType) -> None:
    weights = dict.fromkeys(DIMENSIONS, 0.1) | {"data_infrastructure": 0.4}
    reply = simulate_score(simulate, {**WORKED_EXAMPLE, "parameters": {"dimension_weights": weights}})

    assert reply.status == 200, reply
    # 0.4 * 80 + 0.1 * (75 + 85 + 82 + 78 + 70 + 72) = 32 + 46.2
    assert reply.body["weighted_mean"] == 78.2
    assert reply.body["parameters"]["dimension_weights"] == weights


def test_overrides_also_apply_on_stage_v1_weights(simulate: ModuleType) -> None:
    weights = dict.fromkeys(DIMENSIONS, 0.1) | {"data_infrastructure": 0.4}
    reply = simulate_score(
        simulate, {**WORKED_EXAMPLE, "parameters": {"dimension_weights": weights}}, stage="v1"
    )

    assert reply.status == 200, reply
    assert (reply.body["composite"], reply.body["weights"]) == (78.2, weights)


@pytest.mark.parametrize(
    ("parameters", "field"),
    [
        ({"alpha": 0.8}, "parameters.alpha"),
        ({"alpha": 0.5}, "parameters.alpha"),
        ({"beta": 0.25}, "parameters.beta"),
        ({"lambda": 0.51}, "parameters.lambda"),
        ({"delta": 0.05}, "parameters.delta"),
        ({"ebitda_gamma": 0.06}, "parameters.ebitda_gamma"),
        ({"dimension_weights": DEFAULT_WEIGHTS | {"culture": 0.2}}, "parameters.dimension_weights"),
        ({"dimension_weights": {**DEFAULT_WEIGHTS, "culture": -0.1}}, "parameters.dimension_weights.culture"),
        ({"gamma": 0.1}, "parameters.gamma"),
        ({"alpha": "0.6"}, "parameters.alpha"),
        (
            {"dimension_weights": {k: v for k, v in DEFAULT_WEIGHTS.items() if k != "culture"}},
            "parameters.dimension_weights.culture",
        ),
    ],
)
def test_an_override_outside_its_allowed_range_is_422_naming_the_field(
    simulate: ModuleType, parameters: dict[str, Any], field: str
) -> None:
    reply = simulate_score(simulate, {**WORKED_EXAMPLE, "parameters": parameters})

    assert reply.is_problem(422), reply
    assert field in reply.fields()


def test_weights_within_the_tolerance_are_accepted_even_when_their_rounding_is_not(
    simulate: ModuleType,
) -> None:
    weights = {
        "data_infrastructure": 0,
        "ai_governance": 0,
        "technology_stack": 0.12824,
        "talent": 0.18444,
        "leadership": 0.19004,
        "use_case_portfolio": 0.19434,
        "culture": 0.30194,
    }  # sum 0.999: within 0.001 of 1, as the specification allows
    reply = simulate_score(simulate, {**WORKED_EXAMPLE, "parameters": {"dimension_weights": weights}})

    assert reply.status == 200, reply


def test_weights_not_summing_to_one_name_only_the_weights_object(simulate: ModuleType) -> None:
    weights = DEFAULT_WEIGHTS | {"data_infrastructure": 0.5}
    reply = simulate_score(
        simulate, {**WORKED_EXAMPLE, "parameters": {"alpha": 0.8, "dimension_weights": weights}}
    )

    assert reply.is_problem(422), reply
    assert reply.fields() == ["parameters.alpha", "parameters.dimension_weights"]
    alpha, weights_error = (error["message"] for error in reply.body["errors"])
    assert "from 0.55 to 0.7" in alpha
    assert "must sum to 1 within 0.001" in weights_error
    assert "1.32" in weights_error


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


# ---------------------------------------------------------------- authentication


def test_without_authorizer_context_a_simulation_is_401(simulate: ModuleType) -> None:
    reply = simulate_score(simulate, WORKED_EXAMPLE, tenant=None)

    assert reply.is_problem(401), reply
    assert "org_air" not in reply.body


def test_without_the_scores_read_scope_a_simulation_is_403(simulate: ModuleType) -> None:
    reply = simulate_score(simulate, WORKED_EXAMPLE, scopes="scores:write reviews:read")

    assert reply.is_problem(403), reply
    assert "scores:read" in reply.body["detail"]


@pytest.mark.parametrize("scopes", ["scores:read", "admin", "costs:read scores:read"])
def test_scores_read_or_admin_may_simulate(simulate: ModuleType, scopes: str) -> None:
    assert simulate_score(simulate, WORKED_EXAMPLE, scopes=scopes).status == 200


def test_the_committed_sample_event_is_served(simulate: ModuleType) -> None:
    event = json.loads((ROOT / "events" / "scores-simulate.json").read_text())
    reply = invoke(simulate, event)

    assert reply.status == 200, reply
    assert (reply.body["parameters"]["alpha"], reply.body["parameters"]["lambda"]) == (0.65, 0.3)
    assert reply.header("X-Correlation-ID") == "sample-correlation-id"


# ---------------------------------------------------------------- simulate == stored


def storable(value: float) -> bool:
    """DynamoDB holds no magnitude below 1e-130, so storing refuses those (simulating does not)."""
    return value == 0 or value >= 1e-100


unit = st.floats(min_value=0, max_value=1, allow_nan=False).filter(storable)
score = st.one_of(
    st.integers(min_value=0, max_value=100),
    st.floats(min_value=0, max_value=100, allow_nan=False).filter(storable),
    st.decimals(min_value=0, max_value=100, places=4).map(float),
)
optional_inputs = st.fixed_dictionaries(
    {},
    optional={
        "talent_concentration": unit,
        "market_cap_percentile": unit,
        "hr_baseline": score,
        "alignment": st.floats(min_value=1e-100, max_value=1, allow_nan=False),
        "timing_factor": st.floats(min_value=0.8, max_value=1.2, allow_nan=False),
        "evidence_count": st.integers(min_value=0, max_value=400),
        "confidence_level": st.sampled_from([0.9, 0.95, 0.99]),
        "target_org_air": score,
    },
)
companies = st.builds(
    lambda company_id, sector, dimensions, optional: {
        "company_id": company_id,
        "sector": sector,
        "dimensions": dimensions,
        **optional,
    },
    st.from_regex(r"[A-Za-z0-9._-]{1,20}", fullmatch=True),
    st.sampled_from(SECTORS).flatmap(lambda name: st.sampled_from([name, name.upper(), name.title()])),
    st.fixed_dictionaries(dict.fromkeys(DIMENSIONS, score)),
    optional_inputs,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=companies)
def test_simulate_returns_exactly_the_result_a_stored_score_keeps(
    simulate: ModuleType, dynamodb: EmbeddedDynamoDB, body: dict[str, Any]
) -> None:
    scores = load_scores()
    simulated = simulate_score(simulate, body)
    stored = request(scores, "POST", "/scores", body=body)
    read = request(
        scores,
        "GET",
        f"/scores/{stored.body['score_id']}",
        path_parameters={"score_id": stored.body["score_id"]},
    )

    assert simulated.status == 200, simulated
    assert stored.status == 201, stored
    assert stored.body["result"] == simulated.body
    assert read.body["result"] == simulated.body


_scores_module: list[ModuleType] = []


def load_scores() -> ModuleType:
    if not _scores_module:
        _scores_module.append(load_function("scores"))
    return _scores_module[0]


def test_simulate_on_v1_equals_the_stored_v1_score(simulate: ModuleType, dynamodb: EmbeddedDynamoDB) -> None:
    body = company("v1-co", talent_concentration=0.4)
    simulated = simulate_score(simulate, body, stage="v1")
    stored = request(load_scores(), "POST", "/scores", stage="v1", body=for_v1(body))

    assert (simulated.status, stored.status) == (200, 201)
    assert stored.body["result"] == simulated.body


def test_v1_simulation_refuses_v2_only_parameters_and_inputs_naming_each(simulate: ModuleType) -> None:
    body = {**WORKED_EXAMPLE, "parameters": {"alpha": 0.6, "lambda": 0.2, "dimension_weights": None}}
    reply = request(simulate, "POST", "/scores/simulate", stage="v1", body=body)

    assert reply.is_problem(422), reply
    v2_inputs = [key for key in WORKED_EXAMPLE if key in V2_ONLY_INPUTS]
    assert sorted(reply.fields()) == sorted([*v2_inputs, "parameters.alpha", "parameters.lambda"])
    assert simulate_score(simulate, {**body, "parameters": {"alpha": 0.6}}, stage="v2").status == 200
