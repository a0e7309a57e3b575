"""LLM assessments when dependencies fail: a reservation DynamoDB refuses calls no provider, a failed
settlement is settled by the budget check, garbage from the default model falls back, and when every
provider fails the answer is 503 with Retry-After; no budget hold is ever left held."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any, Final

import httpx
import pytest
import respx
from orgair.aws import dynamodb_client
from orgair.costs.check import BudgetCheck
from orgair.costs.ledger import CostLedger
from orgair.llm import breaker
from orgair.records.costs import AlertRecord
from orgair.scoring import DIMENSION_NAMES
from orgair.settings import get_settings
from support.assessments_api import ledger_lines, use_test_providers
from support.costs import FakeClock
from support.dynamodb_faults import inject_fault
from support.evidence import evidence_bucket
from support.fault_checks import (
    STORE_FAULTS,
    assert_retryable_503,
    handler,
    held_holds,
)
from support.lambda_events import FakeLambdaContext, api_event, principal_context
from support.llm import (
    ANTHROPIC_URL,
    OPENAI_URL,
    anthropic_reply,
    mocked_providers,
    openai_reply,
    provider_error,
)
from support.scoring_requests import Reply, local_client, scan_all

from devtools.embedded_dynamodb import EmbeddedDynamoDB

RATINGS: Final = {name: {"score": 70, "rationale": f"Evidence on {name}."} for name in DIMENSION_NAMES}
ASSESSMENT: Final = {
    "company_id": "acme-faults",
    "sector": "technology",
    "evidence": "A governed data platform.",
}


# ---------------------------------------------------------------------- assessments


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    """Providers at the HTTP transport, and a fresh (real) circuit-breaker registry per test."""
    monkeypatch.setattr(breaker, "_container_breakers", breaker.BreakerRegistry())
    with mocked_providers() as router:
        yield router


@pytest.fixture
def assessments(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    with evidence_bucket(dynamodb.endpoint_url, monkeypatch):  # inline evidence is kept first
        yield _assessments(monkeypatch)


def _assessments(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    use_test_providers(monkeypatch)
    return handler("assessments")


def assess(module: ModuleType) -> Reply:
    event = api_event("POST", "/assessments", body=ASSESSMENT, authorizer=principal_context("acme", "admin"))
    return Reply(module.lambda_handler(event, FakeLambdaContext("AssessmentsFunction", timeout_ms=29_000)))


def stored_scores(dynamodb: EmbeddedDynamoDB) -> list[dict[str, Any]]:
    items = scan_all(local_client(dynamodb.endpoint_url), "ScoresTable")
    return [item for item in items if item["sk"]["S"].startswith("S#")]


@pytest.mark.parametrize("fault", STORE_FAULTS)
def test_an_assessment_whose_reservation_fails_is_503_and_no_provider_is_called(
    assessments: ModuleType, provider: respx.MockRouter, dynamodb: EmbeddedDynamoDB, fault: str
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    inject_fault(dynamodb_client(), "TransactWriteItems", fault)

    reply = assess(assessments)

    assert_retryable_503(reply)
    assert len(provider.calls) == 0
    assert held_holds(dynamodb) == []
    assert ledger_lines() == []
    assert stored_scores(dynamodb) == []


def test_an_assessment_whose_settlement_fails_answers_and_the_budget_check_settles_the_hold(
    assessments: ModuleType, provider: respx.MockRouter, dynamodb: EmbeddedDynamoDB
) -> None:
    """Documented fallback: the answer is not lost for a ledger hiccup; the hold expires into an
    `uncertain` line charged at the reservation, and nothing stays held."""
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    inject_fault(dynamodb_client(), "TransactWriteItems", "ServiceUnavailable", calls={2})

    reply = assess(assessments)

    assert reply.status == 201, reply
    [attempt] = reply.body["assessment"]["llm"]["attempts"]
    assert attempt["status"] == "unsettled"
    assert len(held_holds(dynamodb)) == 1
    later = FakeClock(datetime.now(UTC) + timedelta(seconds=get_settings().HOLD_EXPIRY_SECONDS + 60))

    class Sent:
        def publish(self, alert: AlertRecord) -> None:
            return None

    BudgetCheck(CostLedger(get_settings(), clock=later), Sent()).run()

    assert held_holds(dynamodb) == []
    [line] = ledger_lines()
    assert (line.status, line.cost_micros) == ("uncertain", line.estimate_micros)


def _garbage(status: int = 200, **kwargs: Any) -> Callable[[httpx.Request], httpx.Response]:
    """A provider answer built fresh per call; its body is read (and decoded) by our client."""
    headers = kwargs.pop("headers", {})
    raw: bytes = kwargs.pop("raw", b"")
    return lambda _: httpx.Response(status, headers=headers, stream=httpx.ByteStream(raw))


def _json(payload: Any) -> Callable[[httpx.Request], httpx.Response]:
    return _garbage(headers={"Content-Type": "application/json"}, raw=json.dumps(payload).encode())


GARBAGE: Final[dict[str, Callable[[httpx.Request], httpx.Response]]] = {
    "html instead of JSON": _garbage(
        headers={"Content-Type": "text/html"}, raw=b"<html>502 Bad Gateway</html>"
    ),
    "JSON array": _json([1, 2, 3]),
    "no usage": _json({"choices": [{"message": {"content": "{}"}}]}),
    "usage of the wrong type": _json(
        {
            "choices": [{"message": {"content": "{}"}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "prompt_tokens_details": "cached"},
        }
    ),
    "undecodable gzip": _garbage(headers={"Content-Encoding": "gzip"}, raw=b"not gzip at all"),
    "invalid UTF-8": _garbage(headers={"Content-Type": "application/json"}, raw=b'{"choices": "\xff\xfe"}'),
    "empty body": _garbage(),
}


@pytest.mark.parametrize("garbage", sorted(GARBAGE))
def test_a_garbage_answer_from_the_default_model_falls_back_and_every_hold_is_settled(
    assessments: ModuleType, provider: respx.MockRouter, dynamodb: EmbeddedDynamoDB, garbage: str
) -> None:
    provider.post(OPENAI_URL).mock(side_effect=GARBAGE[garbage])
    provider.post(ANTHROPIC_URL).mock(return_value=anthropic_reply(RATINGS))

    reply = assess(assessments)

    assert reply.status == 201, reply
    assert reply.body["assessment"]["llm"]["provider"] == "anthropic"
    assert held_holds(dynamodb) == []
    assert {line.model for line in ledger_lines()} == {"gpt-4o-2024-08-06", "claude-sonnet-4-20250514"}


@pytest.mark.parametrize(
    "failure",
    ["429", "500", "503", "read timeout", "connect error", "garbage"],
)
def test_when_every_provider_fails_the_answer_is_503_with_retry_after_and_nothing_stays_held(
    assessments: ModuleType, provider: respx.MockRouter, dynamodb: EmbeddedDynamoDB, failure: str
) -> None:
    answers: dict[str, Any] = {
        "429": provider_error(429, retry_after="2"),
        "500": provider_error(500),
        "503": provider_error(503),
        "read timeout": httpx.ReadTimeout("slow"),
        "connect error": httpx.ConnectError("refused"),
        "garbage": GARBAGE["undecodable gzip"],
    }
    answer = answers[failure]
    for url in (OPENAI_URL, ANTHROPIC_URL):
        if isinstance(answer, httpx.Response):
            provider.post(url).mock(return_value=answer)
        else:
            provider.post(url).mock(side_effect=answer)

    reply = assess(assessments)

    assert_retryable_503(reply)
    assert held_holds(dynamodb) == []
    assert len(ledger_lines()) == 2, "one line per attempt, paid or not"
    assert stored_scores(dynamodb) == []
