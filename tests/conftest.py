"""Fixtures shared by every test: a clean settings cache and the embedded DynamoDB; the test tiers
(unit, integration, fuzz) and the unit tier's socket guard come from support/tiers.py."""

from __future__ import annotations

from collections.abc import Iterator

import aws_xray_sdk.core  # noqa: F401  (see below)
import boto3
import pytest
from orgair.aws import reset_clients, secrets_provider, ssm_provider
from orgair.settings import get_settings

# The X-Ray SDK's global recorder makes one UDP socket when first imported (its emitter; it sends
# nothing while tracing is disabled, as it is outside Lambda). Imported here, before any test, so the
# unit tier's socket guard sees only sockets a test itself makes; the guard also refuses addressing
# this one (bind, connect, sendto) during a unit test.
from support.tiers import (  # noqa: F401  (pytest finds hooks by name in a conftest)
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_runtest_call,
    pytest_runtest_setup,
    pytest_runtest_teardown,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB, embedded_dynamodb


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test builds settings from its own environment and reads its own secrets (the secret
    providers cache values for 5 minutes per process, as in a warm Lambda)."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    get_settings.cache_clear()
    ssm_provider.cache_clear()
    secrets_provider.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def dynamodb_server() -> Iterator[EmbeddedDynamoDB]:
    """One embedded DynamoDB (moto server on loopback) with every table of template.yaml."""
    with embedded_dynamodb() as server:
        yield server


@pytest.fixture
def dynamodb(
    dynamodb_server: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmbeddedDynamoDB]:
    """The embedded DynamoDB with this process's boto3 pointed at it and every table emptied after
    (25 items per request: a 500-company portfolio's items go in seconds, not half a minute)."""
    for key, value in dynamodb_server.environment().items():
        monkeypatch.setenv(key, value)
    dynamodb_server.create_tables()  # an in-process mock_aws elsewhere may have reset moto's state
    reset_clients()
    yield dynamodb_server
    reset_clients()
    client = boto3.client("dynamodb", endpoint_url=dynamodb_server.endpoint_url, region_name="us-east-1")
    for table in client.list_tables()["TableNames"]:
        description = client.describe_table(TableName=table)["Table"]
        keys = [element["AttributeName"] for element in description["KeySchema"]]
        paginator = client.get_paginator("scan")
        for page in paginator.paginate(
            TableName=table,
            ProjectionExpression=", ".join(f"#k{i}" for i in range(len(keys))),
            ExpressionAttributeNames={f"#k{i}": key for i, key in enumerate(keys)},
        ):
            deletes = [{"DeleteRequest": {"Key": {key: item[key] for key in keys}}} for item in page["Items"]]
            for start in range(0, len(deletes), 25):  # BatchWriteItem's limit per request
                pending: dict[str, list[dict[str, object]]] = {table: deletes[start : start + 25]}
                while pending:
                    pending = client.batch_write_item(RequestItems=pending)["UnprocessedItems"]
