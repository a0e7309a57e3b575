"""JobsFunction end to end on API Gateway events, the embedded DynamoDB and SQS: 202 with Location
and one message per company, an Idempotency-Key retry answering the first job (one reservation),
bad input refused with a 422 naming the field before anything is reserved or queued, companies
referring to uploaded evidence documents (v2 only; each reference checked before anything is
reserved: 404 unknown, 409 not uploaded, naming `companies.<i>.evidence_id`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from orgair.aws import dynamodb_client, reset_clients
from orgair.costs.budget import tenant_scope
from orgair.costs.ledger import CostLedger
from orgair.dal.jobs import DynamoJobsRepository
from orgair.evidence.documents import issue_upload
from orgair.settings import get_settings
from support.evidence import evidence_bucket
from support.job_faults import fail_storing_jobs
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
def bucket(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    with evidence_bucket(dynamodb.endpoint_url, monkeypatch) as found:
        yield found


@pytest.fixture
def jobs(queue_url: str, bucket: tuple[Any, str]) -> Any:
    return load_function("jobs")


def announced(tenant: str = "acme") -> str:
    """An evidence document announced through POST /evidence's logic, not uploaded yet."""
    return issue_upload(tenant, content_type="text/plain", size_bytes=9).evidence_id


def uploaded(bucket: tuple[Any, str], tenant: str = "acme") -> str:
    evidence_id = announced(tenant)
    client, name = bucket
    client.put_object(Bucket=name, Key=f"evidence/{tenant}/{evidence_id}", Body=b"A policy.")
    return evidence_id


def call(
    module: Any,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    stage: str = "v2",
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    event = api_event(
        method,
        path,
        stage=stage,
        body=body,
        headers=headers,
        authorizer=principal_context("acme", "assessments:write"),
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


def test_a_create_that_died_storing_its_job_is_completed_by_the_retry_with_its_key_reserving_once(
    jobs: Any, queue_url: str
) -> None:
    request = {"companies": COMPANIES, "budget_usd": "1"}
    headers = {"Idempotency-Key": "portfolio-crash"}
    refused = fail_storing_jobs(dynamodb_client())

    failed = call(jobs, "POST", "/portfolios/assessments", request, headers)
    retried = call(jobs, "POST", "/portfolios/assessments", request, headers)
    replayed = call(jobs, "POST", "/portfolios/assessments", request, headers)

    assert len(refused) == 1
    assert failed[0] == 503
    assert retried[0] == replayed[0] == 202
    assert replayed[2]["job_id"] == retried[2]["job_id"] == refused[0].removeprefix("JOB#")
    assert replayed[1].get("Idempotent-Replayed") == "true"
    assert tenant_committed() == 1_000_000  # the first try's reservation, made once
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


def test_a_company_may_refer_to_an_uploaded_document_and_its_task_keeps_the_reference(
    jobs: Any, queue_url: str, bucket: tuple[Any, str]
) -> None:
    evidence_id = uploaded(bucket)
    companies = [COMPANIES[0], {"company_id": "globex", "sector": "retail", "evidence_id": evidence_id}]

    status, _, body = call(
        jobs, "POST", "/portfolios/assessments", {"companies": companies, "budget_usd": "1"}
    )

    assert status == 202, body
    repo = DynamoJobsRepository(get_settings().JOBS_TABLE_NAME)
    tasks = [repo.task(body["job_id"], index) for index in (0, 1)]
    assert [(task.evidence, task.evidence_id) for task in tasks if task] == [
        (COMPANIES[0]["evidence"], None),
        (None, evidence_id),
    ]
    assert queued(queue_url) == 2


def test_v1_refuses_a_company_evidence_id_with_422_naming_it_and_reserves_nothing(
    jobs: Any, queue_url: str, bucket: tuple[Any, str]
) -> None:
    companies = [COMPANIES[0], {"company_id": "globex", "sector": "retail", "evidence_id": uploaded(bucket)}]

    status, _, problem = call(
        jobs, "POST", "/portfolios/assessments", {"companies": companies, "budget_usd": "1"}, stage="v1"
    )

    assert status == 422
    assert [error["field"] for error in problem["errors"]] == ["companies.1.evidence_id"]
    assert (tenant_committed(), queued(queue_url)) == (0, 0)


@pytest.mark.parametrize("extra", [{}, {"evidence": "text", "evidence_id": "01JEV1DENCE0000000000000AB"}])
def test_each_company_has_exactly_one_of_evidence_and_evidence_id(
    jobs: Any, queue_url: str, extra: dict[str, str]
) -> None:
    company = {"company_id": "globex", "sector": "retail", **extra}

    status, _, problem = call(
        jobs, "POST", "/portfolios/assessments", {"companies": [COMPANIES[0], company], "budget_usd": "1"}
    )

    assert status == 422
    assert [error["field"] for error in problem["errors"]] == [
        "companies.1.evidence",
        "companies.1.evidence_id",
    ]
    assert (tenant_committed(), queued(queue_url)) == (0, 0)


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (lambda bucket: "01JEV1DENCE0000000000000AB", 404),
        (lambda bucket: uploaded(bucket, tenant="beta"), 404),
        (lambda bucket: announced(), 409),
    ],
    ids=["unknown", "another-tenants", "announced-not-uploaded"],
)
def test_a_reference_to_a_missing_or_not_uploaded_document_is_refused_naming_it_before_reserving(
    jobs: Any, queue_url: str, bucket: tuple[Any, str], reference: Any, expected: int
) -> None:
    companies = [COMPANIES[0], {"company_id": "globex", "sector": "retail", "evidence_id": reference(bucket)}]

    status, headers, problem = call(
        jobs, "POST", "/portfolios/assessments", {"companies": companies, "budget_usd": "1"}
    )

    assert status == expected, problem
    assert headers["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in problem["errors"]] == ["companies.1.evidence_id"]
    assert (tenant_committed(), queued(queue_url)) == (0, 0)
    listed = call(jobs, "GET", "/jobs")[2]
    assert listed["items"] == []


def test_a_read_only_key_can_watch_jobs_but_not_start_or_cancel_them(jobs: Any) -> None:
    _, _, body = call(jobs, "POST", "/portfolios/assessments", {"companies": COMPANIES, "budget_usd": "1"})

    def as_reader(method: str, path: str, payload: Any = None) -> int:
        event = api_event(
            method, path, body=payload, authorizer=principal_context("acme", "assessments:read")
        )
        return int(jobs.lambda_handler(event, FakeLambdaContext("JobsFunction"))["statusCode"])

    assert as_reader("GET", "/jobs") == 200
    assert as_reader("GET", f"/jobs/{body['job_id']}") == 200
    assert as_reader("POST", f"/jobs/{body['job_id']}/cancel") == 403
    assert as_reader("POST", "/portfolios/assessments", {"companies": COMPANIES, "budget_usd": "1"}) == 403
