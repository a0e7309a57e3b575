"""Fixtures of the assessments function's tests: providers answered at the HTTP transport, the evidence
bucket on the embedded moto server, and the handler configured for both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import respx
from support.assessments_api import use_test_providers
from support.evidence import evidence_bucket
from support.lambda_events import load_function
from support.llm import mocked_providers

from devtools.embedded_dynamodb import EmbeddedDynamoDB


@pytest.fixture
def provider() -> Iterator[respx.MockRouter]:
    with mocked_providers() as router:
        yield router


@pytest.fixture
def bucket(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """EVIDENCE_BUCKET_NAME on the embedded moto server (S3 client, bucket name)."""
    with evidence_bucket(dynamodb.endpoint_url, monkeypatch) as found:
        yield found


@pytest.fixture
def assessments(bucket: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    use_test_providers(monkeypatch)
    return load_function("assessments")
