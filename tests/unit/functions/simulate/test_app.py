"""The simulate function end to end: API Gateway events in, scores or problem+json out.

Acceptance of the scoring contract over the HTTP layer (the worked example on both stages), what-if
parameters and auth; validation, individuals and the promise that a simulation equals the stored
score have their own test_app_*.py.
"""

from __future__ import annotations

import json
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from support.lambda_events import ROOT
from support.scores_api import simulate_score
from support.scoring_requests import (
    DIMENSIONS,
    WORKED_EXAMPLE,
    count_items,
    invoke,
    local_client,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

DEFAULT_WEIGHTS = {
    "data_infrastructure": 0.18,
    "ai_governance": 0.15,
    "technology_stack": 0.15,
    "talent": 0.17,
    "leadership": 0.13,
    "use_case_portfolio": 0.12,
    "culture": 0.1,
}


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
