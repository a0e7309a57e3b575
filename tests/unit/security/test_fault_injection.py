"""Dependencies failing at each write path: DynamoDB throttled, down, timing out or cancelling a
transaction, and LLM providers answering 429, 5xx, nothing or garbage. Every failure is a problem
the caller can act on (503 with Retry-After, or the right 4xx), nothing is ever half-written, and
no budget hold is left held. LLM assessments: test_fault_injection_assessments.py.

Already proven elsewhere and not repeated here: POST /scores transaction and read faults and a
portfolio chunk failing (tests/unit/functions/scores), the key store unreachable
(tests/unit/functions/authorizer), a failing last-used write (tests/unit/orgair/auth/test_keys.py),
provider retries, fallback, timeouts and repairs inside the gateway (tests/unit/orgair/llm).
"""

from __future__ import annotations

import json
from typing import Any, Final

import pytest
from botocore.awsrequest import AWSResponse
from orgair.auth.keys import register_key
from orgair.aws import dynamodb_client
from support.dynamodb_faults import inject_fault
from support.fault_checks import (
    STORE_FAULTS,
    TRANSACTION_FAULTS,
    assert_retryable_503,
    handler,
    snapshot,
)
from support.lambda_events import ROOT, FakeLambdaContext, api_event, principal_context
from support.scoring_requests import Reply, company, invoke, request

from devtools.embedded_dynamodb import EmbeddedDynamoDB

USAGE: Final = {
    "provider": "openai",
    "model": "gpt-4o-2024-08-06",
    "input_tokens": 1000,
    "output_tokens": 100,
}


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
