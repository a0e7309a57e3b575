"""The scheduled reconciliation handler: admin key from Secrets Manager, both stages, results stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import httpx
import pytest
import respx
from orgair.aws import reset_clients, sns_client
from orgair.dal.reconciliations import ReconciliationStore
from orgair.settings import get_settings
from orgair.transport import reset_http_client
from support.lambda_events import ROOT, FakeLambdaContext, load_function
from support.reconciliation import OPENAI_COSTS_URL, OPENAI_USAGE_URL

from devtools.embedded_dynamodb import EmbeddedDynamoDB

SCHEDULE_EVENT = json.loads((ROOT / "events" / "reconciliation-schedule.json").read_text())
ADMIN_KEY = "sk-admin-from-secrets-manager-0123456789"


@pytest.fixture
def aws(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for service in ("SNS", "SECRETS_MANAGER"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", dynamodb.endpoint_url)
    reset_clients()
    sns_client.cache_clear()
    reset_http_client()
    topic = boto3.client("sns", region_name="us-east-1").create_topic(Name="reconciliation-alerts")[
        "TopicArn"
    ]
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    name = f"orgair-test-{datetime.now(UTC).timestamp()}/openai-admin-key"
    secrets.create_secret(Name=name, SecretString=ADMIN_KEY)
    monkeypatch.setenv("ALERT_TOPIC_ARN", topic)
    monkeypatch.setenv("OPENAI_BASE_URL", "https://openai.test/v1")
    monkeypatch.setenv("OPENAI_ADMIN_KEY_SECRET_ID", name)
    monkeypatch.setenv("ANTHROPIC_ADMIN_KEY_SECRET_ID", "")  # the template's value when not reconciled
    yield topic
    sns_client.cache_clear()
    reset_http_client()


def empty_day(request: httpx.Request) -> httpx.Response:
    """OpenAI's answer for a day without usage: one bucket of the requested day, no results."""
    start = int(request.url.params["start_time"])
    bucket = {"object": "bucket", "start_time": start, "end_time": start + 86_400, "results": []}
    return httpx.Response(
        200, json={"object": "page", "data": [bucket], "has_more": False, "next_page": None}
    )


def test_a_scheduled_run_reconciles_t1_and_t2_with_the_key_from_secrets_manager(aws: str) -> None:
    handler = load_function("reconciliation")
    with respx.mock(assert_all_called=False) as router:
        usage = router.get(OPENAI_USAGE_URL).mock(side_effect=empty_day)
        router.get(OPENAI_COSTS_URL).mock(side_effect=empty_day)
        result: dict[str, Any] = handler.lambda_handler(
            SCHEDULE_EVENT, FakeLambdaContext("ReconciliationFunction", 300_000)
        )
        keys = {call.request.headers["authorization"] for call in usage.calls}

    today = datetime.now(UTC).date()
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    assert [(r["provider"], r["date"], r["stage"], r["status"]) for r in result["results"]] == [
        ("openai", yesterday.isoformat(), "provisional", "matched"),
        ("openai", before.isoformat(), "close", "matched"),
    ]
    assert keys == {f"Bearer {ADMIN_KEY}"}
    store = ReconciliationStore(get_settings().COSTS_TABLE_NAME)
    assert [(r.provider, r.stage) for r in store.results(yesterday)] == [("openai", "provisional")]
    assert [(r.provider, r.stage) for r in store.results(before)] == [("openai", "close")]


def test_a_key_that_cannot_be_read_is_an_error_result_not_a_crash(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY_SECRET_ID", "orgair-test/no-such-secret")
    handler = load_function("reconciliation")

    with respx.mock(assert_all_called=False) as router:
        usage = router.get(OPENAI_USAGE_URL)
        result = handler.lambda_handler(SCHEDULE_EVENT, FakeLambdaContext("ReconciliationFunction", 300_000))

    assert {r["status"] for r in result["results"]} == {"error"}
    assert all("admin key could not be read" in r["error"] for r in result["results"])
    assert usage.call_count == 0


def test_nothing_configured_reconciles_nothing(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY_SECRET_ID", "")
    handler = load_function("reconciliation")

    result = handler.lambda_handler(SCHEDULE_EVENT, FakeLambdaContext("ReconciliationFunction", 300_000))

    assert result == {"results": [], "alerts_published": [], "alerts_failed": []}
