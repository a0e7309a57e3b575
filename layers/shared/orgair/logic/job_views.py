"""What the jobs API answers: a job with its counts, budget and (on GET /jobs/{job_id}) each
company's outcome, and the tenant's jobs page by page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from orgair.costs.job_budget import job_position
from orgair.costs.money import format_usd
from orgair.dal.costs import CostsRepository
from orgair.dal.job_repository import JobsRepository
from orgair.ids import is_id
from orgair.logic.jobs import MAX_PAGE_SIZE
from orgair.models.jobs import (
    JobBudgetView,
    JobCompanyView,
    JobCountsView,
    JobList,
    JobView,
)
from orgair.models.scores import ItemFieldProblem, ItemProblem
from orgair.pagination import encode_cursor, page_position
from orgair.records.jobs import CompanyTask, JobRecord
from orgair.settings import Settings
from orgair.timestamps import rfc3339


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


def job_view(job: JobRecord, store: CostsRepository, tasks: Iterable[CompanyTask] | None = None) -> JobView:
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
    store: CostsRepository,
    settings: Settings,
    tenant_id: str,
    limit: int,
    cursor: str | None,
) -> JobList:
    secret = settings.signing_key()
    scope = f"{tenant_id}|jobs"
    after = page_position(
        cursor, limit=limit, most=MAX_PAGE_SIZE, secret=secret, scope=scope, field="job_id", accept=is_id
    )
    jobs, last = repo.list(tenant_id, limit, after)
    return JobList(
        items=[job_view(job, store) for job in jobs],
        next_cursor=encode_cursor({"job_id": last}, secret=secret, scope=scope) if last else None,
    )
