"""Background portfolio assessments, the API side: a job checks its input and evidence references
(`orgair.logic.job_requests`), reserves its budget, is stored with one task per company, and the
queue carries one message per company (`orgair.logic.job_queue`; `orgair.logic.job_worker` does the
work; `orgair.logic.job_views` answers about jobs).

A queueing failure after the job is stored ends the companies the queue did not take `failed`, so
the job still ends and releases what it did not spend."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from orgair.auth.principal import RequestMeta
from orgair.costs.budget import day_of
from orgair.costs.job_budget import job_position, release_job, reserve_job
from orgair.costs.ledger import CostLedger
from orgair.dal.job_repository import JobsRepository
from orgair.errors import (
    BudgetExceeded,
    Conflict,
    DependencyUnavailable,
    NotFound,
    OrgairError,
)
from orgair.ids import is_id, new_id
from orgair.logic.job_queue import CompanyMessage, JobQueue, NotQueued
from orgair.logic.job_requests import (
    check_budget,
    check_companies,
    check_documents,
    check_evidence,
    check_model,
)
from orgair.models.jobs import (
    PortfolioAssessmentRequest,
)
from orgair.observability import logger
from orgair.records.jobs import CompanyTask, JobCounts, JobRecord, JobStatus, PendingCreation
from orgair.scoring.versions import ParamVersion
from orgair.settings import Settings

MAX_PAGE_SIZE: Final = 100

Clock = Callable[[], datetime]
Publish = Callable[[JobRecord], None]
"""Announces a finished job (`orgair.logic.job_announce.aws_publisher` in the functions)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------- the API side


def create_job(
    request: PortfolioAssessmentRequest,
    *,
    meta: RequestMeta,
    version: ParamVersion,
    settings: Settings,
    repo: JobsRepository,
    ledger: CostLedger,
    queue: JobQueue,
    publish: Publish,
    idempotency_key: str | None = None,
    clock: Clock = utc_now,
) -> JobRecord:
    """Validate, check the referenced evidence documents, reserve the whole budget (429 naming the
    scope when a daily budget cannot hold it), store the job and its companies, then queue one
    message per company (a job the queue did not take whole may end here, announced by `publish`).

    Crash safety: the creation is noted (`begin_creation`) before the budget is reserved and
    forgotten once the job is stored, so a creation that dies in between is found by the budget
    check, which releases its budget (`release_abandoned_creations`). With an `idempotency_key` the
    job id is the one recorded for (tenant, stage, key, body): a retry after such a crash reserves
    nothing more (the reservation is the job's) and stores the job; a retry after the budget check
    released it is a 409 asking for a new key."""
    check_model(request, settings)
    check_companies(request)
    check_evidence(request, version)
    amount = check_budget(request, settings)
    check_documents(request, meta.tenant_id, settings)
    job_id = new_id()
    if idempotency_key is not None:
        now = clock()
        job_id = repo.job_id_for_key(
            meta.tenant_id,
            request_digest(idempotency_key, version, request),
            job_id,
            now=now,
            expires_at=now + KEY_RECORD_LIFETIME,
        )
        stored = repo.get(meta.tenant_id, job_id)
        if stored is not None:  # a retry of a request whose job was stored: nothing more to do
            return stored
    day = reserve_noted(repo, ledger, meta.tenant_id, job_id, amount, clock)
    if (
        idempotency_key is not None
        and repo.get(meta.tenant_id, job_id) is None  # stored meanwhile: its release is its end
        and job_position(ledger.store, job_id, day).released
    ):
        repo.end_creation(day, job_id)
        raise Conflict(
            "This request's job was abandoned after a failure and its budget released; "
            "send the request again with a new Idempotency-Key."
        )
    job = JobRecord(
        job_id=job_id,
        tenant_id=meta.tenant_id,
        status="queued",
        param_version=version,
        model=request.model,
        budget_micros=amount,
        day=day,
        counts=JobCounts(total=len(request.companies)),
        created_at=clock(),
        correlation_id=meta.correlation_id,
        notify=request.notify,
    )
    tasks = [
        CompanyTask(
            job_id=job_id,
            index=index,
            company_id=company.company_id,
            sector=company.sector.value,
            evidence=company.evidence,
            evidence_id=company.evidence_id,
        )
        for index, company in enumerate(request.companies)
    ]
    try:
        if not repo.create(job, tasks):
            job = repo.get(meta.tenant_id, job_id) or job  # a retry: the job stored by the first try
    except Exception:
        if idempotency_key is None:  # no retry can complete it: return the budget now
            release_job(ledger, job_id, day)
            repo.end_creation(day, job_id)
        raise  # else a retry with the key completes it, or the budget check releases it
    repo.end_creation(day, job_id)
    try:
        queue.send([CompanyMessage(meta.tenant_id, job_id, task.index) for task in tasks])
    except NotQueued as failure:
        job = end_unqueued(repo, ledger, job, failure, clock, publish)
        if job.counts.failed == job.counts.total:
            raise failure.error from failure
    return job


def request_digest(key: str, version: ParamVersion, request: PortfolioAssessmentRequest) -> str:
    """What identifies a create request: the stage's version, the key and the body (a key reused
    with another body names another job, as Powertools' idempotency refuses or re-runs it)."""
    body = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{version}\n{key}\n{body}".encode()).hexdigest()


def reserve_noted(
    repo: JobsRepository, ledger: CostLedger, tenant_id: str, job_id: str, amount: int, clock: Clock
) -> date:
    """Note the creation, then reserve the job's budget (429 forgets the note); the day reserved on."""
    creation = PendingCreation(tenant_id, job_id, day_of(ledger.clock()), clock())
    repo.begin_creation(creation)
    try:
        day = reserve_job(ledger, tenant_id, job_id, amount)
    except BudgetExceeded:
        repo.end_creation(creation.day, job_id)
        raise
    if day != creation.day:  # midnight passed in between: the note follows the reservation
        repo.begin_creation(replace(creation, day=day))
        repo.end_creation(creation.day, job_id)
    return day


KEY_RECORD_LIFETIME: Final = timedelta(days=7)
"""How long an Idempotency-Key keeps naming its job: past Powertools' 24 h response record and the
budget check's CREATION_GRACE, so a retry in that time answers the first job (reserving and queueing
nothing, on any day); after it the key names a new job. JobsTable's TTL deletes the record."""

CREATION_GRACE: Final = timedelta(minutes=10)
"""A creation still noted this long after it started died before storing its job (JobsFunction's
timeout is 29 s; a retry with the same Idempotency-Key comes within Powertools' in-progress expiry)."""


def release_abandoned_creations(repo: JobsRepository, ledger: CostLedger, now: datetime) -> list[str]:
    """The budget check's sweep (today and yesterday): release the budget of each creation noted
    more than CREATION_GRACE ago whose job was never stored, and forget every such note; the ids of
    the jobs whose budget this released."""
    released: list[str] = []
    today = day_of(now)
    for day in (today - timedelta(days=1), today):
        for creation in repo.pending_creations(day):
            if now - creation.started_at < CREATION_GRACE:
                continue
            stored = repo.get(creation.tenant_id, creation.job_id) is not None
            if not stored and release_job(ledger, creation.job_id, creation.day) is not None:
                released.append(creation.job_id)
                logger.warning(
                    "a job creation died after reserving its budget; the budget was released",
                    extra={"job_id": creation.job_id, "tenant_id": creation.tenant_id},
                )
            repo.end_creation(creation.day, creation.job_id)
    return released


def end_unqueued(
    repo: JobsRepository,
    ledger: CostLedger,
    job: JobRecord,
    failure: NotQueued,
    clock: Clock,
    publish: Publish,
) -> JobRecord:
    """End the companies the queue did not take `failed` with the queue's problem, so the job can
    end: when none is left to do (nothing was queued, or the queued ones ended meanwhile) its unused
    budget is released, it completes and is announced here. Returns the job as stored after."""
    problem = problem_of(failure.error)
    for message in failure.unqueued:
        repo.finish(job, message.index, None, "failed", clock(), problem=problem)
    current = end_if_done(repo, ledger, job.tenant_id, job.job_id, clock, publish) or job
    logger.warning(
        "the jobs queue did not take every company; those companies ended failed",
        extra={"job_id": job.job_id, "unqueued": len(failure.unqueued)},
    )
    return current


def announce(repo: JobsRepository, tenant_id: str, job_id: str, publish: Publish) -> bool:
    """Publish the job's completion if it has finished and nobody announced it; True when this call
    did. A failed publish gives the claim back and raises.

    Whoever ends a job announces it: the worker ending its last company, or JobsFunction ending one
    itself (not everything queued, or a cancellation that left nothing to do). The claim
    (`mark_notified`, a conditional write) comes first, so of two enders only the one whose claim
    lands publishes; a failed publish gives the claim back so that a later ender (the worker's
    redelivered message) announces the job instead of losing the event."""
    job = repo.get(tenant_id, job_id)
    if job is None or job.finished_at is None or job.notified:
        return False
    if not repo.mark_notified(tenant_id, job_id):
        return False
    try:
        publish(job)
    except Exception:
        repo.unmark_notified(tenant_id, job_id)
        raise
    return True


def end_if_done(
    repo: JobsRepository, ledger: CostLedger, tenant_id: str, job_id: str, clock: Clock, publish: Publish
) -> JobRecord | None:
    """When no company is left to do: release the unused budget, complete the job and announce it
    (each once, whoever gets there first). Returns the job as stored after.

    An announcement that fails here is logged, its claim given back and the job noted
    (`note_unannounced`): the budget check's next run announces it (`announce_missed`), unless a
    worker handling one of the job's messages does first. It never turns the request that ended the
    job into an error (a retried create would reserve a budget again)."""
    job = repo.get(tenant_id, job_id)
    if job is None or job.counts.pending > 0:
        return job
    if job.finished_at is None:
        release_job(ledger, job.job_id, job.day)
        repo.complete(tenant_id, job_id, final_status(job), clock())
    try:
        announce(repo, tenant_id, job_id, publish)
    except Exception:
        logger.exception("a finished job could not be announced", extra={"job_id": job_id})
        try:
            repo.note_unannounced(tenant_id, job_id, clock())
        except Exception:
            logger.exception("nor noted for the budget check to announce", extra={"job_id": job_id})
    return repo.get(tenant_id, job_id)


MISSED_ANNOUNCEMENTS_PER_RUN: Final = 25


def sweep_jobs(
    repo: JobsRepository, ledger: CostLedger, publish: Publish
) -> tuple[list[str] | None, list[str] | None]:
    """The budget check's jobs work: release the budgets of abandoned creations, then make the
    announcements the jobs API could not. The jobs table (or the ledger) unreachable must not stop
    the budget alerts that run after it, so it is logged and left to the next run: (None, None), or
    (released, None) when only the announcements could not be swept."""
    released: list[str] | None = None
    try:
        released = release_abandoned_creations(repo, ledger, ledger.clock())
        return released, announce_missed(repo, publish)
    except DependencyUnavailable:
        logger.exception("the job creations and announcements could not be swept this run")
        return released, None


def announce_missed(repo: JobsRepository, publish: Publish) -> list[str]:
    """The budget check's retry of the announcements the jobs API could not make: each noted job is
    announced once (the same claim as every ender) and its note forgotten, also when someone else
    announced it meanwhile; a publish that fails again keeps the note for the next run. The ids of
    the jobs this run announced."""
    announced: list[str] = []
    for tenant_id, job_id in repo.unannounced(MISSED_ANNOUNCEMENTS_PER_RUN):
        try:
            if announce(repo, tenant_id, job_id, publish):
                announced.append(job_id)
        except Exception:
            logger.exception("a noted job could still not be announced", extra={"job_id": job_id})
            continue
        repo.forget_unannounced(job_id)
    return announced


def find_job(repo: JobsRepository, tenant_id: str, job_id: str) -> JobRecord:
    job = repo.get(tenant_id, job_id) if is_id(job_id) else None
    if job is None:
        raise NotFound(f"No job '{job_id}' for this tenant.")
    return job


def cancel_job(
    repo: JobsRepository,
    ledger: CostLedger,
    tenant_id: str,
    job_id: str,
    publish: Publish,
    clock: Clock = utc_now,
) -> JobRecord:
    """Stop the remaining work and release the unused reservation now (companies already running
    end as they are; the ones not started end `cancelled` when their message arrives, and the
    worker ending the last one ends the job). A job with nothing left to do ends here, announced.
    409 when the job had finished."""
    job = find_job(repo, tenant_id, job_id)
    if not repo.cancel(tenant_id, job_id, clock()):
        current = find_job(repo, tenant_id, job_id)
        if current.status == "cancelled":
            return current
        raise Conflict(f"Job '{job_id}' has finished ({current.status}); there is nothing to cancel.")
    release_job(ledger, job.job_id, job.day)
    end_if_done(repo, ledger, tenant_id, job_id, clock, publish)
    return find_job(repo, tenant_id, job_id)


def final_status(job: JobRecord) -> JobStatus:
    if job.status == "cancelled":
        return "cancelled"
    if job.counts.succeeded == job.counts.total:
        return "succeeded"
    if job.counts.succeeded == 0:
        return "failed"
    return "partially_failed"


def problem_of(error: OrgairError) -> dict[str, Any]:
    problem: dict[str, Any] = {
        "type": error.type_uri,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }
    if error.errors:
        problem["errors"] = [item.as_dict() for item in error.errors]
    return problem
