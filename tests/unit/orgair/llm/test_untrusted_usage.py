"""Provider-reported usage is untrusted input: no reply settles above the call's reservation.

Providers are faked at the HTTP transport (respx); the ledger is the embedded DynamoDB.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx
from orgair.business_metrics import ANOMALOUS_PROVIDER_USAGE
from orgair.costs.budget import GLOBAL_SCOPE, tenant_scope
from orgair.costs.ledger import MAX_RECORDED_TOKENS, CostLedger
from orgair.llm.breaker import BreakerRegistry
from orgair.llm.gateway import LlmGateway
from orgair.transport import Deadline
from pydantic import BaseModel
from support.costs import FakeClock, assert_reconciled, at, cost_settings
from support.llm import (
    ANTHROPIC_URL,
    OPENAI_URL,
    anthropic_reply,
    assessment_request,
    openai_reply,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

GOOD = {"label": "ready"}


class Verdict(BaseModel):
    label: str


@pytest.fixture
def gateway(dynamodb: EmbeddedDynamoDB) -> LlmGateway:
    settings = cost_settings(DAILY_COST_BUDGET_USD="0.20")
    return LlmGateway(
        settings,
        CostLedger(settings, clock=FakeClock(at("2026-03-02T10:00:00"))),
        breakers=BreakerRegistry(),
        sleep=lambda _: None,
        jitter=lambda low, high: high,
    )


def lines(gateway: LlmGateway, tenant: str) -> list[Any]:
    return list(gateway.ledger.store.ledger_lines(tenant, gateway.ledger.clock().date()))


@pytest.mark.parametrize(
    "reply",
    [
        openai_reply(GOOD, prompt_tokens=10**40, completion=10**40),
        openai_reply(GOOD, prompt_tokens=100, completion=10**40),
        openai_reply(GOOD, prompt_tokens=5_000_000, completion=10),
    ],
    ids=["both 10^40", "output 10^40", "input far above the prompt"],
)
def test_a_reply_claiming_more_than_the_reservation_is_settled_at_it_flagged_and_counted(
    gateway: LlmGateway, provider: respx.MockRouter, reply: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    provider.post(OPENAI_URL).mock(return_value=reply)

    result = gateway.complete_json(assessment_request("acme"), Verdict, deadline=Deadline.within(25))

    (line,) = lines(gateway, "acme")
    assert result.value == Verdict(label="ready")
    assert line.anomalous is True
    assert line.status == "settled"
    assert line.estimate_micros is not None
    assert line.cost_micros == line.estimate_micros
    assert max(line.usage.input_tokens, line.usage.output_tokens) <= MAX_RECORDED_TOKENS
    day = gateway.ledger.clock().date()
    counter = gateway.ledger.store.counter(GLOBAL_SCOPE, day)
    assert counter.committed_micros == line.estimate_micros <= gateway.ledger.global_limit_micros
    assert f'"{ANOMALOUS_PROVIDER_USAGE}":[1.0]' in capsys.readouterr().out
    assert_reconciled(gateway.ledger, ["acme"], day)


def test_a_reply_within_the_reservation_is_settled_as_reported_and_not_flagged(
    gateway: LlmGateway, provider: respx.MockRouter, capsys: pytest.CaptureFixture[str]
) -> None:
    provider.post(ANTHROPIC_URL).mock(return_value=anthropic_reply(GOOD, input_tokens=50, output_tokens=20))
    gateway = LlmGateway(
        gateway.settings.model_copy(update={"DEFAULT_LLM_MODEL": "claude-sonnet-4-20250514"}),
        gateway.ledger,
        breakers=BreakerRegistry(),
        sleep=lambda _: None,
    )

    gateway.complete_json(assessment_request("acme"), Verdict, deadline=Deadline.within(25))

    (line,) = lines(gateway, "acme")
    assert line.anomalous is False
    assert line.estimate_micros is not None
    assert 0 < line.cost_micros < line.estimate_micros
    assert ANOMALOUS_PROVIDER_USAGE not in capsys.readouterr().out


def test_an_absurd_reply_for_one_tenant_leaves_the_others_admitted(
    gateway: LlmGateway, provider: respx.MockRouter
) -> None:
    route = provider.post(OPENAI_URL)
    route.side_effect = [
        openai_reply(GOOD, prompt_tokens=10**40, completion=10**40),
        *[openai_reply(GOOD, prompt_tokens=100, completion=20) for _ in range(5)],
    ]

    gateway.complete_json(assessment_request("greedy"), Verdict, deadline=Deadline.within(25))
    others = [
        gateway.complete_json(assessment_request(f"other-{index}"), Verdict, deadline=Deadline.within(25))
        for index in range(5)
    ]

    assert [result.value for result in others] == [Verdict(label="ready")] * 5
    day = gateway.ledger.clock().date()
    greedy = gateway.ledger.store.counter(tenant_scope("greedy"), day)
    (line,) = lines(gateway, "greedy")
    assert greedy.settled_micros == line.estimate_micros
    assert (
        gateway.ledger.store.counter(GLOBAL_SCOPE, day).committed_micros < gateway.ledger.global_limit_micros
    )
