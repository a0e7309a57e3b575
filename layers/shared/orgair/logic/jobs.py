"""Background portfolio assessments: a job reserves its budget, the queue carries one message per
company, the worker assesses each company exactly once, and the job ends with one event.

Exactly once per company: a message names (tenant, job, company index) only. The worker claims the
company's task (a conditional write: pending, or running past its lease, becomes running with the
next run number), and everything the run does is keyed by that run: its provider attempts' call ids
(`orgair.costs.job_budget.funded_call_id`), the score id it records before storing, and the end of
the task, which is conditional on the run still holding the claim and counted on the job in the
same transaction. A redelivered message finds the task ended (nothing happens) or claimed by a live
run (the message comes back later); a run that died is replaced by a new one once its lease
passed, which first looks for the score the dead run may have stored. The dead run's open hold is
settled by the budget check as any crashed call's is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, cast

from orgair.auth.principal import RequestMeta
from orgair.aws import events_client, sns_client
from orgair.costs.job_budget import FundedLedger, is_job_scope, job_position, release_job, reserve_job
from orgair.costs.ledger import CostLedger
from orgair.costs.money import format_usd, usd_to_micros_floor
from orgair.dal import scores as scores_dal
from orgair.dal.costs import CostsStore
from orgair.dal.jobs import JobsRepository
from orgair.errors import (
    BudgetExceeded,
    DependencyUnavailable,
    FieldError,
    NotFound,
    OrgairError,
    ValidationFailed,
)
from orgair.evidence.documents import EVIDENCE_FIELD, check_uploaded
from orgair.ids import is_id, new_id
from orgair.llm.gateway import LlmGateway
from orgair.logic.assessments import AssessmentRequest, assess
from orgair.models.jobs import (
    JobBudgetView,
    JobCompanyView,
    JobCountsView,
    JobList,
    JobView,
    PortfolioAssessmentRequest,
)
from orgair.models.scores import ItemFieldProblem, ItemProblem
from orgair.observability import logger
from orgair.pagination import decode_cursor, encode_cursor
from orgair.records.jobs import CompanyTask, JobCounts, JobRecord, JobStatus, TerminalTaskStatus
from orgair.scoring.versions import ParamVersion
from orgair.settings import Settings
from orgair.timestamps import rfc3339

EVENT_SOURCE: Final = "orgair.jobs"
EVENT_DETAIL_TYPE: Final = "Assessment Job Finished"
SQS_BATCH: Final = 10
LEASE_MARGIN_SECONDS: Final = 30
MAX_PAGE_SIZE: Final = 100
RETRY_BASE_SECONDS: Final = 30
RETRY_CAP_SECONDS: Final = 900

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class RetryLater(Exception):
    """The company could not be done now (a provider or the store was unavailable, or another run
    holds it): its message goes back to the queue, to be delivered again after `delay_seconds`."""

    def __init__(self, reason: str, delay_seconds: int) -> None:
        super().__init__(reason)
        self.delay_seconds = delay_seconds


@dataclass(frozen=True, slots=True)
class CompanyMessage:
    tenant_id: str
    job_id: str
    index: int

    def body(self) -> str:
        return json.dumps({"tenant_id": self.tenant_id, "job_id": self.job_id, "index": self.index})

    @classmethod
    def parse(cls, body: str) -> CompanyMessage | None:
        """The message, or None for one that is not ours (it is logged and dropped, never retried)."""
        try:
            data = json.loads(body)
            message = cls(str(data["tenant_id"]), str(data["job_id"]), int(data["index"]))
        except (ValueError, KeyError, TypeError):
            return None
        if not is_id(message.job_id) or not 0 <= message.index < 10_000:
            return None
        return message


class JobQueue:
    """The jobs queue (JOBS_QUEUE_URL): one message per company, sent in batches of ten."""

    def __init__(self, queue_url: str | None, client: Any = None) -> None:
        self.queue_url = queue_url
        self._client = client

    def send(self, messages: Sequence[CompanyMessage]) -> None:
        """Queue every message, or raise NotQueued naming those the queue did not take (a batch's
        failed entries after five tries, and every message after a batch that could not be sent)."""
        if not self.queue_url:
            raise NotQueued(messages, "The jobs queue is not configured (JOBS_QUEUE_URL).")
        from orgair.aws import sqs_client, store_errors

        client = self._client or sqs_client()
        for start in range(0, len(messages), SQS_BATCH):
            batch = messages[start : start + SQS_BATCH]
            entries = [
                {"Id": str(offset), "MessageBody": message.body()} for offset, message in enumerate(batch)
            ]
            try:
                for _attempt in range(5):
                    with store_errors("queueing a job's companies"):
                        response = client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
                    failed = {entry["Id"] for entry in response.get("Failed", [])}
                    entries = [entry for entry in entries if entry["Id"] in failed]
                    if not entries:
                        break
            except Exception as error:
                unsent = [batch[int(entry["Id"])] for entry in entries]
                raise NotQueued([*unsent, *messages[start + SQS_BATCH :]]) from error
            if entries:
                unsent = [batch[int(entry["Id"])] for entry in entries]
                raise NotQueued([*unsent, *messages[start + SQS_BATCH :]])


class NotQueued(DependencyUnavailable):
    """The queue did not take `unqueued` (503): those companies are ended `failed` by `create_job`."""

    def __init__(
        self, unqueued: Sequence[CompanyMessage], detail: str = "The jobs queue did not take every company."
    ) -> None:
        super().__init__(detail, retry_after_seconds=5)
        self.unqueued = list(unqueued)


# ---------------------------------------------------------------------- the API side


def check_model(request: PortfolioAssessmentRequest, settings: Settings) -> None:
    allowed = [model for model in (settings.DEFAULT_LLM_MODEL, settings.FALLBACK_LLM_MODEL) if model]
    if request.model is not None and request.model not in allowed:
        raise ValidationFailed(
            f"Model '{request.model}' is not one of the configured models.",
            errors=[FieldError("model", f"must be one of: {', '.join(allowed)}")],
        )


def check_budget(request: PortfolioAssessmentRequest, settings: Settings) -> int:
    cap = usd_to_micros_floor(settings.JOB_MAX_BUDGET_USD)
    amount = usd_to_micros_floor(request.budget_usd)
    if amount > cap:
        raise ValidationFailed(
            f"A job's budget may be at most {format_usd(cap)} USD (JOB_MAX_BUDGET_USD).",
            errors=[FieldError("budget_usd", f"must be at most {format_usd(cap)}")],
        )
    if amount <= 0:
        raise ValidationFailed(
            "A job's budget must be at least 0.000001 USD.",
            errors=[FieldError("budget_usd", "must be at least 0.000001")],
        )
    return amount


def check_companies(request: PortfolioAssessmentRequest) -> None:
    seen: set[str] = set()
    duplicates = []
    for index, company in enumerate(request.companies):
        if company.company_id in seen:
            duplicates.append(FieldError(f"companies.{index}.company_id", "duplicate of an earlier company"))
        seen.add(company.company_id)
    if duplicates:
        raise ValidationFailed("A company may appear only once in a job.", errors=duplicates[:10])


def check_evidence(request: PortfolioAssessmentRequest, version: ParamVersion) -> None:
    """Each company has exactly one of `evidence` and `evidence_id`; v1 refuses `evidence_id` (422
    naming each company's field, as POST /assessments does)."""
    errors: list[FieldError] = []
    for index, company in enumerate(request.companies):
        where = f"companies.{index}"
        if version == "v1.0" and company.evidence_id is not None:
            errors.append(FieldError(f"{where}.{EVIDENCE_FIELD}", "used only by v2.0; not accepted on v1"))
        elif (company.evidence is None) == (company.evidence_id is None):
            errors.extend(
                FieldError(f"{where}.{name}", "send exactly one of evidence and evidence_id")
                for name in ("evidence", EVIDENCE_FIELD)
            )
    if errors:
        message = (
            "evidence_id is accepted only by v2; on v1 send the evidence text, or call /v2."
            if version == "v1.0" and any(company.evidence_id for company in request.companies)
            else "Send each company's evidence either inline (evidence) or as an uploaded document "
            "(evidence_id), exactly one of them."
        )
        raise ValidationFailed(message, errors=errors[:10])


def check_documents(request: PortfolioAssessmentRequest, tenant_id: str, settings: Settings) -> None:
    """Every referenced evidence document exists for the tenant (404) and was uploaded (409), the
    refusal naming `companies.<i>.evidence_id`; a document referred to twice is checked once."""
    checked: set[str] = set()
    for index, company in enumerate(request.companies):
        if company.evidence_id is None or company.evidence_id in checked:
            continue
        check_uploaded(tenant_id, company.evidence_id, settings, field=f"companies.{index}.{EVIDENCE_FIELD}")
        checked.add(company.evidence_id)


def create_job(
    request: PortfolioAssessmentRequest,
    *,
    meta: RequestMeta,
    version: ParamVersion,
    settings: Settings,
    repo: JobsRepository,
    ledger: CostLedger,
    queue: JobQueue,
    clock: Clock = utc_now,
) -> JobRecord:
    """Validate, check the referenced evidence documents, reserve the whole budget (429 naming the
    scope when a daily budget cannot hold it), store the job and its companies, then queue one
    message per company."""
    check_model(request, settings)
    check_companies(request)
    check_evidence(request, version)
    amount = check_budget(request, settings)
    check_documents(request, meta.tenant_id, settings)
    job_id = new_id()
    day = reserve_job(ledger, meta.tenant_id, job_id, amount)
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
        repo.create(job, tasks)
    except Exception:
        release_job(ledger, job_id, day)
        raise
    try:
        queue.send([CompanyMessage(meta.tenant_id, job_id, task.index) for task in tasks])
    except NotQueued as failure:
        job = end_unqueued(repo, ledger, job, failure, clock)
        if job.counts.failed == job.counts.total:
            raise
    return job


def end_unqueued(
    repo: JobsRepository, ledger: CostLedger, job: JobRecord, failure: NotQueued, clock: Clock
) -> JobRecord:
    """End the companies the queue did not take `failed` with the queue's problem, so the job can
    end: when none is left to do (nothing was queued, or the queued ones ended meanwhile) its unused
    budget is released and it completes here. Returns the job as stored after."""
    problem = _problem(failure)
    for message in failure.unqueued:
        repo.finish(job, message.index, None, "failed", clock(), problem=problem)
    current = repo.get(job.tenant_id, job.job_id) or job
    if current.counts.pending == 0 and current.finished_at is None:
        release_job(ledger, job.job_id, job.day)
        repo.complete(job.tenant_id, job.job_id, final_status(current), clock())
        current = repo.get(job.tenant_id, job.job_id) or current
    logger.warning(
        "the jobs queue did not take every company; those companies ended failed",
        extra={"job_id": job.job_id, "unqueued": len(failure.unqueued)},
    )
    return current


def find_job(repo: JobsRepository, tenant_id: str, job_id: str) -> JobRecord:
    job = repo.get(tenant_id, job_id) if is_id(job_id) else None
    if job is None:
        raise NotFound(f"No job '{job_id}' for this tenant.")
    return job


def cancel_job(
    repo: JobsRepository, ledger: CostLedger, tenant_id: str, job_id: str, clock: Clock = utc_now
) -> JobRecord:
    """Stop the remaining work and release the unused reservation now (companies already running
    end as they are; the ones not started end `cancelled` when their message arrives). 409 when
    the job had finished."""
    job = find_job(repo, tenant_id, job_id)
    if not repo.cancel(tenant_id, job_id, clock()):
        current = find_job(repo, tenant_id, job_id)
        if current.status == "cancelled":
            return current
        from orgair.errors import Conflict

        raise Conflict(f"Job '{job_id}' has finished ({current.status}); there is nothing to cancel.")
    release_job(ledger, job.job_id, job.day)
    return find_job(repo, tenant_id, job_id)


def _problem_view(problem: Mapping[str, Any] | None) -> ItemProblem | None:
    if not problem:
        return None
    return ItemProblem(
        type=str(problem.get("type", "")),
        title=str(problem.get("title", "")),
        status=int(problem.get("status", 500)),
        detail=str(problem.get("detail", "")),
        errors=[
            ItemFieldProblem(field=str(error.get("field", "")), message=str(error.get("message", "")))
            for error in problem.get("errors", []) or []
            if isinstance(error, Mapping)
        ],
    )


def job_view(job: JobRecord, store: CostsStore, tasks: Iterable[CompanyTask] | None = None) -> JobView:
    position = job_position(store, job.job_id, job.day)
    counts = job.counts
    return JobView(
        job_id=job.job_id,
        status=job.status,
        param_version=job.param_version,
        model=job.model,
        notify=job.notify,
        created_at=rfc3339(job.created_at),
        started_at=rfc3339(job.started_at) if job.started_at else None,
        finished_at=rfc3339(job.finished_at) if job.finished_at else None,
        companies=JobCountsView(
            total=counts.total,
            pending=counts.pending,
            succeeded=counts.succeeded,
            failed=counts.failed,
            budget_exhausted=counts.budget_exhausted,
            cancelled=counts.cancelled,
        ),
        budget=JobBudgetView(
            reserved=format_usd(job.budget_micros),
            spent=format_usd(position.spent_micros),
            held=format_usd(max(0, position.committed_micros - position.spent_micros)),
            released=position.released,
        ),
        results=None
        if tasks is None
        else [
            JobCompanyView(
                index=task.index,
                company_id=task.company_id,
                status=task.status,
                score_id=task.score_id if task.status == "succeeded" else None,
                problem=_problem_view(task.problem),
            )
            for task in tasks
        ],
    )


def list_jobs(
    repo: JobsRepository,
    store: CostsStore,
    settings: Settings,
    tenant_id: str,
    limit: int,
    cursor: str | None,
) -> JobList:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            f"limit must be between 1 and {MAX_PAGE_SIZE}.",
            errors=[FieldError("limit", f"must be between 1 and {MAX_PAGE_SIZE}")],
        )
    secret = settings.signing_key()
    scope = f"{tenant_id}|jobs"
    start = decode_cursor(cursor, secret=secret, scope=scope)
    after = start.get("job_id") if start else None
    if start is not None and not (isinstance(after, str) and is_id(after)):
        raise ValidationFailed(
            "The cursor is not valid for this query.", errors=[FieldError("cursor", "invalid")]
        )
    jobs, last = repo.list(tenant_id, limit, after if isinstance(after, str) else None)
    return JobList(
        items=[job_view(job, store) for job in jobs],
        next_cursor=encode_cursor({"job_id": last}, secret=secret, scope=scope) if last else None,
    )


# ---------------------------------------------------------------------- the worker side


def final_status(job: JobRecord) -> JobStatus:
    if job.status == "cancelled":
        return "cancelled"
    if job.counts.succeeded == job.counts.total:
        return "succeeded"
    if job.counts.succeeded == 0:
        return "failed"
    return "partially_failed"


@dataclass
class Worker:
    """Does one company's work per message; `publish` announces a finished job (EventBridge, SNS)."""

    settings: Settings
    repo: JobsRepository
    gateway_for: Callable[[JobRecord, CompanyTask], LlmGateway]
    publish: Callable[[JobRecord], None]
    clock: Clock = utc_now
    lambda_context: Any = None
    lease_seconds: int = 900

    def handle(self, message: CompanyMessage, receive_count: int) -> None:
        job = self.repo.get(message.tenant_id, message.job_id)
        if job is None:
            logger.warning("message for an unknown job dropped", extra={"job_id": message.job_id})
            return
        task = self.repo.task(job.job_id, message.index)
        if task is None:
            logger.warning("message for an unknown company dropped", extra={"job_id": job.job_id})
            return
        if task.status in ("pending", "running"):
            self._work(job, task, receive_count)
        self.finish_job(job.tenant_id, job.job_id)

    def _work(self, job: JobRecord, task: CompanyTask, receive_count: int) -> None:
        now = self.clock()
        claimed = self.repo.claim(job.job_id, task.index, now, now + timedelta(seconds=self.lease_seconds))
        if claimed is None:
            current = self.repo.task(job.job_id, task.index)
            if current is not None and current.status == "running":
                raise RetryLater("another run holds this company", RETRY_BASE_SECONDS)
            return  # ended meanwhile: nothing to do
        if job.status == "cancelled" or self._cancelled(job):
            self.repo.finish(job, claimed.index, claimed.run, "cancelled", self.clock())
            return
        self.repo.start(job.tenant_id, job.job_id, self.clock())
        if claimed.pending_score_id and scores_dal.score_mark(
            job.tenant_id,
            claimed.company_id,
            job.param_version,
            claimed.pending_score_id,
            self.settings.SCORES_TABLE_NAME,
        ):
            self.repo.finish(
                job, claimed.index, claimed.run, "succeeded", self.clock(), score_id=claimed.pending_score_id
            )
            return
        try:
            score_id = self._assess(job, claimed)
        except BudgetExceeded as error:
            status: TerminalTaskStatus = "failed"  # the per-request cap (MAX_REQUEST_COST_USD)
            if self._cancelled(job):
                status = "cancelled"
            elif is_job_scope(str(error.extensions.get("scope", ""))):
                status = "budget_exhausted"
            self.repo.finish(job, claimed.index, claimed.run, status, self.clock(), problem=_problem(error))
            return
        except OrgairError as error:
            if (
                error.status >= 500
                and error.status != 502
                and receive_count < self.settings.JOB_MAX_DELIVERIES
            ):
                self.repo.release(job.job_id, claimed.index, claimed.run)
                delay = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** max(0, receive_count - 1))
                raise RetryLater(error.detail, delay) from error
            self.repo.finish(job, claimed.index, claimed.run, "failed", self.clock(), problem=_problem(error))
            return
        if not self.repo.finish(
            job, claimed.index, claimed.run, "succeeded", self.clock(), score_id=score_id
        ):
            logger.warning("a stored score's company had been taken over", extra={"job_id": job.job_id})

    def _cancelled(self, job: JobRecord) -> bool:
        current = self.repo.get(job.tenant_id, job.job_id)
        return current is not None and current.status == "cancelled"

    def _assess(self, job: JobRecord, task: CompanyTask) -> str:
        meta = RequestMeta(
            tenant_id=job.tenant_id,
            key_id="job",
            correlation_id=job.correlation_id,
            request_id=f"{job.job_id}/{task.index}/{task.run}",
        )
        score_id = new_id()

        def record_then_store(stored_id: str) -> None:
            if not self.repo.set_pending_score(job.job_id, task.index, task.run, stored_id):
                raise DependencyUnavailable("The company was taken over by another run.")

        stored = assess(
            AssessmentRequest.model_validate(
                {
                    "company_id": task.company_id,
                    "sector": task.sector,
                    **(
                        {EVIDENCE_FIELD: task.evidence_id}
                        if task.evidence_id is not None
                        else {"evidence": task.evidence}
                    ),
                }
            ),
            meta=meta,
            version=cast("ParamVersion", job.param_version),
            settings=self.settings,
            gateway=self.gateway_for(job, task),
            lambda_context=self.lambda_context,
            parent_request_id=job.job_id,
            score_id=score_id,
            before_store=record_then_store,
        )
        return stored.score_id

    def finish_job(self, tenant_id: str, job_id: str) -> None:
        """When every company has ended: the final status, the unused budget released, the event."""
        job = self.repo.get(tenant_id, job_id)
        if job is None or job.counts.pending > 0:
            return
        if job.finished_at is None:
            release_job(CostLedger(self.settings), job.job_id, job.day)
            self.repo.complete(tenant_id, job_id, final_status(job), self.clock())
        job = self.repo.get(tenant_id, job_id)
        if job is not None and job.finished_at is not None and not job.notified:
            self.publish(job)
            self.repo.mark_notified(tenant_id, job_id)


def _problem(error: OrgairError) -> dict[str, Any]:
    problem: dict[str, Any] = {
        "type": error.type_uri,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }
    if error.errors:
        problem["errors"] = [item.as_dict() for item in error.errors]
    return problem


def funded_gateway(settings: Settings) -> Callable[[JobRecord, CompanyTask], LlmGateway]:
    """Each company's gateway: the job's model (if chosen) first, every attempt drawn from the job."""

    def build(job: JobRecord, task: CompanyTask) -> LlmGateway:
        chosen = (
            settings if job.model is None else settings.model_copy(update={"DEFAULT_LLM_MODEL": job.model})
        )
        ledger = FundedLedger(
            chosen,
            job_id=job.job_id,
            day=job.day,
            budget_micros=job.budget_micros,
            attempt_key=f"{job.job_id}/{task.index}/{task.run}",
        )
        return LlmGateway(chosen, ledger)

    return build


def event_detail(job: JobRecord, store: CostsStore) -> dict[str, Any]:
    view = job_view(job, store)
    return {"tenant_id": job.tenant_id, **view.model_dump(mode="json", exclude_none=True)}


def aws_publisher(settings: Settings) -> Callable[[JobRecord], None]:
    """The completion on the event bus (ALERT_EVENT_BUS_NAME) and, when asked, on JOBS_TOPIC_ARN."""

    def publish(job: JobRecord) -> None:
        detail = json.dumps(event_detail(job, CostsStore(settings.COSTS_TABLE_NAME)), sort_keys=True)
        response = events_client().put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": EVENT_DETAIL_TYPE,
                    "Detail": detail,
                    "EventBusName": settings.ALERT_EVENT_BUS_NAME,
                }
            ]
        )
        if response.get("FailedEntryCount", 0):
            raise DependencyUnavailable("EventBridge refused the job's completion event.")
        if job.notify and settings.JOBS_TOPIC_ARN:
            sns_client().publish(
                TopicArn=settings.JOBS_TOPIC_ARN,
                Subject=f"orgair: assessment job {job.job_id} {job.status}"[:100],
                Message=detail,
            )

    return publish
