"""Fixtures shared by every test: a clean settings cache and the embedded DynamoDB; the test tiers
(unit, integration, fuzz) and the unit tier's socket guard come from support/tiers.py."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import aws_xray_sdk.core  # noqa: F401  (see below)
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
from devtools.template import Template, load_template


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


@functools.cache
def _template_tables() -> frozenset[str]:
    return frozenset(Template(load_template()).tables())


def _moto_tables() -> list[Any]:
    """moto's DynamoDB tables in every account and region this process has used: the embedded
    server runs moto in a thread of this process, so its state is this module's to read."""
    from moto.dynamodb.models import dynamodb_backends

    return [
        table
        for regions in dynamodb_backends.values()
        for backend in regions.values()
        for table in backend.tables.values()
    ]


@pytest.fixture
def dynamodb(
    dynamodb_server: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmbeddedDynamoDB]:
    """The embedded DynamoDB with this process's boto3 pointed at it and every table emptied after.

    The tables are created again only when they are missing (an in-process `mock_aws` elsewhere
    resets moto's state), and emptied by clearing moto's items in place: reading the template and
    making a client for that, then scanning every table to delete what it held, cost about 0.34 s of
    CPU per test (time.process_time over 30 calls: `create_tables()` 283 ms, the scan-and-delete
    loop over the five empty tables 53 ms)."""
    for key, value in dynamodb_server.environment().items():
        monkeypatch.setenv(key, value)
    if not _template_tables() <= {table.name for table in _moto_tables()}:
        dynamodb_server.create_tables()
    reset_clients()
    yield dynamodb_server
    reset_clients()
    for table in _moto_tables():
        table.items.clear()
