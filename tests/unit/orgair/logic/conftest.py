"""Fixtures of the jobs logic tests: the provider at the HTTP transport, settings with a queue on
the embedded SQS, and the harness (tests/support/job_harness.py)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
import respx
from orgair.aws import reset_clients
from orgair.settings import Settings
from orgair.transport import reset_http_client
from support.costs import cost_settings
from support.evidence import evidence_bucket
from support.job_harness import Harness

from devtools.embedded_dynamodb import EmbeddedDynamoDB


@pytest.fixture
def provider() -> Iterator[respx.MockRouter]:
    reset_http_client()
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router
    reset_http_client()


@pytest.fixture
def settings(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", dynamodb.endpoint_url)
    reset_clients()
    sqs = boto3.client("sqs", endpoint_url=dynamodb.endpoint_url, region_name="us-east-1")
    url = sqs.create_queue(QueueName="jobs-test")["QueueUrl"]
    with evidence_bucket(dynamodb.endpoint_url, monkeypatch):  # the worker keeps inline evidence
        yield cost_settings(LLM_MAX_RETRIES=0, JOBS_QUEUE_URL=url, DEGRADED_LLM_MODEL="")
    reset_clients()


@pytest.fixture
def harness(settings: Settings) -> Harness:
    return Harness(settings)
