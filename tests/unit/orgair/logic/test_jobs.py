"""The jobs worker on the embedded DynamoDB and SQS, the provider at the HTTP transport (respx):
exactly one score and one ledger line per attempt per company, however often a message comes;
a run that died mid-call replaced with no duplicate and no leaked hold; the job budget never
exceeded; cancellation; a provider outage retried, then a failure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
import httpx
import pytest
import respx
from botocore.exceptions import EndpointConnectionError
from orgair.auth.principal import RequestMeta
from orgair.aws import dynamodb_client, reset_clients
from orgair.costs.budget import GLOBAL_SCOPE, global_share_scope, tenant_scope
from orgair.costs.check import BudgetCheck
from orgair.costs.job_budget import job_position
from orgair.costs.ledger import CostLedger
from orgair.dal.jobs import DynamoJobsRepository
from orgair.errors import Conflict, DependencyUnavailable
from orgair.logic.job_worker import RetryLater, Worker, funded_gateway
from orgair.logic.jobs import (
    CREATION_GRACE,
    CompanyMessage,
    JobQueue,
    cancel_job,
    create_job,
    release_abandoned_creations,
)
from orgair.models.jobs import PortfolioAssessmentRequest
from orgair.records.jobs import JobRecord
from orgair.settings import Settings
from orgair.transport import reset_http_client
from support.costs import cost_settings
from support.evidence import evidence_bucket
from support.job_faults import fail_storing_jobs
from support.llm import OPENAI_URL, openai_reply, provider_error

from devtools.embedded_dynamodb import EmbeddedDynamoDB

RATINGS = {
    name: {"score": 70, "rationale": f"Evidence on {name}."}
    for name in (
        "data_infrastructure",
        "ai_governance",
        "technology_stack",
        "talent",
        "leadership",
        "use_case_portfolio",
        "culture",
    )
}
META = RequestMeta(tenant_id="acme", key_id="k1", correlation_id="corr-1", request_id="req-1")
DAY_SCOPES = (GLOBAL_SCOPE, tenant_scope("acme"), global_share_scope("acme"))


class Crash(BaseException):
    """The worker's process ending in the middle of a provider call (not an error it could handle)."""


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


class Harness:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.repo = DynamoJobsRepository(settings.JOBS_TABLE_NAME)
        self.ledger = CostLedger(settings)
        self.published: list[JobRecord] = []
        self.now = datetime.now(UTC)

    def create(
        self, companies: int, budget: str = "5.00", queue: JobQueue | None = None, key: str | None = None
    ) -> JobRecord:
        request = PortfolioAssessmentRequest.model_validate(
            {
                "companies": [
                    {
                        "company_id": f"co-{index}",
                        "sector": "technology",
                        "evidence": "A governed data platform.",
                    }
                    for index in range(companies)
                ],
                "budget_usd": budget,
            }
        )
        return create_job(
            request,
            meta=META,
            version="v2.0",
            settings=self.settings,
            repo=self.repo,
            ledger=self.ledger,
            queue=queue or JobQueue(self.settings.JOBS_QUEUE_URL),
            publish=self.published.append,
            idempotency_key=key,
        )

    def worker(self) -> Worker:
        return Worker(
            settings=self.settings,
            repo=self.repo,
            gateway_for=funded_gateway(self.settings),
            publish=self.published.append,
            clock=lambda: self.now,
        )

    def deliver(self, job: JobRecord, receive_count: int = 1) -> None:
        worker = self.worker()
        for index in range(job.counts.total):
            worker.handle(CompanyMessage("acme", job.job_id, index), receive_count)

    def job(self, job: JobRecord) -> JobRecord:
        current = self.repo.get("acme", job.job_id)
        assert current is not None
        return current

    def lines(self, job: JobRecord) -> list[Any]:
        return [
            line
            for line in self.ledger.store.ledger_lines("acme", job.day)
            if line.meta.parent_request_id == job.job_id
        ]

    def scores(self) -> list[dict[str, Any]]:
        client = boto3.client("dynamodb")
        items = client.scan(TableName=self.settings.SCORES_TABLE_NAME)["Items"]
        return [item for item in items if item["sk"]["S"].startswith("S#")]

    def day_counters(self, job: JobRecord) -> dict[str, tuple[int, int]]:
        counters = self.ledger.store.counters(list(DAY_SCOPES), job.day)
        return {
            scope: (counters[scope].committed_micros, counters[scope].settled_micros) for scope in DAY_SCOPES
        }


@pytest.fixture
def harness(settings: Settings) -> Harness:
    return Harness(settings)


def test_each_company_is_scored_once_and_redelivering_every_message_changes_nothing(
    harness: Harness, provider: respx.MockRouter
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    job = harness.create(5)

    harness.deliver(job)
    finished = harness.job(job)
    lines, scores = harness.lines(job), harness.scores()
    harness.deliver(job)
    harness.deliver(job, receive_count=2)

    assert (finished.status, finished.counts.succeeded, finished.counts.pending) == ("succeeded", 5, 0)
    assert len(lines) == 5
    assert len(scores) == 5
    assert harness.lines(job) == lines
    assert len(harness.scores()) == 5
    assert harness.job(job) == finished
    assert [published.job_id for published in harness.published] == [job.job_id]
    spent = sum(line.cost_micros for line in lines)
    assert harness.day_counters(job) == dict.fromkeys(DAY_SCOPES, (spent, spent))
    assert {task.score_id for task in harness.repo.tasks(job.job_id)} == {
        item["score_id"]["S"] for item in scores
    }


def test_a_run_that_died_mid_call_is_replaced_after_its_lease_with_no_duplicate_and_no_leaked_hold(
    harness: Harness, provider: respx.MockRouter, settings: Settings
) -> None:
    calls: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise Crash
        return openai_reply(RATINGS)

    provider.post(OPENAI_URL).mock(side_effect=answer)
    job = harness.create(2)

    with pytest.raises(Crash):
        harness.deliver(job)
    with pytest.raises(RetryLater):  # redelivered while the dead run's lease still holds
        harness.worker().handle(CompanyMessage("acme", job.job_id, 0), 2)
    harness.now += timedelta(hours=1)
    harness.deliver(job, receive_count=2)
    check = BudgetCheck(CostLedger(settings, clock=lambda: harness.now), publisher={})
    expired = check.settle_expired_holds((job.day,), harness.now)

    done = harness.job(job)
    lines = harness.lines(job)
    assert (done.status, done.counts.succeeded) == ("succeeded", 2)
    assert len(harness.scores()) == 2
    assert [line.status for line in expired] == ["uncertain"]
    assert sorted(line.outcome for line in lines) == ["hold_expired", "ok", "ok"]
    assert harness.ledger.open_holds([job.day]) == []
    spent = sum(line.cost_micros for line in lines)
    assert harness.day_counters(job) == dict.fromkeys(DAY_SCOPES, (spent, spent))


def test_a_message_for_a_company_another_run_holds_comes_back_when_that_runs_lease_ends(
    harness: Harness, provider: respx.MockRouter
) -> None:
    def crash(request: httpx.Request) -> httpx.Response:
        raise Crash

    provider.post(OPENAI_URL).mock(side_effect=crash)
    job = harness.create(1)
    dying = harness.worker()
    dying.lease_seconds = 120

    with pytest.raises(Crash):
        dying.handle(CompanyMessage("acme", job.job_id, 0), 1)
    harness.now += timedelta(seconds=20)
    with pytest.raises(RetryLater) as later:
        harness.worker().handle(CompanyMessage("acme", job.job_id, 0), 2)

    assert later.value.delay_seconds == 101  # the 100 s left of the lease, and one more


def test_companies_left_when_the_job_budget_runs_out_end_budget_exhausted_within_the_budget(
    harness: Harness, provider: respx.MockRouter
) -> None:
    # Every answer claims more tokens than reserved, so each call costs its whole reservation.
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS, prompt_tokens=10**6))
    probe = harness.create(1, "1.00")
    harness.deliver(probe)
    estimate = harness.lines(probe)[0].estimate_micros
    assert estimate is not None
    job = harness.create(6, str(Decimal(estimate * 2 + estimate // 2) / 1_000_000))

    harness.deliver(job)

    done = harness.job(job)
    spent = sum(line.cost_micros for line in harness.lines(job))
    statuses = [task.status for task in harness.repo.tasks(job.job_id)]
    assert done.status == "partially_failed"
    assert statuses == ["succeeded"] * 2 + ["budget_exhausted"] * 4
    assert (done.counts.succeeded, done.counts.budget_exhausted) == (2, 4)
    assert spent == 2 * estimate
    assert spent <= job.budget_micros
    task = harness.repo.task(job.job_id, 5)
    assert task is not None
    assert task.problem is not None
    assert task.problem["status"] == 429


def test_cancelling_releases_the_unused_budget_and_the_rest_end_cancelled(
    harness: Harness, provider: respx.MockRouter
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    job = harness.create(4)
    worker = harness.worker()
    worker.handle(CompanyMessage("acme", job.job_id, 0), 1)

    cancelled = cancel_job(harness.repo, harness.ledger, "acme", job.job_id, harness.published.append)
    harness.deliver(job)

    done = harness.job(job)
    spent = sum(line.cost_micros for line in harness.lines(job))
    assert cancelled.status == "cancelled"
    assert (done.status, done.counts.succeeded, done.counts.cancelled) == ("cancelled", 1, 3)
    assert done.finished_at is not None
    assert harness.day_counters(job) == dict.fromkeys(DAY_SCOPES, (spent, spent))
    assert len(harness.published) == 1


def test_a_provider_outage_returns_the_message_then_fails_the_company_on_its_last_delivery(
    harness: Harness, provider: respx.MockRouter, settings: Settings
) -> None:
    provider.post(OPENAI_URL).mock(return_value=provider_error(503))
    provider.post(url__regex=r".*/v1/messages").mock(return_value=provider_error(503))
    job = harness.create(1)
    worker = harness.worker()

    with pytest.raises(RetryLater) as first:
        worker.handle(CompanyMessage("acme", job.job_id, 0), 1)
    with pytest.raises(RetryLater) as second:
        worker.handle(CompanyMessage("acme", job.job_id, 0), 2)
    worker.handle(CompanyMessage("acme", job.job_id, 0), settings.JOB_MAX_DELIVERIES)

    done = harness.job(job)
    assert second.value.delay_seconds > first.value.delay_seconds
    assert (done.status, done.counts.failed) == ("failed", 1)
    task = harness.repo.task(job.job_id, 0)
    assert task is not None
    assert task.problem is not None
    assert task.problem["status"] == 503


def failing_queue(settings: Settings, calls: set[int], seen: list[int] | None = None) -> JobQueue:
    """The jobs queue whose SendMessageBatch calls numbered `calls` (1-based) cannot connect; `seen`
    collects every call's number."""
    client = boto3.client("sqs")
    seen = [] if seen is None else seen

    def refuse(**_: Any) -> None:
        seen.append(len(seen) + 1)
        if seen[-1] in calls:
            raise EndpointConnectionError(endpoint_url="http://unreachable.invalid")

    client.meta.events.register("before-call.sqs.SendMessageBatch", refuse)
    return JobQueue(settings.JOBS_QUEUE_URL, client=client)


def test_companies_the_queue_did_not_take_end_failed_and_the_job_still_ends_and_releases(
    harness: Harness, provider: respx.MockRouter
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))

    job = harness.create(15, queue=failing_queue(harness.settings, {2}))  # the second batch of ten

    assert (job.status, job.counts.failed, job.counts.pending) == ("queued", 5, 10)
    failed = [task for task in harness.repo.tasks(job.job_id) if task.status == "failed"]
    assert [task.index for task in failed] == list(range(10, 15))
    assert all(task.problem and task.problem["status"] == 503 for task in failed)
    worker = harness.worker()
    for index in range(10):
        worker.handle(CompanyMessage("acme", job.job_id, index), 1)
    done = harness.job(job)
    assert (done.status, done.counts.succeeded, done.counts.failed) == ("partially_failed", 10, 5)
    assert job_position(harness.ledger.store, job.job_id, job.day).released
    assert all(committed == settled for committed, settled in harness.day_counters(job).values())


def test_a_job_the_queue_took_nothing_of_is_a_503_ended_failed_with_its_budget_released(
    harness: Harness,
) -> None:
    with pytest.raises(DependencyUnavailable):
        harness.create(3, queue=failing_queue(harness.settings, {1}))

    (job,) = harness.repo.list("acme", 10, None)[0]
    assert (job.status, job.counts.failed, job.finished_at is not None) == ("failed", 3, True)
    assert job_position(harness.ledger.store, job.job_id, job.day).released
    assert harness.day_counters(job)[tenant_scope("acme")] == (0, 0)
    assert [(record.job_id, record.status) for record in harness.published] == [(job.job_id, "failed")]
    assert job.notified


def end_every_company_without_ending_the_job(harness: Harness, job: JobRecord) -> None:
    """What a worker dying between ending the last company and ending the job leaves behind."""
    for index in range(job.counts.total):
        assert harness.repo.finish(job, index, None, "failed", harness.now, problem={"status": 503})


def test_cancelling_a_job_with_nothing_left_to_do_ends_it_and_announces_it_once(harness: Harness) -> None:
    job = harness.create(2)
    end_every_company_without_ending_the_job(harness, job)

    cancelled = cancel_job(harness.repo, harness.ledger, "acme", job.job_id, harness.published.append)
    harness.worker().finish_job("acme", job.job_id)  # a late ender finds it announced

    assert (cancelled.status, cancelled.finished_at is not None, cancelled.notified) == (
        "cancelled",
        True,
        True,
    )
    assert [(record.job_id, record.status) for record in harness.published] == [(job.job_id, "cancelled")]
    assert job_position(harness.ledger.store, job.job_id, job.day).released


def test_an_announcement_the_api_could_not_make_leaves_the_job_ended_and_unclaimed(harness: Harness) -> None:
    job = harness.create(1)
    end_every_company_without_ending_the_job(harness, job)

    def unreachable(record: JobRecord) -> None:
        raise ConnectionError("EventBridge is unreachable")

    cancelled = cancel_job(harness.repo, harness.ledger, "acme", job.job_id, unreachable)
    harness.worker().finish_job("acme", job.job_id)  # its message delivered again

    assert (cancelled.status, cancelled.finished_at is not None, cancelled.notified) == (
        "cancelled",
        True,
        False,
    )
    assert [record.job_id for record in harness.published] == [job.job_id]
    assert harness.job(job).notified


def test_two_workers_ending_a_job_together_announce_it_once(
    harness: Harness, provider: respx.MockRouter
) -> None:
    """The second worker finishes the job while the first is publishing: only the claim holder
    publishes (publishing before claiming announced the job twice in a 500-company runner run)."""
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    job = harness.create(1)
    other = harness.worker()
    published: list[JobRecord] = []

    def publish_while_the_other_finishes(record: JobRecord) -> None:
        published.append(record)
        other.finish_job("acme", record.job_id)

    first = harness.worker()
    first.publish = publish_while_the_other_finishes
    first.handle(CompanyMessage("acme", job.job_id, 0), 1)

    assert [record.job_id for record in published] == [job.job_id]
    assert harness.published == []  # the other worker's publisher was never called
    assert harness.job(job).notified


def test_a_failed_announcement_is_made_by_the_redelivery(
    harness: Harness, provider: respx.MockRouter
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    job = harness.create(1)

    def unreachable(record: JobRecord) -> None:
        raise ConnectionError("EventBridge is unreachable")

    first = harness.worker()
    first.publish = unreachable
    with pytest.raises(ConnectionError):
        first.handle(CompanyMessage("acme", job.job_id, 0), 1)
    assert not harness.job(job).notified

    harness.worker().handle(CompanyMessage("acme", job.job_id, 0), 2)

    assert [record.job_id for record in harness.published] == [job.job_id]
    assert harness.job(job).notified


def test_a_creation_that_died_before_storing_its_job_is_released_by_the_budget_check_after_a_grace(
    harness: Harness,
) -> None:
    refused = fail_storing_jobs(dynamodb_client())
    with pytest.raises(DependencyUnavailable):
        harness.create(2, budget="3.00", key="crash-1")
    (creation,) = harness.repo.pending_creations(harness.now.date())
    leaked = harness.ledger.store.counter(tenant_scope("acme"), creation.day).committed_micros

    early = release_abandoned_creations(
        harness.repo, harness.ledger, creation.started_at + timedelta(minutes=1)
    )
    late = release_abandoned_creations(
        harness.repo, harness.ledger, creation.started_at + CREATION_GRACE + timedelta(seconds=1)
    )

    assert len(refused) == 1
    assert leaked == 3_000_000
    assert early == []
    assert late == [creation.job_id]
    assert harness.repo.get("acme", creation.job_id) is None
    assert harness.ledger.store.counter(tenant_scope("acme"), creation.day).committed_micros == 0
    assert harness.repo.pending_creations(creation.day) == []


def test_a_retry_with_the_same_key_after_such_a_crash_reserves_nothing_more_and_stores_the_job(
    harness: Harness,
) -> None:
    fail_storing_jobs(dynamodb_client())
    with pytest.raises(DependencyUnavailable):
        harness.create(2, budget="3.00", key="crash-2")
    (creation,) = harness.repo.pending_creations(harness.now.date())

    job = harness.create(2, budget="3.00", key="crash-2")
    released = release_abandoned_creations(
        harness.repo, harness.ledger, creation.started_at + CREATION_GRACE + timedelta(seconds=1)
    )

    assert job.job_id == creation.job_id
    assert harness.repo.get("acme", job.job_id) is not None
    assert harness.ledger.store.counter(tenant_scope("acme"), job.day).committed_micros == 3_000_000
    assert harness.repo.pending_creations(job.day) == []
    assert released == []
    assert not job_position(harness.ledger.store, job.job_id, job.day).released


def test_a_retry_after_the_budget_check_released_the_dead_creation_is_a_409_reserving_nothing(
    harness: Harness,
) -> None:
    fail_storing_jobs(dynamodb_client())
    with pytest.raises(DependencyUnavailable):
        harness.create(1, budget="2.00", key="crash-3")
    (creation,) = harness.repo.pending_creations(harness.now.date())
    release_abandoned_creations(
        harness.repo, harness.ledger, creation.started_at + CREATION_GRACE + timedelta(seconds=1)
    )

    with pytest.raises(Conflict, match="new Idempotency-Key"):
        harness.create(1, budget="2.00", key="crash-3")

    assert harness.repo.get("acme", creation.job_id) is None
    assert harness.ledger.store.counter(tenant_scope("acme"), creation.day).committed_micros == 0
    assert harness.repo.pending_creations(creation.day) == []
    assert harness.create(1, budget="2.00", key="crash-3-new").job_id != creation.job_id


def test_a_retry_with_the_same_key_after_its_job_was_stored_answers_it_reserving_and_queueing_nothing(
    harness: Harness,
) -> None:
    """Past Powertools' 24 h response record a retry runs the creation again: even on another day,
    it answers the stored job instead of reserving that day's budget and queueing every company."""
    first = harness.create(2, budget="3.00", key="stored-1")
    tomorrow = harness.now + timedelta(days=1)
    harness.ledger = CostLedger(harness.settings, clock=lambda: tomorrow)
    sends: list[int] = []

    again = harness.create(
        2, budget="3.00", queue=failing_queue(harness.settings, set(), sends), key="stored-1"
    )

    assert again.job_id == first.job_id
    assert sends == []
    assert harness.ledger.store.counter(tenant_scope("acme"), tomorrow.date()).committed_micros == 0
    assert harness.ledger.store.counter(tenant_scope("acme"), first.day).committed_micros == 3_000_000
    assert harness.repo.pending_creations(tomorrow.date()) == []


def test_without_a_key_a_failed_store_releases_at_once_and_notes_nothing(harness: Harness) -> None:
    fail_storing_jobs(dynamodb_client())

    with pytest.raises(DependencyUnavailable):
        harness.create(1, budget="2.00")

    assert harness.repo.pending_creations(harness.now.date()) == []
    assert harness.ledger.store.counter(tenant_scope("acme"), harness.now.date()).committed_micros == 0
