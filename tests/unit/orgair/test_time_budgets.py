"""Time budgets: a stalled DynamoDB, SSM or Secrets Manager is a 503 with Retry-After well inside
the function's timeout, never a 504 at the platform's deadline.

The stalled dependency is a real loopback socket that accepts connections and never answers; the
SDK's own timeouts and retries (settings AWS_*_TIMEOUT_SECONDS, AWS_MAX_ATTEMPTS, shortened here so
the tests stay fast) are what end the wait.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from orgair.aws import call_budget_seconds, reset_clients, settings_call_budget_seconds
from orgair.errors import ConfigurationError, DependencyUnavailable
from orgair.logic.assessments import ANSWER_RESERVE_SECONDS, LLM_DEADLINE_SECONDS, STORE_CALLS_AFTER_LLM
from orgair.settings import get_settings, load_settings
from support.dynamodb_faults import closed_endpoint
from support.lambda_events import (
    FakeLambdaContext,
    api_event,
    load_function,
    principal_context,
    proxy_headers,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.template import Template, load_template

FAST = {"AWS_CONNECT_TIMEOUT_SECONDS": "0.1", "AWS_READ_TIMEOUT_SECONDS": "0.2", "AWS_MAX_ATTEMPTS": "2"}
REPORT = {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 10, "output_tokens": 5}
STARTUP_MARGIN_SECONDS = 1.0
"""Time a function needs besides its SDK calls (init on a cold start, answering)."""
FUNCTIONS_WITHOUT_AWS_CALLS = frozenset({"OpenApiFunction", "SimulateFunction"})


@contextmanager
def stalled_endpoint() -> Iterator[str]:
    """A loopback URL that accepts TCP connections (the kernel completes them) and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def fast_sdk(monkeypatch: pytest.MonkeyPatch) -> Iterator[float]:
    """Short SDK timeouts for this test; yields the worst case of one call under them."""
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    reset_clients()
    yield settings_call_budget_seconds(get_settings())
    reset_clients()


def call(
    module: Any, event: dict[str, Any], function: str
) -> tuple[int, dict[str, Any], dict[str, Any], float]:
    started = time.monotonic()
    result = module.lambda_handler(event, FakeLambdaContext(function))
    elapsed = time.monotonic() - started
    headers = proxy_headers(result)
    return result["statusCode"], headers, json.loads(result["body"]), elapsed


def deployed_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Settings as deployed: the template sets none of the AWS_* time budget variables (the embedded
    DynamoDB of the test session relaxes the read timeout in this process's environment)."""
    for name in FAST:
        monkeypatch.delenv(name, raising=False)
    return load_settings()


def test_one_sdk_call_at_its_worst_fits_every_function_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = deployed_settings(monkeypatch)
    budget = settings_call_budget_seconds(settings)
    timeouts = {spec.logical_id: spec.timeout for spec in Template(load_template()).functions()}

    assert budget == call_budget_seconds(0.5, 1.0, 2) == 4.0
    for function, timeout in timeouts.items():
        if function not in FUNCTIONS_WITHOUT_AWS_CALLS:
            assert budget + STARTUP_MARGIN_SECONDS <= timeout, function


def test_the_assessment_deadline_keeps_settling_and_storing_inside_its_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = deployed_settings(monkeypatch)
    timeout = {spec.logical_id: spec.timeout for spec in Template(load_template()).functions()}[
        "AssessmentsFunction"
    ]
    reserve = STORE_CALLS_AFTER_LLM * settings_call_budget_seconds(settings) + ANSWER_RESERVE_SECONDS

    llm_window = min(LLM_DEADLINE_SECONDS, timeout - reserve)

    assert llm_window + STORE_CALLS_AFTER_LLM * settings_call_budget_seconds(settings) < timeout
    assert llm_window >= float(settings.LLM_TIMEOUT_SECONDS), "one full provider attempt still fits"


@pytest.mark.wallclock
def test_a_stalled_dynamodb_makes_post_costs_a_503_with_retry_after_not_a_504(
    dynamodb: EmbeddedDynamoDB, fast_sdk: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    costs = load_function("costs")
    with stalled_endpoint() as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", url)
        reset_clients()
        event = api_event(
            "POST",
            "/costs",
            body=REPORT,
            headers={"Idempotency-Key": "stalled-1"},
            authorizer=principal_context("acme", "costs:write"),
        )
        status, headers, body, elapsed = call(costs, event, "CostsFunction")

    assert status == 503
    assert body["type"].endswith("/dependency-unavailable")
    assert int(headers["Retry-After"]) >= 1
    assert elapsed < fast_sdk + 0.5, "ended by the SDK's time budget, not by waiting for the platform"


@pytest.mark.wallclock
def test_a_stalled_ssm_while_resolving_a_secret_is_a_503_with_retry_after(
    dynamodb: EmbeddedDynamoDB, fast_sdk: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    costs = load_function("costs")
    monkeypatch.setenv("SECRET_KEY_SSM_PARAMETER", "/orgair/test/secret-key")
    get_settings.cache_clear()
    with stalled_endpoint() as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", url)
        reset_clients()
        event = api_event("GET", "/costs/entries", authorizer=principal_context("acme", "costs:read"))
        status, headers, body, elapsed = call(costs, event, "CostsFunction")

    assert status == 503
    assert body["type"].endswith("/dependency-unavailable")
    assert int(headers["Retry-After"]) >= 1
    assert "/orgair/test/secret-key" not in json.dumps(body)
    assert elapsed < fast_sdk + 0.5


@pytest.mark.wallclock
@pytest.mark.network
def test_a_stalled_secrets_manager_is_dependency_unavailable_within_the_call_budget(
    fast_sdk: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY_SECRET_ID", "orgair/test/openai")
    get_settings.cache_clear()
    with stalled_endpoint() as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", url)
        reset_clients()
        started = time.monotonic()
        with pytest.raises(DependencyUnavailable) as refused:
            get_settings().secret("OPENAI_API_KEY")
        elapsed = time.monotonic() - started

    assert refused.value.status == 503
    assert int(refused.value.headers["Retry-After"]) >= 1
    assert elapsed < fast_sdk + 0.5


@pytest.mark.network
def test_an_unreachable_ssm_is_retryable_but_a_missing_parameter_stays_a_configuration_error(
    fast_sdk: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto import mock_aws

    monkeypatch.setenv("ANTHROPIC_API_KEY_SSM_PARAMETER", "/orgair/test/anthropic")
    get_settings.cache_clear()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", closed_endpoint())
    reset_clients()
    with pytest.raises(DependencyUnavailable):
        get_settings().secret("ANTHROPIC_API_KEY")

    monkeypatch.delenv("AWS_ENDPOINT_URL_SSM")
    reset_clients()
    with mock_aws(), pytest.raises(ConfigurationError, match="ANTHROPIC_API_KEY: could not be read"):
        get_settings().secret("ANTHROPIC_API_KEY")
