"""Dependencies failing at each write path: DynamoDB throttled, down, timing out or cancelling a
transaction, and LLM providers answering 429, 5xx, nothing or garbage. Every failure is a problem
the caller can act on (503 with Retry-After, or the right 4xx), nothing is ever half-written, and
no budget hold is left held.

Already proven elsewhere and not repeated here: POST /scores transaction and read faults and a
portfolio chunk failing (tests/unit/functions/scores), the key store unreachable
(tests/unit/functions/authorizer), a failing last-used write (tests/unit/orgair/auth/test_keys.py),
provider retries, fallback, timeouts and repairs inside the gateway (tests/unit/orgair/llm).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from types import ModuleType
from typing import Any, Final

import httpx
import pytest
import respx
from botocore.awsrequest import AWSResponse
from orgair.auth.keys import register_key
from orgair.aws import dynamodb_client
from orgair.costs.check import BudgetCheck
from orgair.costs.ledger import CostLedger
from orgair.llm import breaker
from orgair.records.costs import AlertRecord
from orgair.scoring import DIMENSION_NAMES
from orgair.settings import get_settings
from orgair.transport import reset_http_client
from support.costs import ANTHROPIC_TEST_URL, OPENAI_TEST_URL, FakeClock
from support.dynamodb_faults import inject_fault
from support.evidence import evidence_bucket
from support.lambda_events import ROOT, FakeLambdaContext, api_event, load_function, principal_context
from support.llm import ANTHROPIC_URL, OPENAI_URL, anthropic_reply, openai_reply, provider_error
from support.scoring_requests import Reply, company, invoke, local_client, request, scan_all

from devtools.embedded_dynamodb import EmbeddedDynamoDB

STORE_FAULTS: Final = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "ServiceUnavailable",
    "InternalServerError",
    "ReadTimeout",
]
TRANSACTION_FAULTS: Final = [*STORE_FAULTS, "TransactionCanceledThrottled"]
TABLES: Final = ("ScoresTable", "ReviewsTable", "CostsTable", "IdempotencyTable")
RATINGS: Final = {name: {"score": 70, "rationale": f"Evidence on {name}."} for name in DIMENSION_NAMES}
ASSESSMENT: Final = {
    "company_id": "acme-faults",
    "sector": "technology",
    "evidence": "A governed data platform.",
}
USAGE: Final = {
    "provider": "openai",
    "model": "gpt-4o-2024-08-06",
    "input_tokens": 1000,
    "output_tokens": 100,
}


@cache
def handler(code_dir: str) -> ModuleType:
    return load_function(code_dir)


def snapshot(dynamodb: EmbeddedDynamoDB) -> dict[str, list[dict[str, Any]]]:
    """Every item of every data table, to compare before and after a failed request."""
    client = local_client(dynamodb.endpoint_url)
    return {table: sorted(scan_all(client, table), key=repr) for table in TABLES}


def held_holds(dynamodb: EmbeddedDynamoDB) -> list[dict[str, Any]]:
    items = scan_all(local_client(dynamodb.endpoint_url), "CostsTable")
    return [
        item for item in items if item.get("type", {}).get("S") == "hold" and item["status"]["S"] == "held"
    ]


def assert_retryable_503(reply: Reply) -> None:
    assert reply.is_problem(503), reply
    assert reply.body["type"].endswith("/dependency-unavailable")
    assert int(reply.header("Retry-After") or "0") > 0
    assert "botocore" not in reply.raw_body
    assert "Traceback" not in reply.raw_body


def cancel_transactions(client: Any, *codes: str) -> list[int]:
    """TransactWriteItems cancelled by DynamoDB with these per-item reasons (e.g. ConditionalCheckFailed)."""
    seen: list[int] = []

    def answer(**_: Any) -> Any:
        seen.append(len(seen) + 1)
        parsed = {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
            "CancellationReasons": [{"Code": code} for code in codes],
        }
        return AWSResponse("http://dynamodb.invalid", 400, {}, None), parsed  # type: ignore[arg-type]

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", answer)
    return seen


# ---------------------------------------------------------------------- review decisions


@pytest.fixture
def pending_review(dynamodb: EmbeddedDynamoDB) -> str:
    """A company scored twice, far apart: one pending review of tenant acme."""
    request(handler("scores"), "POST", "/scores", body=company("faulty", level=20))
    second = request(handler("scores"), "POST", "/scores", body=company("faulty", level=90))
    return str(second.body["review"]["review_id"])


def decide(review_id: str, decision: str = "approve") -> Reply:
    return request(
        handler("reviews"),
        "POST",
        f"/reviews/{review_id}/decision",
        body={"decision": decision, "comment": "ok"},
        path_parameters={"review_id": review_id},
        resource="/reviews/{review_id}/decision",
    )


@pytest.mark.parametrize("fault", TRANSACTION_FAULTS)
def test_a_review_decision_the_store_cannot_take_is_503_and_the_review_stays_pending(
    dynamodb: EmbeddedDynamoDB, pending_review: str, fault: str
) -> None:
    before = snapshot(dynamodb)
    seen = inject_fault(dynamodb_client(), "TransactWriteItems", fault)

    reply = decide(pending_review)

    assert seen, "the fault was never reached"
    assert_retryable_503(reply)
    assert snapshot(dynamodb) == before


@pytest.mark.parametrize("fault", STORE_FAULTS)
def test_a_review_decision_that_cannot_read_the_review_is_503(
    dynamodb: EmbeddedDynamoDB, pending_review: str, fault: str
) -> None:
    before = snapshot(dynamodb)
    inject_fault(dynamodb_client(), "GetItem", fault)

    assert_retryable_503(decide(pending_review))
    assert snapshot(dynamodb) == before


def test_a_decision_losing_the_race_to_another_is_409_and_changes_nothing(
    dynamodb: EmbeddedDynamoDB, pending_review: str
) -> None:
    """The review read as pending, but another decision's write came first: its condition fails."""
    before = snapshot(dynamodb)
    seen = cancel_transactions(dynamodb_client(), "ConditionalCheckFailed", "None")

    reply = decide(pending_review, "reject")

    assert seen == [1]
    assert reply.is_problem(409), reply
    assert snapshot(dynamodb) == before


def test_a_second_decision_is_409_and_keeps_the_first(
    dynamodb: EmbeddedDynamoDB, pending_review: str
) -> None:
    assert decide(pending_review, "approve").status == 200
    after_first = snapshot(dynamodb)

    reply = decide(pending_review, "reject")

    assert reply.is_problem(409), reply
    assert snapshot(dynamodb) == after_first


# ---------------------------------------------------------------------- portfolios


@pytest.mark.parametrize("fault", STORE_FAULTS)
def test_a_portfolio_that_cannot_read_previous_scores_is_503_and_stores_nothing(
    dynamodb: EmbeddedDynamoDB, fault: str
) -> None:
    before = snapshot(dynamodb)
    seen = inject_fault(dynamodb_client(), "BatchGetItem", fault)

    reply = request(
        handler("scores"), "POST", "/portfolios/scores", body={"companies": [company("p-1"), company("p-2")]}
    )

    assert seen, "the fault was never reached"
    assert_retryable_503(reply)
    assert snapshot(dynamodb) == before


@pytest.mark.parametrize("fault", TRANSACTION_FAULTS)
def test_a_portfolio_whose_write_fails_reports_each_company_failed_with_a_503_problem(
    dynamodb: EmbeddedDynamoDB, fault: str
) -> None:
    before = snapshot(dynamodb)
    inject_fault(dynamodb_client(), "TransactWriteItems", fault)

    reply = request(
        handler("scores"), "POST", "/portfolios/scores", body={"companies": [company("p-1"), company("p-2")]}
    )

    assert reply.status == 200, reply
    assert [item["status"] for item in reply.body["results"]] == ["failed", "failed"]
    assert {item["problem"]["status"] for item in reply.body["results"]} == {503}
    assert snapshot(dynamodb) == before


# ---------------------------------------------------------------------- POST /costs


def report(key: str = "usage-1", body: dict[str, Any] = USAGE) -> Reply:
    return request(handler("costs"), "POST", "/costs", body=body, headers={"Idempotency-Key": key})


@pytest.mark.parametrize("fault", STORE_FAULTS)
def test_usage_the_ledger_cannot_record_is_503_and_leaves_no_line_marker_or_counter(
    dynamodb: EmbeddedDynamoDB, fault: str
) -> None:
    before = snapshot(dynamodb)
    seen = inject_fault(dynamodb_client(), "TransactWriteItems", fault, calls={1})

    reply = report()

    assert seen, "the fault was never reached"
    assert_retryable_503(reply)
    assert snapshot(dynamodb) == before
    assert report().status == 201, "the same Idempotency-Key records it once the store is back"


def test_usage_whose_transaction_stays_throttled_is_503_after_bounded_retries(
    dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("orgair.dynamo.transact.BACKOFF_CAP_SECONDS", 0.001)
    before = snapshot(dynamodb)
    seen = inject_fault(dynamodb_client(), "TransactWriteItems", "TransactionCanceledThrottled")

    reply = report()

    assert_retryable_503(reply)
    assert 1 < len(seen) <= 10
    assert snapshot(dynamodb) == before


@pytest.mark.parametrize("fault", STORE_FAULTS)
def test_usage_whose_idempotency_marker_cannot_be_read_is_503(dynamodb: EmbeddedDynamoDB, fault: str) -> None:
    before = snapshot(dynamodb)
    inject_fault(dynamodb_client(), "GetItem", fault)

    assert_retryable_503(report())
    assert snapshot(dynamodb) == before


def test_a_reused_idempotency_key_with_another_body_is_422_and_records_nothing_more(
    dynamodb: EmbeddedDynamoDB,
) -> None:
    assert report().status == 201
    after_first = snapshot(dynamodb)

    reply = report(body={**USAGE, "output_tokens": 999})

    assert reply.is_problem(422), reply
    assert snapshot(dynamodb) == after_first


# ---------------------------------------------------------------------- assessments


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    """Providers at the HTTP transport, and a fresh (real) circuit-breaker registry per test."""
    monkeypatch.setattr(breaker, "_container_breakers", breaker.BreakerRegistry())
    reset_http_client()
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router
    reset_http_client()


@pytest.fixture
def assessments(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    with evidence_bucket(dynamodb.endpoint_url, monkeypatch):  # inline evidence is kept first
        yield _assessments(monkeypatch)


def _assessments(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai-key")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "anthropic-test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", OPENAI_TEST_URL)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", ANTHROPIC_TEST_URL)
    monkeypatch.setenv("LLM_MAX_RETRIES", "0")
    return handler("assessments")


def assess(module: ModuleType) -> Reply:
    event = api_event("POST", "/assessments", body=ASSESSMENT, authorizer=principal_context("acme", "admin"))
    return Reply(module.lambda_handler(event, FakeLambdaContext("AssessmentsFunction", timeout_ms=29_000)))


def ledger_lines() -> list[Any]:
    ledger = CostLedger(get_settings())
    return list(ledger.store.ledger_lines("acme", ledger.clock().date()))


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


# ---------------------------------------------------------------------- API key last use


@pytest.mark.parametrize("fault", [*STORE_FAULTS, "ConditionalCheckFailed"])
def test_a_key_whose_last_use_cannot_be_recorded_is_still_allowed(
    dynamodb: EmbeddedDynamoDB, fault: str
) -> None:
    event = json.loads((ROOT / "events" / "authorizer.json").read_text())
    key = event["headers"]["Authorization"].removeprefix("Bearer ")
    record = register_key(key, tenant_id="acme", scopes=frozenset({"scores:read"}), name="sample")
    if fault == "ConditionalCheckFailed":
        client = dynamodb_client()

        def refuse(**_: Any) -> Any:
            parsed = {
                "Error": {
                    "Code": "ConditionalCheckFailedException",
                    "Message": "The conditional request failed",
                },
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
            return AWSResponse("http://dynamodb.invalid", 400, {}, None), parsed  # type: ignore[arg-type]

        client.meta.events.register("before-call.dynamodb.UpdateItem", refuse)
    else:
        inject_fault(dynamodb_client(), "UpdateItem", fault)

    answer = handler("authorizer").lambda_handler(event, FakeLambdaContext("AuthorizerFunction"))

    assert answer["principalId"] == record.key_id
    assert answer["context"]["tenant_id"] == "acme"


def test_fault_helpers_reach_the_container_client(dynamodb: EmbeddedDynamoDB) -> None:
    """The faults above are injected into the client the handlers use, not a copy."""
    seen = inject_fault(dynamodb_client(), "GetItem", "ServiceUnavailable")
    reply = invoke(
        handler("scores"), api_event("POST", "/scores", body=company(), authorizer=principal_context())
    )
    assert seen == [1]
    assert_retryable_503(reply)
