"""Degrade before refusing, through the gateway at the HTTP transport and the embedded DynamoDB."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import respx
from orgair.costs.budget import tenant_scope
from orgair.costs.ledger import CostLedger
from orgair.costs.money import usd_to_micros_floor
from orgair.errors import BudgetExceeded
from orgair.llm.breaker import BreakerRegistry
from orgair.llm.completions import LlmRequest
from orgair.llm.gateway import LlmGateway
from orgair.logic.assessments import DimensionRatings
from orgair.records.costs import Degradation
from orgair.transport import Deadline
from support.costs import FakeClock, assert_reconciled, at, cost_settings
from support.llm import OPENAI_URL, openai_reply, ratings

from devtools.embedded_dynamodb import EmbeddedDynamoDB

RATINGS = ratings(70)
DAY = at("2026-03-02T10:00:00").date()


def request(index: int = 0) -> LlmRequest:
    return LlmRequest("acme", "assessment", f"corr-{index}", f"req-{index}", "You rate.", "Evidence text.")


@pytest.fixture
def make_gateway(dynamodb: EmbeddedDynamoDB) -> Any:
    clock = FakeClock(at("2026-03-02T10:00:00"))

    def build(**overrides: Any) -> LlmGateway:
        settings = cost_settings(**overrides)
        return LlmGateway(settings, CostLedger(settings, clock=clock), breakers=BreakerRegistry())

    return build


def spend(gateway: LlmGateway, micros: int) -> None:
    """Commit `micros` in the tenant's scopes through a real reservation and settlement."""
    from orgair.costs.pricing import Usage
    from orgair.records.costs import CallMeta

    ledger = gateway.ledger
    meta = CallMeta("acme", "seed", "c", "r", "p")
    hold = ledger.reserve(meta, "gpt-4o-2024-08-06", micros)
    ledger.settle(hold, Usage(output_tokens=micros // 10), outcome="ok")


def tenant_spent(make_gateway: Any, micros: int) -> LlmGateway:
    """A gateway whose tenant acme has a 1 USD daily budget and has spent `micros` of it today."""
    gateway: LlmGateway = make_gateway()
    gateway.ledger.store.set_tenant_limit("acme", 1_000_000, gateway.ledger.clock())
    spend(gateway, micros)
    return gateway


def test_at_80_percent_of_the_tenant_budget_the_next_call_runs_on_the_cheaper_model_and_says_so(
    provider: respx.MockRouter, make_gateway: Any
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    gateway = tenant_spent(make_gateway, 800_000)

    result = gateway.complete_json(request(), DimensionRatings, deadline=Deadline.within(25))

    assert json.loads(route.calls.last.request.content)["model"] == "gpt-4o-mini-2024-07-18"
    assert result.model == "gpt-4o-mini-2024-07-18"
    expected = Degradation("soft_threshold", "tenant:acme", "80", "gpt-4o-2024-08-06")
    assert result.degradation == expected
    (line,) = [
        line for line in gateway.ledger.store.ledger_lines("acme", DAY) if line.meta.purpose == "assessment"
    ]
    assert line.model == "gpt-4o-mini-2024-07-18"
    assert line.meta.degradation == expected
    assert_reconciled(gateway.ledger, ["acme"], DAY)


def test_just_below_80_percent_the_default_model_is_used(
    provider: respx.MockRouter, make_gateway: Any
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    gateway = tenant_spent(make_gateway, 799_990)

    result = gateway.complete_json(request(), DimensionRatings, deadline=Deadline.within(25))

    assert json.loads(route.calls.last.request.content)["model"] == "gpt-4o-2024-08-06"
    assert result.degradation is None


def test_the_routing_decision_is_a_metric_with_reason_and_scope_kind(
    provider: respx.MockRouter, make_gateway: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    gateway = tenant_spent(make_gateway, 900_000)
    capsys.readouterr()

    gateway.complete_json(request(), DimensionRatings, deadline=Deadline.within(25))

    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    (degraded,) = [record for record in records if "LlmDegradedCalls" in record]
    assert (degraded["reason"], degraded["scope"], degraded["LlmDegradedCalls"]) == (
        "soft_threshold",
        "tenant",
        [1.0],
    )


def test_when_even_the_cheaper_models_reservation_is_not_admitted_it_is_a_429_and_no_call(
    provider: respx.MockRouter, make_gateway: Any
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    gateway = tenant_spent(make_gateway, 999_800)

    with pytest.raises(BudgetExceeded) as refused:
        gateway.complete_json(request(), DimensionRatings, deadline=Deadline.within(25))

    assert refused.value.extensions["scope"] == "tenant:acme"
    assert not route.called


def test_concurrent_callers_past_the_threshold_are_degraded_and_never_admitted_past_100_percent(
    provider: respx.MockRouter, make_gateway: Any
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS, prompt_tokens=1_000, completion=900))
    gateway: LlmGateway = make_gateway(LLM_MAX_RETRIES=0)
    limit = usd_to_micros_floor(gateway.settings.DAILY_COST_BUDGET_USD) // 100_000  # 5,000 µUSD
    gateway.ledger.store.set_tenant_limit("acme", limit, gateway.ledger.clock())
    spend(gateway, limit * 8 // 10)

    def call(index: int) -> str:
        try:
            return gateway.complete_json(request(index), DimensionRatings, deadline=Deadline.within(25)).model
        except BudgetExceeded:
            return "refused"

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(call, range(12)))

    counter = gateway.ledger.store.counter(tenant_scope("acme"), DAY)
    assert set(outcomes) <= {"gpt-4o-mini-2024-07-18", "refused"}
    assert "refused" in outcomes
    assert counter.committed_micros <= limit
    assert counter.committed_micros == counter.settled_micros
    assert_reconciled(gateway.ledger, ["acme"], DAY)


def test_an_empty_degraded_model_keeps_the_default_until_the_budget_refuses(
    provider: respx.MockRouter, make_gateway: Any
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    gateway: LlmGateway = make_gateway(DEGRADED_LLM_MODEL="")
    gateway.ledger.store.set_tenant_limit("acme", 1_000_000, gateway.ledger.clock())
    spend(gateway, 900_000)

    result = gateway.complete_json(request(), DimensionRatings, deadline=Deadline.within(25))

    assert json.loads(route.calls.last.request.content)["model"] == "gpt-4o-2024-08-06"
    assert result.degradation is None
