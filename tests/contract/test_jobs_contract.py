"""The `JobsRepository` contract, proven against the in-memory fake and JobsTable (embedded) alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from orgair.dal.job_repository import JobsRepository
from orgair.dal.jobs import DynamoJobsRepository
from orgair.records.jobs import CompanyTask, JobCounts, JobRecord, PendingCreation
from support.fakes.jobs import InMemoryJobsRepository

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def repo(store: str, request: pytest.FixtureRequest) -> Iterator[JobsRepository]:
    if store == "fake":
        yield InMemoryJobsRepository()
        return
    request.getfixturevalue("dynamodb")
    yield DynamoJobsRepository("JobsTable")


def job(job_id: str = "01JOB", total: int = 3, tenant: str = "acme") -> JobRecord:
    return JobRecord(
        job_id=job_id,
        tenant_id=tenant,
        status="queued",
        param_version="v2.0",
        model=None,
        budget_micros=5_000_000,
        day=date(2026, 3, 2),
        counts=JobCounts(total=total),
        created_at=NOW,
        correlation_id="corr",
    )


def tasks(job_id: str = "01JOB", total: int = 3) -> list[CompanyTask]:
    return [
        CompanyTask(
            job_id=job_id, index=index, company_id=f"c{index}", sector="technology", evidence="e" * 50
        )
        for index in range(total)
    ]


def test_a_job_is_created_once_with_its_tasks_in_input_order(repo: JobsRepository) -> None:
    assert repo.create(job(), tasks())
    assert not repo.create(job(), tasks())

    stored = repo.get("acme", "01JOB")
    assert stored is not None
    assert (stored.status, stored.counts, stored.budget_micros) == ("queued", JobCounts(total=3), 5_000_000)
    assert [task.company_id for task in repo.tasks("01JOB")] == ["c0", "c1", "c2"]
    assert repo.get("other", "01JOB") is None


def test_a_task_is_claimed_by_one_run_at_a_time_and_again_only_after_its_lease(repo: JobsRepository) -> None:
    repo.create(job(), tasks())
    first = repo.claim("01JOB", 0, NOW, NOW + timedelta(minutes=5))

    assert first is not None
    assert first.run == 1
    assert repo.claim("01JOB", 0, NOW + timedelta(minutes=1), NOW + timedelta(minutes=6)) is None
    second = repo.claim("01JOB", 0, NOW + timedelta(minutes=6), NOW + timedelta(minutes=11))
    assert second is not None
    assert second.run == 2
    assert not repo.set_pending_score("01JOB", 0, 1, "S-stale")
    assert repo.set_pending_score("01JOB", 0, 2, "S-new")
    task = repo.task("01JOB", 0)
    assert task is not None
    assert task.pending_score_id == "S-new"


def test_finishing_counts_once_and_only_for_the_run_holding_the_claim(repo: JobsRepository) -> None:
    repo.create(job(), tasks())
    claimed = repo.claim("01JOB", 1, NOW, NOW + timedelta(minutes=5))
    assert claimed is not None

    assert not repo.finish(job(), 1, claimed.run + 1, "succeeded", NOW, score_id="S1")
    assert repo.finish(job(), 1, claimed.run, "succeeded", NOW, score_id="S1")
    assert not repo.finish(job(), 1, claimed.run, "succeeded", NOW, score_id="S1")
    assert repo.finish(job(), 2, None, "cancelled", NOW)
    assert not repo.finish(job(), 2, None, "cancelled", NOW)

    stored = repo.get("acme", "01JOB")
    assert stored is not None
    assert stored.counts == JobCounts(total=3, succeeded=1, cancelled=1)
    task = repo.task("01JOB", 1)
    assert task is not None
    assert (task.status, task.score_id) == ("succeeded", "S1")


def test_a_problem_is_kept_with_its_status_as_a_number(repo: JobsRepository) -> None:
    repo.create(job(), tasks())
    claimed = repo.claim("01JOB", 0, NOW, NOW + timedelta(minutes=5))
    assert claimed is not None
    problem = {"type": "https://orgair.dev/problems/x", "title": "X", "status": 503, "detail": "d"}

    assert repo.finish(job(), 0, claimed.run, "failed", NOW, problem=problem)

    task = repo.task("01JOB", 0)
    assert task is not None
    assert task.problem == problem


def test_a_released_claim_can_be_claimed_again(repo: JobsRepository) -> None:
    repo.create(job(), tasks())
    claimed = repo.claim("01JOB", 0, NOW, NOW + timedelta(minutes=5))
    assert claimed is not None

    assert repo.release("01JOB", 0, claimed.run)
    again = repo.claim("01JOB", 0, NOW, NOW + timedelta(minutes=5))

    assert again is not None
    assert again.run == claimed.run + 1


def test_status_transitions_start_cancel_complete_and_notify_happen_once(repo: JobsRepository) -> None:
    repo.create(job("01A"), tasks("01A"))
    repo.create(job("01B"), tasks("01B"))

    assert repo.start("acme", "01A", NOW)
    assert not repo.start("acme", "01A", NOW)
    assert repo.complete("acme", "01A", "succeeded", NOW)
    assert not repo.complete("acme", "01A", "failed", NOW)
    assert repo.cancel("acme", "01B", NOW)
    assert not repo.cancel("acme", "01B", NOW)
    assert repo.complete("acme", "01B", "succeeded", NOW)
    assert repo.mark_notified("acme", "01A")
    assert not repo.mark_notified("acme", "01A")

    done, cancelled = repo.get("acme", "01A"), repo.get("acme", "01B")
    assert done is not None
    assert cancelled is not None
    assert (done.status, done.finished_at, done.notified) == ("succeeded", NOW, True)
    assert (cancelled.status, cancelled.finished_at) == ("cancelled", NOW)
    assert not repo.cancel("acme", "01A", NOW)


def test_jobs_are_listed_newest_first_in_pages_per_tenant(repo: JobsRepository) -> None:
    for job_id in ("01A", "01B", "01C"):
        repo.create(job(job_id), tasks(job_id, 1))
    repo.create(job("01Z", tenant="other"), tasks("01Z", 1))

    first, after = repo.list("acme", 2, None)
    assert [item.job_id for item in first] == ["01C", "01B"]
    assert after is not None
    second, last = repo.list("acme", 2, after)
    assert [item.job_id for item in second] == ["01A"]
    assert last is None


def test_a_claim_to_announce_given_back_can_be_claimed_again_and_only_a_held_one_is_given_back(
    repo: JobsRepository,
) -> None:
    repo.create(job("01A"), tasks("01A"))
    assert not repo.unmark_notified("acme", "01A")  # nothing claimed yet
    assert repo.mark_notified("acme", "01A")

    assert repo.unmark_notified("acme", "01A")
    assert not repo.unmark_notified("acme", "01A")
    assert repo.mark_notified("acme", "01A")
    assert not repo.unmark_notified("acme", "unknown")


def test_an_idempotency_key_keeps_the_job_id_it_was_first_recorded_with_per_tenant(
    repo: JobsRepository,
) -> None:
    until = NOW + timedelta(days=7)
    first = repo.job_id_for_key("acme", "digest-1", "01FIRST", now=NOW, expires_at=until)
    retry = repo.job_id_for_key("acme", "digest-1", "01SECOND", now=NOW, expires_at=until)
    other_key = repo.job_id_for_key("acme", "digest-2", "01THIRD", now=NOW, expires_at=until)
    other_tenant = repo.job_id_for_key("beta", "digest-1", "01FOURTH", now=NOW, expires_at=until)

    assert (first, retry, other_key, other_tenant) == ("01FIRST", "01FIRST", "01THIRD", "01FOURTH")
    assert repo.list("acme", 10, None) == ([], None)  # a recorded request is not a job


def test_an_idempotency_key_past_its_expiry_names_the_next_job_until_that_one_expires(
    repo: JobsRepository,
) -> None:
    until = NOW + timedelta(days=7)
    repo.job_id_for_key("acme", "digest-1", "01FIRST", now=NOW, expires_at=until)

    just_before = repo.job_id_for_key(
        "acme", "digest-1", "01SECOND", now=until - timedelta(seconds=1), expires_at=until + timedelta(days=7)
    )
    after = repo.job_id_for_key(
        "acme", "digest-1", "01THIRD", now=until, expires_at=until + timedelta(days=7)
    )
    retry_of_after = repo.job_id_for_key(
        "acme", "digest-1", "01FOURTH", now=until + timedelta(days=1), expires_at=until + timedelta(days=8)
    )

    assert (just_before, after, retry_of_after) == ("01FIRST", "01THIRD", "01THIRD")


def test_pending_creations_are_noted_per_day_oldest_first_until_forgotten(repo: JobsRepository) -> None:
    later = PendingCreation("acme", "01LATER", date(2026, 3, 2), NOW + timedelta(seconds=5))
    earlier = PendingCreation("beta", "01EARLIER", date(2026, 3, 2), NOW)
    next_day = PendingCreation("acme", "01NEXT", date(2026, 3, 3), NOW + timedelta(days=1))
    for creation in (later, earlier, next_day, later):
        repo.begin_creation(creation)

    noted = repo.pending_creations(date(2026, 3, 2))
    repo.end_creation(date(2026, 3, 2), "01EARLIER")
    repo.end_creation(date(2026, 3, 2), "01NEVER")

    assert noted == [earlier, later]
    assert repo.pending_creations(date(2026, 3, 2)) == [later]
    assert repo.pending_creations(date(2026, 3, 3)) == [next_day]


def test_unannounced_jobs_are_noted_once_listed_oldest_first_up_to_a_limit_until_forgotten(
    repo: JobsRepository,
) -> None:
    for tenant, job_id in (("beta", "01B"), ("acme", "01A"), ("acme", "01C"), ("beta", "01B")):
        repo.note_unannounced(tenant, job_id, NOW)

    first_two = repo.unannounced(2)
    repo.forget_unannounced("01A")
    repo.forget_unannounced("01A")
    left = repo.unannounced(10)

    assert first_two == [("acme", "01A"), ("beta", "01B")]
    assert left == [("beta", "01B"), ("acme", "01C")]
