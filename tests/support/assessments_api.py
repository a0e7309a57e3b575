"""The assessments function under test: provider keys and base URLs that only respx (at the HTTP
transport) answers, no retries; a request with a sample body; the tenant's ledger lines of today."""

from __future__ import annotations

import json
from typing import Any

import pytest
from orgair.costs.ledger import CostLedger
from orgair.settings import get_settings

from support.costs import ANTHROPIC_TEST_URL, OPENAI_TEST_URL
from support.lambda_events import FakeLambdaContext, api_event, principal_context, proxy_headers
from support.llm import ratings

RATINGS = ratings([80, 75, 85, 82, 78, 70, 72])
BODY = {
    "company_id": "acme-logistics",
    "sector": "technology",
    "evidence": "The company runs a governed data platform and a model review board.",
}


def use_test_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both providers configured with test keys at the test URLs, and one attempt per model."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai-key")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "anthropic-test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", OPENAI_TEST_URL)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", ANTHROPIC_TEST_URL)
    monkeypatch.setenv("LLM_MAX_RETRIES", "0")


def ledger_lines(tenant: str = "acme") -> list[Any]:
    """The tenant's ledger lines of today (UTC), one per attempt, paid or not."""
    ledger = CostLedger(get_settings())
    return list(ledger.store.ledger_lines(tenant, ledger.clock().date()))


def post(
    module: Any,
    body: Any = BODY,
    *,
    stage: str = "v2",
    scopes: str = "assessments:write",
    headers: dict[str, str] | None = None,
    path: str = "/assessments",
    tenant: str = "acme",
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    event = api_event(
        "POST",
        path,
        stage=stage,
        body=body,
        headers=headers,
        authorizer=principal_context(tenant, scopes),
    )
    result = module.lambda_handler(event, FakeLambdaContext("AssessmentsFunction", timeout_ms=29_000))
    out_headers = proxy_headers(result)
    return result["statusCode"], out_headers, json.loads(result["body"])
