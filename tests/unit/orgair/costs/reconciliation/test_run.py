"""A reconciliation run end to end: ledger lines in the embedded DynamoDB, the providers' recorded
reports over HTTP (respx), alerts through SNS on the same moto server, read back from an SQS queue."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
import respx
from orgair.auth.keys import create_key
from orgair.aws import sns_client
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.costs.reconciliation.anthropic import AnthropicAdmin
from orgair.costs.reconciliation.openai import OpenAIAdmin
from orgair.costs.reconciliation.run import (
    AdminSource,
    Reconciler,
    RunReport,
    SnsAlertSink,
    admin_sources,
    every_tenants_lines,
)
from orgair.dal.api_keys import ApiKeyTable
from orgair.dal.reconciliations import ReconciliationStore
from orgair.records.costs import CallMeta
from orgair.settings import get_settings
from orgair.transport import reset_http_client
from pydantic import SecretStr
from support.costs import ANTHROPIC_TEST_URL, OPENAI_TEST_URL, FakeClock, at, cost_settings
from support.reconciliation import (
    DAY,
    deadline,
    fixture,
    recorded_anthropic,
    recorded_openai,
    serve_openai,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

RUN_AT = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
# The recorded day, as the gateway wrote it: two tenants, two lines per model (prices 2025-11-24).
CALLS: list[tuple[str, str, str, Usage]] = [
    (
        "acme",
        "openai",
        "gpt-4o-2024-08-06",
        Usage(input_tokens=600_000, cached_input_tokens=250_000, output_tokens=100_000),
    ),
    ("globex", "openai", "gpt-4o-2024-08-06", Usage(input_tokens=400_000, output_tokens=200_000)),
    ("acme", "openai", "gpt-4o-mini-2024-07-18", Usage(input_tokens=400_000, output_tokens=100_000)),
    (
        "globex",
        "anthropic",
        "claude-sonnet-4-20250514",
        Usage(
            input_tokens=800_000,
            cached_input_tokens=200_000,
            cache_write_tokens=40_000,
            output_tokens=150_000,
        ),
    ),
    ("acme", "anthropic", "claude-3-5-haiku-20241022", Usage(input_tokens=500_000, output_tokens=50_000)),
]


class Topic:
    """The alert topic with an SQS queue subscribed (raw delivery), on the embedded moto server."""

    def __init__(self) -> None:
        suffix = uuid.uuid4().hex[:12]
        self.sns = boto3.client("sns", region_name="us-east-1")
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.arn = self.sns.create_topic(Name=f"alerts-{suffix}")["TopicArn"]
        self.queue = self.sqs.create_queue(QueueName=f"inbox-{suffix}")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self.sns.subscribe(
            TopicArn=self.arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
        )

    def messages(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while batch := self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            for message in batch:
                found.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=message["ReceiptHandle"])
        return found


@pytest.fixture
def topic(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[Topic]:
    for service in ("SNS", "SQS"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", dynamodb.endpoint_url)
    sns_client.cache_clear()
    reset_http_client()
    yield Topic()
    sns_client.cache_clear()
    reset_http_client()


@pytest.fixture
def recorded_day(dynamodb: EmbeddedDynamoDB) -> None:
    """The ledger lines of the recorded day and a key per tenant (how the run finds the tenants)."""
    ledger = CostLedger(
        cost_settings(DAILY_COST_BUDGET_USD="1000"), clock=FakeClock(at("2026-03-01T10:00:00"))
    )
    for index, (tenant, _provider, model, usage) in enumerate(CALLS):
        meta = CallMeta(tenant, "assessment", f"corr-{index}", f"req-{index}", f"req-{index}")
        hold = ledger.reserve(meta, model, 20_000_000, call_id=f"call-{index}")
        ledger.settle(hold, usage, outcome="ok")
    for tenant in ("acme", "globex", "initech"):
        create_key(tenant_id=tenant, scopes=frozenset({"costs:read"}), name="reconciliation test")


def openai_source() -> AdminSource:
    return OpenAIAdmin(OPENAI_TEST_URL, SecretStr("sk-admin-test"))


def anthropic_source() -> AdminSource:
    return AnthropicAdmin(ANTHROPIC_TEST_URL, SecretStr("sk-ant-admin-test"))


def reconciler(topic_arn: str, sources: list[AdminSource] | None = None) -> Reconciler:
    table = get_settings().COSTS_TABLE_NAME
    return Reconciler(
        store=ReconciliationStore(table),
        sources=[openai_source(), anthropic_source()] if sources is None else sources,
        ledger_lines=every_tenants_lines(table, ApiKeyTable.default().tenant_ids),
        sink=SnsAlertSink(topic_arn),
        clock=lambda: RUN_AT,
    )


def run(topic_arn: str, openai_usage: list[dict[str, Any]] | None = None) -> RunReport:
    with respx.mock(assert_all_called=False) as router:
        if openai_usage is None:
            recorded_openai(router)
        else:
            serve_openai(router, openai_usage, [fixture("openai_costs.json")])
        recorded_anthropic(router)
        return reconciler(topic_arn).run(deadline(), stages=("provisional",))


def drifted_usage(**changes: Any) -> list[dict[str, Any]]:
    """The recorded OpenAI usage with the first result (gpt-4o-2024-08-06) changed."""
    first = copy.deepcopy(fixture("openai_usage_completions_page1.json"))
    first["data"][0]["results"][0].update(changes)
    return [first, fixture("openai_usage_completions_page2.json")]


def test_the_recorded_day_matches_both_bills_is_stored_and_alerts_nobody(
    recorded_day: None, topic: Topic
) -> None:
    report = run(topic.arn)

    assert [(result.provider, result.status) for result in report.results] == [
        ("openai", "matched"),
        ("anthropic", "matched"),
    ]
    stored = ReconciliationStore(get_settings().COSTS_TABLE_NAME).results(DAY)
    assert [(result.provider, result.stage, result.status) for result in stored] == [
        ("anthropic", "provisional", "matched"),
        ("openai", "provisional", "matched"),
    ]
    openai = next(result for result in stored if result.provider == "openai")
    assert openai.ledger_total_micros == openai.provider_total_micros == 5_932_500
    assert topic.messages() == []


def test_a_one_percent_drift_is_flagged_stored_with_its_breakdown_and_alerted_once(
    recorded_day: None, topic: Topic
) -> None:
    drifted = drifted_usage(output_tokens=303_000)

    first = run(topic.arn, drifted)
    second = run(topic.arn, drifted)

    assert [result.status for result in first.results] == ["flagged", "matched"]
    assert first.alerts_published == ["openai:2026-03-01:provisional"]
    assert second.alerts_published == []
    (message,) = topic.messages()
    assert message["provider"] == "openai"
    assert message["stage"] == "provisional"
    (model,) = message["models"]
    assert model["model"] == "gpt-4o-2024-08-06"
    assert model["reasons"] == ["tokens:output"]
    assert (model["ledger"]["tokens"]["output"], model["provider"]["tokens"]["output"]) == (300_000, 303_000)
    (stored,) = [
        r for r in ReconciliationStore(get_settings().COSTS_TABLE_NAME).results(DAY) if r.provider == "openai"
    ]
    assert stored.status == "flagged"
    assert [row.model for row in stored.flagged_rows] == ["gpt-4o-2024-08-06"]


def test_a_hostile_report_is_an_error_result_without_alert_and_the_other_provider_still_runs(
    recorded_day: None, topic: Topic
) -> None:
    report = run(topic.arn, drifted_usage(output_tokens=-1))

    assert [(result.provider, result.status) for result in report.results] == [
        ("openai", "error"),
        ("anthropic", "matched"),
    ]
    assert report.results[0].error is not None
    assert "output_tokens" in report.results[0].error
    assert report.alerts_published == []
    assert topic.messages() == []
    stored = {r.provider: r for r in ReconciliationStore(get_settings().COSTS_TABLE_NAME).results(DAY)}
    assert stored["openai"].status == "error"
    assert stored["openai"].rows == ()


def test_an_alert_that_could_not_be_published_is_released_and_sent_by_the_next_run(
    recorded_day: None, topic: Topic
) -> None:
    drifted = drifted_usage(output_tokens=303_000)
    missing_topic = topic.arn + "-deleted"

    failed = run(missing_topic, drifted)
    sent = run(topic.arn, drifted)

    assert failed.alerts_failed == ["openai:2026-03-01:provisional"]
    assert sent.alerts_published == ["openai:2026-03-01:provisional"]
    assert len(topic.messages()) == 1


def test_a_provider_without_an_admin_key_is_not_reconciled_and_not_asked(
    recorded_day: None, topic: Topic
) -> None:
    settings = cost_settings(OPENAI_ADMIN_KEY="sk-admin-only-openai")
    sources = admin_sources(settings)

    with respx.mock(assert_all_called=False) as router:
        recorded_openai(router)
        anthropic = router.get(url__startswith=ANTHROPIC_TEST_URL)
        report = reconciler(topic.arn, sources).run(deadline(), stages=("provisional",))

    assert [source.provider for source in sources] == ["openai"]
    assert [result.provider for result in report.results] == ["openai"]
    assert anthropic.call_count == 0
    assert admin_sources(cost_settings()) == []
