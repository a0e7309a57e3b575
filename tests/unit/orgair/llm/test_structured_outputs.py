"""Native structured outputs at the HTTP transport (respx): what each model is sent and how its
answer is read; a model without them keeps the schema-in-the-prompt request and the repair path."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx
from orgair.costs.ledger import CostLedger
from orgair.llm.breaker import BreakerRegistry
from orgair.llm.completions import LlmRequest
from orgair.llm.gateway import LlmGateway
from orgair.llm.schema import strict_schema
from orgair.logic.assessments import DimensionRatings
from orgair.transport import Deadline
from support.costs import FakeClock, at, cost_settings
from support.llm import ANTHROPIC_URL, OPENAI_URL, openai_reply, provider_error, ratings

from devtools.embedded_dynamodb import EmbeddedDynamoDB

RATINGS = ratings(range(60, 67))
REQUEST = LlmRequest("acme", "assessment", "corr-1", "req-1", "You rate readiness.", "Evidence text.")
SCHEMA = strict_schema(DimensionRatings)


def gateway(**overrides: Any) -> LlmGateway:
    settings = cost_settings(DEGRADED_LLM_MODEL="", **overrides)
    return LlmGateway(
        settings,
        CostLedger(settings, clock=FakeClock(at("2026-03-02T10:00:00"))),
        breakers=BreakerRegistry(),
        sleep=lambda _: None,
    )


def tool_use_reply(value: Any) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Recording the ratings."},
                {"type": "tool_use", "id": "toolu_1", "name": "DimensionRatings", "input": value},
            ],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": 1_000, "output_tokens": 300},
        },
    )


def test_the_default_model_is_sent_the_strict_json_schema_and_no_schema_in_the_prompt(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))

    result = gateway().complete_json(REQUEST, DimensionRatings, deadline=Deadline.within(25))

    body = json.loads(route.calls.last.request.content)
    assert body["model"] == "gpt-4o-2024-08-06"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "DimensionRatings", "strict": True, "schema": SCHEMA.schema},
    }
    assert "JSON Schema" not in body["messages"][0]["content"]
    assert result.value.talent.score == 63
    assert len(result.attempts) == 1


def test_the_fallback_model_is_forced_to_call_the_one_tool_and_its_input_is_the_answer(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter
) -> None:
    provider.post(OPENAI_URL).mock(return_value=provider_error(503))
    route = provider.post(ANTHROPIC_URL).mock(return_value=tool_use_reply(RATINGS))

    result = gateway(LLM_MAX_RETRIES=0).complete_json(REQUEST, DimensionRatings, deadline=Deadline.within(25))

    body = json.loads(route.calls.last.request.content)
    assert body["model"] == "claude-sonnet-4-20250514"
    assert body["tools"] == [
        {
            "name": "DimensionRatings",
            "description": "Record the answer as one DimensionRatings object.",
            "input_schema": SCHEMA.schema,
        }
    ]
    assert body["tool_choice"] == {"type": "tool", "name": "DimensionRatings"}
    assert result.model == "claude-sonnet-4-20250514"
    assert result.value.culture.score == 66


def test_the_schema_sent_natively_is_part_of_the_reservation(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    native = gateway()

    native.complete_json(REQUEST, DimensionRatings, deadline=Deadline.within(25))

    (line,) = native.ledger.store.ledger_lines("acme", at("2026-03-02T10:00:00").date())
    sent_system = json.loads(route.calls.last.request.content)["messages"][0]["content"]
    expected = native.ledger.estimate(
        "gpt-4o-2024-08-06", [sent_system, REQUEST.user, SCHEMA.text], native.settings.LLM_MAX_OUTPUT_TOKENS
    )
    without_schema = native.ledger.estimate(
        "gpt-4o-2024-08-06", [sent_system, REQUEST.user], native.settings.LLM_MAX_OUTPUT_TOKENS
    )
    assert line.estimate_micros == expected > without_schema


def test_a_model_without_structured_outputs_gets_json_object_with_the_schema_in_the_prompt_and_is_repaired(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter
) -> None:
    broken = {name: value for name, value in RATINGS.items() if name != "culture"}
    route = provider.post(OPENAI_URL).mock(side_effect=[openai_reply(broken), openai_reply(RATINGS)])

    result = gateway(DEFAULT_LLM_MODEL="gpt-4o-2024-05-13").complete_json(
        REQUEST, DimensionRatings, deadline=Deadline.within(25)
    )

    first, repair = (json.loads(call.request.content) for call in route.calls)
    assert first["response_format"] == {"type": "json_object"}
    assert "It must validate against this JSON Schema" in first["messages"][0]["content"]
    assert [message["role"] for message in repair["messages"]] == ["system", "user", "assistant", "user"]
    assert "culture" in repair["messages"][-1]["content"]
    assert [attempt.outcome for attempt in result.attempts] == ["ok", "ok"]
    assert result.model == "gpt-4o-2024-05-13"


def test_a_structured_answer_that_breaks_a_described_bound_still_takes_the_repair_path(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter
) -> None:
    out_of_range = {**RATINGS, "talent": {"score": 140, "rationale": "Strong."}}
    route = provider.post(OPENAI_URL).mock(side_effect=[openai_reply(out_of_range), openai_reply(RATINGS)])

    result = gateway().complete_json(REQUEST, DimensionRatings, deadline=Deadline.within(25))

    assert route.call_count == 2
    repair = json.loads(route.calls.last.request.content)
    assert repair["response_format"]["type"] == "json_schema"
    assert "talent.score" in repair["messages"][-1]["content"]
    assert result.value.talent.score == 63
