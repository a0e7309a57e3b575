"""The worker's handler on an SQS event: each company done once, a company that cannot be done now
reported back as a batch item failure and pushed back in the queue (its visibility extended), a
message that is not a job's dropped rather than retried forever."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
import respx
from orgair.auth.principal import RequestMeta
from orgair.aws import events_client, reset_clients, s3_client
from orgair.costs.ledger import CostLedger
from orgair.dal import scores as scores_dal
from orgair.dal.jobs import DynamoJobsRepository
from orgair.evidence.documents import issue_upload
from orgair.logic.job_announce import aws_publisher
from orgair.logic.job_queue import JobQueue
from orgair.logic.jobs import create_job
from orgair.models.jobs import PortfolioAssessmentRequest
from orgair.scoring import DIMENSION_NAMES
from orgair.settings import get_settings
from orgair.transport import reset_http_client
from support.costs import ANTHROPIC_TEST_URL, OPENAI_TEST_URL
from support.evidence import evidence_bucket
from support.lambda_events import FakeLambdaContext, load_function
from support.llm import OPENAI_URL, openai_reply, provider_error

from devtools.embedded_dynamodb import EmbeddedDynamoDB

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import MessageTypeDef

RATINGS = {name: {"score": 60, "rationale": f"Evidence on {name}."} for name in DIMENSION_NAMES}


@pytest.fixture
def provider() -> Iterator[respx.MockRouter]:
    reset_http_client()
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router
    reset_http_client()


@pytest.fixture
def queue_url(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    sqs = boto3.client("sqs", endpoint_url=dynamodb.endpoint_url, region_name="us-east-1")
    url = str(
        sqs.create_queue(
            QueueName=f"worker-test-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": "0"}
        )["QueueUrl"]
    )
    for key, value in {
        "AWS_ENDPOINT_URL": dynamodb.endpoint_url,
        "JOBS_QUEUE_URL": url,
        "OPENAI_API_KEY": "sk-test-openai-key",
        "ANTHROPIC_API_KEY": "",
        "OPENAI_BASE_URL": OPENAI_TEST_URL,
        "ANTHROPIC_BASE_URL": ANTHROPIC_TEST_URL,
        "LLM_MAX_RETRIES": "0",
        "DEGRADED_LLM_MODEL": "",
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    reset_clients()
    events_client.cache_clear()
    with evidence_bucket(dynamodb.endpoint_url, monkeypatch):  # the worker keeps inline evidence
        yield url
    get_settings.cache_clear()
    reset_clients()
    events_client.cache_clear()


def deliver(module: Any, queue_url: str) -> tuple[dict[str, Any], list[MessageTypeDef]]:
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, AttributeNames=["All"])[
        "Messages"
    ]
    event = {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message["Attributes"],
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:worker-test",
                "awsRegion": "us-east-1",
            }
            for message in messages
        ]
    }
    result = module.lambda_handler(event, FakeLambdaContext("AssessmentWorkerFunction", timeout_ms=180_000))
    return result, messages


def submit(companies: int, evidence_id: str | None = None) -> str:
    """A job of `companies` companies with inline evidence, or all referring to `evidence_id`."""
    settings = get_settings()
    evidence = {"evidence_id": evidence_id} if evidence_id else {"evidence": "A data platform."}
    job = create_job(
        PortfolioAssessmentRequest.model_validate(
            {
                "companies": [
                    {"company_id": f"w-{index}", "sector": "technology", **evidence}
                    for index in range(companies)
                ],
                "budget_usd": "2",
            }
        ),
        meta=RequestMeta(tenant_id="acme", key_id="k", correlation_id="c", request_id="r"),
        version="v2.0",
        settings=settings,
        repo=DynamoJobsRepository(settings.JOBS_TABLE_NAME),
        ledger=CostLedger(settings),
        queue=JobQueue(settings.JOBS_QUEUE_URL),
        publish=aws_publisher(settings),
    )
    return job.job_id


def test_a_batch_of_companies_is_done_and_reported_without_failures(
    queue_url: str, provider: respx.MockRouter
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    job_id = submit(3)
    module = load_function("assessment_worker")

    result, messages = deliver(module, queue_url)

    job = DynamoJobsRepository(get_settings().JOBS_TABLE_NAME).get("acme", job_id)
    assert len(messages) == 3
    assert result == {"batchItemFailures": []}
    assert job is not None
    assert (job.status, job.counts.succeeded, job.notified) == ("succeeded", 3, True)


def test_a_provider_outage_is_a_batch_item_failure_pushed_back_with_a_backoff(
    queue_url: str, provider: respx.MockRouter
) -> None:
    provider.post(OPENAI_URL).mock(return_value=provider_error(503))
    job_id = submit(1)
    module = load_function("assessment_worker")

    result, messages = deliver(module, queue_url)

    (message,) = messages
    assert result == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    hidden = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert hidden["ApproximateNumberOfMessagesNotVisible"] == "1"  # the queue's own timeout is 0
    task = DynamoJobsRepository(get_settings().JOBS_TABLE_NAME).task(job_id, 0)
    assert task is not None
    assert task.status == "pending"


def test_a_message_that_is_not_a_jobs_company_is_dropped(queue_url: str) -> None:
    boto3.client("sqs").send_message(QueueUrl=queue_url, MessageBody=json.dumps({"hello": "world"}))
    module = load_function("assessment_worker")

    result, _ = deliver(module, queue_url)

    assert result == {"batchItemFailures": []}


def test_a_company_referring_to_an_uploaded_document_is_assessed_by_it(
    queue_url: str, provider: respx.MockRouter
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    settings = get_settings()
    document = b"Board minutes: an AI policy was approved and a model review board meets monthly."
    upload = issue_upload("acme", content_type="text/markdown", size_bytes=len(document))
    s3_client().put_object(Bucket=settings.EVIDENCE_BUCKET_NAME, Key=upload.location, Body=document)
    job_id = submit(1, evidence_id=upload.evidence_id)
    module = load_function("assessment_worker")

    result, _ = deliver(module, queue_url)

    assert result == {"batchItemFailures": []}
    assert document.decode() in json.loads(route.calls.last.request.content)["messages"][-1]["content"]
    task = DynamoJobsRepository(settings.JOBS_TABLE_NAME).task(job_id, 0)
    assert task is not None
    assert (task.status, task.evidence_id) == ("succeeded", upload.evidence_id)
    stored = scores_dal.ScoreTable.default(settings.SCORES_TABLE_NAME, settings.REVIEWS_TABLE_NAME).get(
        "acme", task.score_id or ""
    )
    assert stored is not None
    assert stored.assessment is not None
    assert stored.assessment.evidence is not None
    assert (stored.assessment.evidence.evidence_id, stored.assessment.evidence.source) == (
        upload.evidence_id,
        "upload",
    )
