"""POST /assessments end to end: API Gateway event, providers at the HTTP transport, real DynamoDB."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import respx
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.logic.scores import get_score
from orgair.records.costs import CallMeta
from orgair.settings import get_settings
from support.assessments_api import BODY, RATINGS, ledger_lines, post
from support.lambda_events import ROOT, FakeLambdaContext
from support.llm import OPENAI_URL, openai_reply


@pytest.mark.parametrize(("stage", "version"), [("v1", "v1.0"), ("v2", "v2.0")])
def test_evidence_is_rated_scored_with_the_stage_version_stored_and_its_cost_recorded(
    assessments: Any, provider: respx.MockRouter, stage: str, version: str
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS, prompt_tokens=900, completion=300))

    status, headers, body = post(assessments, stage=stage)

    assert status == 201
    assert headers["Location"] == f"/{stage}/scores/{body['score_id']}"
    assert body["param_version"] == version
    assert body["result"]["param_version"] == version
    assert body["inputs"]["dimensions"]["talent"] == 82
    assessment = body["assessment"]
    assert assessment["ratings"]["talent"] == {"score": 82, "rationale": "Evidence on talent."}
    (line,) = ledger_lines()
    assert assessment["llm"]["cost"] == "0.005250" == f"{Decimal(line.cost_micros) / 1_000_000:.6f}"
    assert assessment["llm"]["attempts"][0]["call_id"] == line.call_id
    assert line.meta.purpose == "assessment"
    assert line.meta.correlation_id == body["correlation_id"]


def test_at_80_percent_of_the_tenants_budget_the_assessment_runs_on_the_cheaper_model_and_says_so(
    assessments: Any, provider: respx.MockRouter
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    ledger = CostLedger(get_settings())
    ledger.store.set_tenant_limit("acme", 1_000_000, ledger.clock())
    seed = ledger.reserve(CallMeta("acme", "seed", "c", "r", "p"), "gpt-4o-2024-08-06", 800_000)
    ledger.settle(seed, Usage(output_tokens=80_000), outcome="ok")

    status, _, body = post(assessments)

    assert status == 201
    llm = body["assessment"]["llm"]
    assert llm["model"] == "gpt-4o-mini-2024-07-18"
    assert llm["degraded"] == {
        "reason": "soft_threshold",
        "scope": "tenant:acme",
        "threshold": "80",
        "requested_model": "gpt-4o-2024-08-06",
    }
    assert json.loads(route.calls.last.request.content)["model"] == "gpt-4o-mini-2024-07-18"
    (line,) = [line for line in ledger_lines() if line.meta.purpose == "assessment"]
    assert line.meta.degradation is not None
    assert line.meta.degradation.scope == "tenant:acme"


def test_below_the_threshold_the_assessment_says_it_was_not_degraded(
    assessments: Any, provider: respx.MockRouter
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))

    _, _, body = post(assessments)

    assert body["assessment"]["llm"]["model"] == "gpt-4o-2024-08-06"
    assert body["assessment"]["llm"]["degraded"] is None


def test_the_stored_assessment_is_readable_as_a_score(assessments: Any, provider: respx.MockRouter) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    _, _, created = post(assessments)

    stored = get_score("acme", created["score_id"], version="v2.0", settings=get_settings())

    assert stored.assessment is not None
    assert stored.assessment.llm.parent_request_id == created["assessment"]["llm"]["parent_request_id"]


def test_v2_scores_the_worked_example_exactly(assessments: Any, provider: respx.MockRouter) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    _, _, body = post(assessments)
    assert body["result"]["weighted_mean"] == 78.08


def test_over_budget_is_a_429_problem_with_retry_after_and_no_provider_call(
    assessments: Any, provider: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Below even DEGRADED_LLM_MODEL's worst case (gpt-4o-mini: 1,500 output tokens = 900 µUSD).
    monkeypatch.setenv("DAILY_COST_BUDGET_USD", "0.0005")
    get_settings.cache_clear()
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))

    status, headers, body = post(assessments)

    assert status == 429
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"] == "https://api.orgair.io/problems/budget-exceeded"
    assert body["scope"] == "global"
    assert "limit" not in body, "the shared budget's figures are no one tenant's business"
    assert "committed" not in body
    assert body["resets_at"].endswith("T00:00:00.000Z")
    assert 1 <= int(headers["Retry-After"]) <= 86_400
    assert not route.called
    assert ledger_lines() == []


def test_an_answer_invalid_after_one_repair_is_a_502_and_both_attempts_are_paid_on_the_ledger(
    assessments: Any, provider: respx.MockRouter
) -> None:
    broken = {**RATINGS, "talent": {"score": 140, "rationale": "too high"}}
    route = provider.post(OPENAI_URL).mock(
        return_value=openai_reply(broken, prompt_tokens=1_000, completion=200)
    )

    status, _, body = post(assessments)

    lines = ledger_lines()
    assert status == 502
    assert body["type"].endswith("/upstream-invalid-response")
    assert any(error["field"].startswith("talent") for error in body["errors"])
    assert route.call_count == 2
    assert len(lines) == 2
    assert sum(line.cost_micros for line in lines) == 2 * 4_500
    assert body["cost"] == "0.009000"


def test_assessing_needs_the_assessments_write_scope(assessments: Any, provider: respx.MockRouter) -> None:
    status, _, _ = post(assessments, scopes="scores:write")
    assert status == 403
    assert len(provider.calls) == 0


def test_evidence_over_the_bound_is_a_422_naming_the_field(
    assessments: Any, provider: respx.MockRouter
) -> None:
    status, _, body = post(assessments, body={**BODY, "evidence": "x" * 20_001})
    assert status == 422
    assert body["errors"][0]["field"] == "evidence"
    assert len(provider.calls) == 0


def test_a_retried_request_with_the_same_idempotency_key_is_paid_once(
    assessments: Any, provider: respx.MockRouter
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))

    first = post(assessments, headers={"Idempotency-Key": "assess-1"})
    second = post(assessments, headers={"Idempotency-Key": "assess-1"})

    assert first[0] == second[0] == 201
    assert first[2] == second[2]
    assert route.call_count == 1
    assert len(ledger_lines()) == 1


def test_without_provider_keys_the_answer_is_503_and_nothing_is_invented(
    assessments: Any, provider: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    get_settings.cache_clear()

    status, headers, body = post(assessments)

    assert status == 503
    assert "Retry-After" in headers
    assert "OPENAI_API_KEY" in body["detail"]
    assert len(provider.calls) == 0


def test_the_sample_event_is_served(assessments: Any, provider: respx.MockRouter) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    event = json.loads((ROOT / "events" / "assessments.json").read_text())
    result = assessments.lambda_handler(event, FakeLambdaContext("AssessmentsFunction", timeout_ms=29_000))
    assert result["statusCode"] == 201, result["body"]
    assert json.loads(result["body"])["company_id"] == "acme-portco-1"
