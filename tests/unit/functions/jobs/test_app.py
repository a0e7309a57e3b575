"""JobsFunction end to end on API Gateway events, the embedded DynamoDB and SQS: 202 with Location
and one message per company, an Idempotency-Key retry answering the first job (one reservation),
bad input refused with a 422 naming the field before anything is reserved or queued."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from orgair.aws import reset_clients
from orgair.costs.budget import tenant_scope
from orgair.costs.ledger import CostLedger
from orgair.settings import get_settings
from support.lambda_events import FakeLambdaContext, api_event, load_function, principal_context

from devtools.embedded_dynamodb import EmbeddedDynamoDB

COMPANIES = [
    {"company_id": "acme", "sector": "technology", "evidence": "A governed data platform."},
    {"company_id": "globex", "sector": "retail", "evidence": "No AI policy yet."},
]


@pytest.fixture
def queue_url(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    sqs = boto3.client("sqs", endpoint_url=dynamodb.endpoint_url, region_name="us-east-1")
    url = str(sqs.create_queue(QueueName=f"jobs-{uuid.uuid4().hex[:8]}")["QueueUrl"])
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", dynamodb.endpoint_url)
    monkeypatch.setenv("JOBS_QUEUE_URL", url)
    get_settings.cache_clear()
    reset_clients()
    yield url
    get_settings.cache_clear()
    reset_clients()


@pytest.fixture
def jobs(queue_url: str) -> Any:
    return load_function("jobs")


def call(
    module: Any, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    event = api_event(
        method, path, body=body, headers=headers, authorizer=principal_context("acme", "assessments:write")
    )
    result = module.lambda_handler(event, FakeLambdaContext("JobsFunction", timeout_ms=29_000))
    out_headers = dict(result.get("headers") or {})
    for key, values in (result.get("multiValueHeaders") or {}).items():
        out_headers[key] = values[-1]
    return result["statusCode"], out_headers, json.loads(result["body"])


def queued(url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def tenant_committed() -> int:
    ledger = CostLedger(get_settings())
    return ledger.store.counter(tenant_scope("acme"), ledger.clock().date()).committed_micros


def test_a_job_is_accepted_with_its_location_and_one_message_per_company(jobs: Any, queue_url: str) -> None:
    status, headers, body = call(
        jobs, "POST", "/portfolios/assessments", {"companies": COMPANIES, "budget_usd": "1.5"}
    )

    assert status == 202
    assert headers["Location"] == f"/v2/jobs/{body['job_id']}"
    assert (body["status"], body["companies"]["total"], body["budget"]["reserved"]) == (
        "queued",
        2,
        "1.500000",
    )
    assert queued(queue_url) == 2
    assert tenant_committed() == 1_500_000
    read_status, _, read = call(jobs, "GET", f"/jobs/{body['job_id']}")
    assert read_status == 200
    assert [result["status"] for result in read["results"]] == ["pending", "pending"]


def test_a_retry_with_the_same_idempotency_key_answers_the_first_job_and_reserves_once(
    jobs: Any, queue_url: str
) -> None:
    request = {"companies": COMPANIES, "budget_usd": "1"}
    headers = {"Idempotency-Key": "portfolio-q3"}

    first = call(jobs, "POST", "/portfolios/assessments", request, headers)
    again = call(jobs, "POST", "/portfolios/assessments", request, headers)

    assert first[0] == again[0] == 202
    assert again[2]["job_id"] == first[2]["job_id"]
    assert again[1].get("Idempotent-Replayed") == "true"
    assert tenant_committed() == 1_000_000
    assert queued(queue_url) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"companies": COMPANIES, "budget_usd": 0.0000001}, "budget_usd"),
        ({"companies": COMPANIES, "budget_usd": "0"}, "budget_usd"),
        ({"companies": COMPANIES, "budget_usd": "0.0000001"}, "budget_usd"),
        ({"companies": COMPANIES, "budget_usd": "1000"}, "budget_usd"),
        ({"companies": COMPANIES, "budget_usd": "1", "model": "gpt-2"}, "model"),
        ({"companies": [COMPANIES[0], COMPANIES[0]], "budget_usd": "1"}, "companies.1.company_id"),
        ({"companies": [], "budget_usd": "1"}, "companies"),
        (
            {"companies": [{**COMPANIES[0], "evidence": "x" * 20_001}], "budget_usd": "1"},
            "companies.0.evidence",
        ),
    ],
)
def test_bad_input_is_a_422_naming_the_field_with_nothing_reserved_or_queued(
    jobs: Any, queue_url: str, body: dict[str, Any], field: str
) -> None:
    status, headers, problem = call(jobs, "POST", "/portfolios/assessments", body)

    assert status == 422
    assert headers["Content-Type"] == "application/problem+json"
    assert any(error["field"].startswith(field) for error in problem["errors"]), problem
    assert tenant_committed() == 0
    assert queued(queue_url) == 0


def test_a_job_of_another_tenant_or_an_unknown_id_is_not_found(jobs: Any) -> None:
    _, _, body = call(jobs, "POST", "/portfolios/assessments", {"companies": COMPANIES, "budget_usd": "1"})
    other = api_event(
        "GET", f"/jobs/{body['job_id']}", authorizer=principal_context("beta", "assessments:write")
    )

    result = jobs.lambda_handler(other, FakeLambdaContext("JobsFunction"))
    unknown = call(jobs, "GET", "/jobs/not-an-id")

    assert result["statusCode"] == 404
    assert unknown[0] == 404
