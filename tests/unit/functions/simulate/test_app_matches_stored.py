"""A simulation is exactly the computation a stored score runs: for any company the result equals what
the scores function stores, on v2 and on v1 (which refuses the v2-only inputs)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orgair.scoring.models import V2_ONLY_INPUTS
from support.lambda_events import load_function
from support.scores_api import SECTORS, simulate_score
from support.scoring_requests import (
    DIMENSIONS,
    WORKED_EXAMPLE,
    company,
    for_v1,
    request,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

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
