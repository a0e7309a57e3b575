"""The scheduled budget check end to end: embedded DynamoDB, SNS and EventBridge in moto."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from orgair import aws
from orgair.costs.alerts import EVENT_DETAIL_TYPE, EVENT_SOURCE
from orgair.costs.budget import tenant_scope
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.dal.jobs import DynamoJobsRepository
from orgair.errors import DependencyUnavailable
from orgair.logic.jobs import CREATION_GRACE, reserve_noted
from orgair.records.costs import CallMeta
from orgair.records.jobs import CompanyTask, JobCounts, JobRecord
from orgair.settings import get_settings
from support.costs import FakeClock
from support.dynamodb_faults import inject_fault
from support.lambda_events import ROOT, FakeLambdaContext, load_function

from devtools.embedded_dynamodb import EmbeddedDynamoDB

SCHEDULE_EVENT = json.loads((ROOT / "events" / "budget-check-schedule.json").read_text())


class Inbox:
    """SQS queues subscribed to the alert topic and to a rule on the default event bus."""

    def __init__(self, suffix: str) -> None:
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.sns = boto3.client("sns", region_name="us-east-1")
        self.events = boto3.client("events", region_name="us-east-1")
        self.rule = f"budget-alerts-{suffix}"
        self.topic_arn = self.sns.create_topic(Name=f"orgair-alerts-{suffix}")["TopicArn"]
        self.sns_queue = self._queue(f"from-sns-{suffix}")
        self.events_queue = self._queue(f"from-events-{suffix}")
        self.sns.subscribe(
            TopicArn=self.topic_arn,
            Protocol="sqs",
            Endpoint=self._arn(self.sns_queue),
            Attributes={"RawMessageDelivery": "true"},
        )
        self.events.put_rule(
            Name=self.rule,
            EventPattern=json.dumps({"source": [EVENT_SOURCE], "detail-type": [EVENT_DETAIL_TYPE]}),
        )
        self.events.put_targets(Rule=self.rule, Targets=[{"Id": "q", "Arn": self._arn(self.events_queue)}])

    def close(self) -> None:
        self.events.remove_targets(Rule=self.rule, Ids=["q"])
        self.events.delete_rule(Name=self.rule)
        self.sns.delete_topic(TopicArn=self.topic_arn)
        for url in (self.sns_queue, self.events_queue):
            self.sqs.delete_queue(QueueUrl=url)

    def _queue(self, name: str) -> str:
        return str(self.sqs.create_queue(QueueName=name)["QueueUrl"])

    def _arn(self, url: str) -> str:
        return str(
            self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        )

    def drain(self, url: str) -> list[dict[str, Any]]:
        bodies: list[dict[str, Any]] = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return bodies
            for message in messages:
                bodies.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def inbox(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """SNS, EventBridge and SQS served by the same in-process moto server as DynamoDB.

    (An in-process `mock_aws` would reset moto's shared backends and wipe the embedded tables.)
    """
    for service in ("SNS", "EVENTBRIDGE", "SQS"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", dynamodb.endpoint_url)
    aws.sns_client.cache_clear()
    aws.events_client.cache_clear()
    box = Inbox(uuid.uuid4().hex[:12])
    monkeypatch.setenv("ALERT_TOPIC_ARN", box.topic_arn)
    monkeypatch.setenv("DAILY_COST_BUDGET_USD", "1")
    monkeypatch.setenv("TENANT_GLOBAL_SHARE_PCT", "1")  # one tenant's calls drive the global alerts
    yield box
    box.close()
    aws.sns_client.cache_clear()
    aws.events_client.cache_clear()


def spend(micros: int, clock: Any = None) -> None:
    """A call of this service costing `micros`, reserved and settled (reported usage is not `global`)."""
    ledger = CostLedger(get_settings(), clock=clock) if clock else CostLedger(get_settings())
    meta = CallMeta("acme", "assessment", "corr", "req", "req")
    hold = ledger.reserve(meta, "gpt-4o-2024-08-06", micros, call_id=f"k{micros}")
    ledger.settle(hold, Usage(output_tokens=micros // 10), outcome="ok")


def run(module: Any) -> dict[str, Any]:
    result: dict[str, Any] = module.lambda_handler(
        SCHEDULE_EVENT, FakeLambdaContext("BudgetCheckFunction", 60_000)
    )
    return result


def test_two_runs_at_85_percent_publish_the_50_and_80_alerts_once_each(inbox: Inbox) -> None:
    spend(850_000)
    check = load_function("budget_check")

    first = run(check)
    second = run(check)

    sns = inbox.drain(inbox.sns_queue)
    events = inbox.drain(inbox.events_queue)
    published = [alert.rsplit(":", 1)[1] for alert in first["alerts_published"]]
    sent = [message["threshold"] for message in sns]
    assert {"50", "80"} <= set(published)
    assert "100" not in published
    assert sorted(sent) == sorted(published), "every claimed alert went out once on SNS"
    assert sorted(event["detail"]["threshold"] for event in events) == sorted(published)
    assert {event["detail-type"] for event in events} == {EVENT_DETAIL_TYPE}
    assert events[0]["detail"]["limit"] == "1.000000"
    assert second["alerts_published"] == []


def test_the_run_settles_expired_holds_and_reports_them(
    inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    past = FakeClock(datetime.now(UTC) - timedelta(minutes=10))
    ledger = CostLedger(get_settings(), clock=past)
    hold = ledger.reserve(CallMeta("acme", "assessment", "c", "r", "r"), "gpt-4o-2024-08-06", 12_345)
    check = load_function("budget_check")

    result = run(check)

    assert result["uncertain_settlements"] == 1
    assert result["open_holds"] == 0
    (line,) = list(ledger.store.ledger_lines("acme", hold.day))
    assert (line.status, line.cost_micros) == ("uncertain", 12_345)
    output = capsys.readouterr().out
    assert '"UncertainSettlements":[1.0]' in output or '"UncertainSettlements":1' in output
    assert "BudgetUtilisation" in output


def test_an_unpublishable_alert_fails_the_run_and_stays_claimed(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALERT_TOPIC_ARN", inbox.topic_arn + "-missing")
    spend(600_000)
    check = load_function("budget_check")

    with pytest.raises(DependencyUnavailable, match="claimed but not published"):
        run(check)

    ledger = CostLedger(get_settings())
    claimed = ledger.store.alerts(ledger.clock().date())
    assert claimed
    assert {alert.state for alert in claimed} == {"claimed"}
    assert Decimal(claimed[0].committed_micros) == 600_000


def _back_date_claims(dynamodb: EmbeddedDynamoDB, by: timedelta) -> None:
    """Let the claims' lease pass: the stored claim instants move back (the handler reads real time)."""
    client = boto3.client("dynamodb", endpoint_url=dynamodb.endpoint_url, region_name="us-east-1")
    day = datetime.now(UTC).date().isoformat()
    items = client.query(
        TableName="CostsTable",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"ALERTS#{day}"}},
    )["Items"]
    assert items
    earlier = (datetime.now(UTC) - by).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for item in items:
        client.update_item(
            TableName="CostsTable",
            Key={"pk": item["pk"], "sk": item["sk"]},
            UpdateExpression="SET claimed_at = :at",
            ExpressionAttributeValues={":at": {"S": earlier}},
        )


def test_sns_accepted_and_eventbridge_failed_sends_sns_once_and_the_event_after_the_lease(
    inbox: Inbox, dynamodb: EmbeddedDynamoDB
) -> None:
    spend(600_000)
    check = load_function("budget_check")

    def refuse(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="http://events.invalid")

    events_client = aws.events_client()
    events_client.meta.events.register("before-call.events.PutEvents", refuse)
    with pytest.raises(DependencyUnavailable, match="claimed but not published"):
        run(check)
    within_lease = run(check)
    _back_date_claims(dynamodb, timedelta(minutes=6))
    still_failing = pytest.raises(DependencyUnavailable)
    with still_failing:
        run(check)
    events_client.meta.events.unregister("before-call.events.PutEvents", refuse)
    _back_date_claims(dynamodb, timedelta(minutes=6))
    recovered = run(check)
    after = run(check)

    sns = inbox.drain(inbox.sns_queue)
    events = inbox.drain(inbox.events_queue)
    thresholds = sorted(alert.rsplit(":", 1)[1] for alert in recovered["alerts_published"])
    assert "50" in thresholds
    assert within_lease["alerts_published"] == []
    assert sorted(message["threshold"] for message in sns) == thresholds, "SNS took each once, never again"
    assert sorted(event["detail"]["threshold"] for event in events) == thresholds
    assert after["alerts_published"] == []
    ledger = CostLedger(get_settings())
    claims = ledger.store.alerts(ledger.clock().date())
    assert {claim.state for claim in claims} == {"published"}
    assert {claim.channels for claim in claims} == {frozenset({"sns", "events"})}


def test_the_check_releases_the_budget_of_a_job_creation_that_died_before_storing_its_job(
    inbox: Inbox,
) -> None:
    ledger = CostLedger(get_settings())
    repo = DynamoJobsRepository(get_settings().JOBS_TABLE_NAME)
    started = ledger.clock() - CREATION_GRACE - timedelta(minutes=1)
    day = reserve_noted(repo, ledger, "acme", "01DIEDBEFORESTORINGJOB000", 400_000, lambda: started)
    fresh = reserve_noted(repo, ledger, "acme", "01STILLBEINGCREATED000000", 300_000, ledger.clock)
    check = load_function("budget_check")

    result = run(check)

    assert result["abandoned_job_budgets_released"] == ["01DIEDBEFORESTORINGJOB000"]
    assert ledger.store.counter(tenant_scope("acme"), day).committed_micros == 300_000
    assert [creation.job_id for creation in repo.pending_creations(fresh)] == ["01STILLBEINGCREATED000000"]


def test_an_unreachable_jobs_table_does_not_stop_the_alerts(inbox: Inbox) -> None:
    spend(850_000)
    inject_fault(aws.dynamodb_client(), "Query", "EndpointConnection", calls={1})  # the sweep's first read
    check = load_function("budget_check")

    result = run(check)

    assert result["abandoned_job_budgets_released"] is None
    assert {"50", "80"} <= {alert.rsplit(":", 1)[1] for alert in result["alerts_published"]}


def test_the_check_announces_a_finished_job_the_jobs_api_could_not_announce_and_forgets_the_note(
    inbox: Inbox,
) -> None:
    repo = DynamoJobsRepository(get_settings().JOBS_TABLE_NAME)
    now = datetime.now(UTC)
    job = JobRecord(
        job_id="01ENDEDBYTHEAPI0000000000",
        tenant_id="acme",
        status="queued",
        param_version="v2.0",
        model=None,
        budget_micros=1_000_000,
        day=now.date(),
        counts=JobCounts(total=1),
        created_at=now,
        correlation_id="corr",
    )
    assert repo.create(job, [CompanyTask(job.job_id, 0, "co-0", "technology", "Evidence.", None)])
    assert repo.finish(job, 0, None, "cancelled", now)
    assert repo.complete("acme", job.job_id, "cancelled", now)
    repo.note_unannounced("acme", job.job_id, now)
    check = load_function("budget_check")

    first = run(check)
    second = run(check)

    assert first["missed_job_announcements_made"] == [job.job_id]
    assert second["missed_job_announcements_made"] == []
    stored = repo.get("acme", job.job_id)
    assert stored is not None
    assert stored.notified
    assert repo.unannounced(10) == []
