"""Fixtures of the scores and reviews functions' tests: their handler modules on the embedded
DynamoDB, and a plain client to read what they stored."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from support.lambda_events import load_function
from support.scoring_requests import local_client

from devtools.embedded_dynamodb import EmbeddedDynamoDB


@pytest.fixture
def scores(dynamodb: EmbeddedDynamoDB) -> ModuleType:
    return load_function("scores")


@pytest.fixture
def reviews(dynamodb: EmbeddedDynamoDB) -> ModuleType:
    return load_function("reviews")


@pytest.fixture
def db(dynamodb: EmbeddedDynamoDB) -> Any:
    """A plain boto3 client on the embedded DynamoDB, to read what the handlers stored."""
    return local_client(dynamodb.endpoint_url)
