"""The jobs worker on the embedded DynamoDB and SQS, the provider at the HTTP transport (respx):
exactly one score and one ledger line per attempt per company, however often a message comes;
a run that died mid-call replaced with no duplicate and no leaked hold; the job budget never
exceeded; cancellation; a provider outage retried, then a failure."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
import respx
from orgair.costs.budget import tenant_scope
from orgair.costs.check import BudgetCheck
from orgair.costs.job_budget import job_position
from orgair.costs.ledger import CostLedger
from orgair.errors import DependencyUnavailable
from orgair.logic.job_queue import CompanyMessage
from orgair.logic.job_worker import RetryLater
from orgair.logic.jobs import announce_missed, cancel_job
from orgair.records.jobs import JobRecord
from orgair.settings import Settings
from support.job_harness import DAY_SCOPES, RATINGS, Crash, Harness, failing_queue
from support.llm import OPENAI_URL, openai_reply, provider_error


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


def test_an_announcement_the_api_could_not_make_with_no_message_left_is_made_by_the_budget_check_once(
    harness: Harness,
) -> None:
    """Nothing queued is left to reach a worker: the failed announcement is noted, and the budget
    check's sweep makes it once (the claim as every ender), keeping the note while publishing fails."""
    job = harness.create(1)
    end_every_company_without_ending_the_job(harness, job)
    failures: list[str] = []

    def unreachable(record: JobRecord) -> None:
        failures.append(record.job_id)
        raise ConnectionError("EventBridge is unreachable")

    cancel_job(harness.repo, harness.ledger, "acme", job.job_id, unreachable)
    noted = list(harness.repo.unannounced(10))
    still_failing = announce_missed(harness.repo, unreachable)
    announced = announce_missed(harness.repo, harness.published.append)
    again = announce_missed(harness.repo, harness.published.append)

    assert noted == [("acme", job.job_id)]
    assert failures == [job.job_id, job.job_id]
    assert (still_failing, announced, again) == ([], [job.job_id], [])
    assert [(record.job_id, record.status) for record in harness.published] == [(job.job_id, "cancelled")]
    assert harness.job(job).notified
    assert harness.repo.unannounced(10) == []


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
