"""The gateway against providers faked at the HTTP transport (respx) and the embedded DynamoDB."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from orgair.aws import reset_clients
from orgair.costs.budget import GLOBAL_SCOPE
from orgair.costs.ledger import CostLedger
from orgair.errors import BudgetExceeded, DependencyUnavailable, UnknownModelPrice, UpstreamInvalid
from orgair.llm.answers import parse_retry_after
from orgair.llm.breaker import BreakerRegistry
from orgair.llm.gateway import LlmGateway
from orgair.transport import Deadline
from pydantic import BaseModel, Field
from support.costs import FakeClock, assert_reconciled, at, cost_settings
from support.dynamodb_faults import closed_endpoint
from support.lambda_events import FakeLambdaContext
from support.llm import (
    ANTHROPIC_URL,
    OPENAI_URL,
    anthropic_reply,
    assessment_request,
    openai_reply,
    provider_error,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

GOOD = {"label": "ready", "score": 72}


class Verdict(BaseModel):
    label: str
    score: int = Field(ge=0, le=100)


REQUEST = assessment_request()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(at("2026-03-02T10:00:00"))


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_gateway(clock: FakeClock, sleeps: Sleeps) -> Any:
    def build(**overrides: Any) -> LlmGateway:
        settings = cost_settings(**overrides)
        return LlmGateway(
            settings,
            CostLedger(settings, clock=clock),
            breakers=BreakerRegistry(),
            sleep=sleeps,
            jitter=lambda low, high: high,
        )

    return build


def deadline(seconds: float = 25.0) -> Deadline:
    return Deadline.within(seconds)


def lines_of(gateway: LlmGateway) -> list[Any]:
    return list(gateway.ledger.store.ledger_lines("acme", gateway.ledger.clock().date()))


def test_a_valid_answer_is_returned_and_settled_at_the_served_price(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(GOOD, prompt_tokens=1_000, cached=400))
    gateway: LlmGateway = make_gateway()

    result = gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    assert result.value == Verdict(label="ready", score=72)
    assert (result.provider, result.model) == ("openai", "gpt-4o-2024-08-06")
    (line,) = lines_of(gateway)
    assert line.cost_micros == 600 * 2_500 // 1_000 + 400 * 1_250 // 1_000 + 200 * 10 == 4_000
    assert line.provider_request_id == "req_openai_1"
    assert line.meta.parent_request_id == result.parent_request_id
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == "Bearer sk-test-openai-key"
    body = json.loads(sent.content)
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "Verdict",
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {
                    "label": {"type": "string"},
                    "score": {"type": "integer", "description": "Constraints: minimum 0, maximum 100."},
                },
                "required": ["label", "score"],
                "additionalProperties": False,
            },
        },
    }
    assert body["max_completion_tokens"] == gateway.settings.LLM_MAX_OUTPUT_TOKENS
    assert_reconciled(gateway.ledger, ["acme"], line.day)


def test_default_model_503_falls_back_and_every_attempt_is_on_the_ledger(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any, sleeps: Sleeps
) -> None:
    openai = provider.post(OPENAI_URL).mock(return_value=provider_error(503))
    anthropic = provider.post(ANTHROPIC_URL).mock(return_value=anthropic_reply(GOOD))
    gateway: LlmGateway = make_gateway(LLM_MAX_RETRIES=1)

    result = gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    assert result.model == "claude-sonnet-4-20250514"
    assert openai.call_count == 2
    assert anthropic.call_count == 1
    lines = sorted(lines_of(gateway), key=lambda line: line.meta.attempt)
    assert [(line.meta.attempt, line.model, line.outcome) for line in lines] == [
        (1, "gpt-4o-2024-08-06", "http_503"),
        (2, "gpt-4o-2024-08-06", "http_503"),
        (3, "claude-sonnet-4-20250514", "ok"),
    ]
    assert {line.meta.parent_request_id for line in lines} == {result.parent_request_id}
    assert lines[2].cost_micros == 1_000 * 3 + 200 * 15 == 6_000
    assert len(sleeps.delays) == 1
    sent = anthropic.calls.last.request
    assert sent.headers["x-api-key"] == "anthropic-test-key"
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert_reconciled(gateway.ledger, ["acme"], lines[0].day)


def test_retry_after_is_honoured_before_the_next_attempt(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any, sleeps: Sleeps
) -> None:
    provider.post(OPENAI_URL).mock(side_effect=[provider_error(429, retry_after="3"), openai_reply(GOOD)])
    gateway: LlmGateway = make_gateway(LLM_MAX_RETRIES=2)

    gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    assert sleeps.delays == [3.0]


def test_a_read_timeout_is_charged_at_the_reservation_as_uncertain(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    provider.post(OPENAI_URL).mock(side_effect=[httpx.ReadTimeout("slow"), openai_reply(GOOD)])
    gateway: LlmGateway = make_gateway()

    result = gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    first, second = sorted(lines_of(gateway), key=lambda line: line.meta.attempt)
    assert first.status == "uncertain"
    assert first.cost_micros == first.estimate_micros
    assert second.status == "settled"
    assert result.cost_micros == first.cost_micros + second.cost_micros


def test_a_request_that_never_left_costs_nothing_but_is_still_a_line(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    provider.post(OPENAI_URL).mock(side_effect=[httpx.ConnectError("refused"), openai_reply(GOOD)])
    gateway: LlmGateway = make_gateway()

    gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    first, _ = sorted(lines_of(gateway), key=lambda line: line.meta.attempt)
    assert (first.status, first.cost_micros, first.outcome) == ("settled", 0, "not_sent:ConnectError")


def test_an_invalid_answer_is_repaired_once(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    route = provider.post(OPENAI_URL).mock(
        side_effect=[openai_reply({"label": "ready", "score": 140}), openai_reply(GOOD)]
    )
    gateway: LlmGateway = make_gateway()

    result = gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    assert result.value.score == 72
    assert len(result.attempts) == 2
    repair = json.loads(route.calls.last.request.content)["messages"]
    assert repair[-2]["role"] == "assistant"
    assert "score" in repair[-1]["content"]


def test_an_answer_still_invalid_after_repair_is_a_502_with_its_cost_on_the_ledger(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply("no json at all"))
    gateway: LlmGateway = make_gateway()

    with pytest.raises(UpstreamInvalid) as failed:
        gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    lines = lines_of(gateway)
    assert failed.value.status == 502
    assert len(lines) == 2
    assert failed.value.extensions["cost"] == "0.009000"
    assert sum(line.cost_micros for line in lines) == 2 * (1_000 * 2_500 // 1_000 + 200 * 10)


@pytest.mark.network
def test_store_unreachable_is_a_503_and_no_provider_is_called(
    provider: respx.MockRouter, make_gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", closed_endpoint())
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    reset_clients()
    openai = provider.post(OPENAI_URL).mock(return_value=openai_reply(GOOD))
    anthropic = provider.post(ANTHROPIC_URL).mock(return_value=anthropic_reply(GOOD))
    gateway: LlmGateway = make_gateway()
    try:
        with pytest.raises(DependencyUnavailable) as refused:
            gateway.complete_json(REQUEST, Verdict, deadline=deadline())
    finally:
        reset_clients()

    assert refused.value.status == 503
    assert "Retry-After" in refused.value.headers
    assert not openai.called
    assert not anthropic.called
    assert len(provider.calls) == 0


def test_over_budget_is_a_429_and_no_provider_is_called(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(GOOD))
    # Below even the degraded model's worst case (gpt-4o-mini: 1,500 output tokens = 900 µUSD).
    gateway: LlmGateway = make_gateway(DAILY_COST_BUDGET_USD="0.0005")

    with pytest.raises(BudgetExceeded) as refused:
        gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    assert refused.value.extensions["scope"] == GLOBAL_SCOPE
    assert not route.called


def test_the_per_request_cap_covers_all_attempts_of_one_request(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    route = provider.post(OPENAI_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    gateway: LlmGateway = make_gateway(MAX_REQUEST_COST_USD="0.03", LLM_MAX_RETRIES=3)

    with pytest.raises(BudgetExceeded) as refused:
        gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    assert refused.value.extensions["scope"] == "request"
    assert route.call_count == 1, "a timed-out attempt keeps its worst case; a second one would pass the cap"


def test_without_any_provider_key_nothing_is_called_and_the_answer_is_503(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    gateway: LlmGateway = make_gateway(OPENAI_API_KEY=None, ANTHROPIC_API_KEY=None)

    with pytest.raises(DependencyUnavailable, match="OPENAI_API_KEY or ANTHROPIC_API_KEY"):
        gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    assert len(provider.calls) == 0
    assert lines_of(gateway) == []


def test_an_unpriced_model_is_refused_before_any_reservation_or_call(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    gateway: LlmGateway = make_gateway(DEFAULT_LLM_MODEL="gpt-9-preview")

    with pytest.raises(UnknownModelPrice):
        gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    assert len(provider.calls) == 0
    assert gateway.ledger.store.counter(GLOBAL_SCOPE, gateway.ledger.clock().date()).committed_micros == 0


def test_an_open_circuit_skips_its_provider_without_a_call(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    openai = provider.post(OPENAI_URL).mock(return_value=provider_error(500))
    provider.post(ANTHROPIC_URL).mock(return_value=anthropic_reply(GOOD))
    gateway: LlmGateway = make_gateway(LLM_MAX_RETRIES=0)
    for _ in range(5):
        gateway.complete_json(REQUEST, Verdict, deadline=deadline())
    calls_when_opened = openai.call_count

    result = gateway.complete_json(REQUEST, Verdict, deadline=deadline())

    assert calls_when_opened == 5
    assert openai.call_count == 5
    assert gateway.breakers.get("openai").state == "open"
    assert result.provider == "anthropic"
    assert len(result.attempts) == 1


def test_no_attempt_starts_when_the_lambda_has_almost_no_time_left(
    dynamodb: EmbeddedDynamoDB, provider: respx.MockRouter, make_gateway: Any
) -> None:
    gateway: LlmGateway = make_gateway()
    nearly_over = FakeLambdaContext(timeout_ms=3_500)

    with pytest.raises(DependencyUnavailable, match="in time"):
        gateway.complete_json(REQUEST, Verdict, deadline=Deadline.within(25, context=nearly_over))

    assert len(provider.calls) == 0


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = at("2026-03-02T10:00:00")
    assert parse_retry_after("2", now) == 2.0
    assert parse_retry_after("Mon, 02 Mar 2026 10:00:05 GMT", now) == 5.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("100000", now) == 60.0
