"""JobsTable items: the keys of a job and of a company task, and each record to and from its item
(instants as RFC 3339 text, amounts as integers); `orgair.dal.jobs` reads and writes them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Final, cast

from orgair.dynamo.codec import to_value
from orgair.records.jobs import (
    CompanyTask,
    JobCounts,
    JobRecord,
    JobStatus,
    TaskStatus,
)

TASK_OUTCOME_ATTRIBUTES: Final = (
    "job_id",
    "index",
    "company_id",
    "sector",
    "status",
    "run",
    "lease_until",
    "score_id",
    "pending_score_id",
    "problem",
    "finished_at",
)


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def instant(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def job_key(tenant_id: str, job_id: str) -> dict[str, Any]:
    if not tenant_id or "#" in tenant_id:
        raise ValueError("a tenant id is non-empty and never contains '#'")
    return {"pk": to_value(f"T#{tenant_id}"), "sk": to_value(f"JOB#{job_id}")}


def request_key(tenant_id: str, key_digest: str) -> dict[str, Any]:
    """The job id recorded for one of the tenant's Idempotency-Keys (by its digest)."""
    return {**job_key(tenant_id, ""), "sk": to_value(f"KEY#{key_digest}")}


def creation_key(day: date, job_id: str) -> dict[str, Any]:
    """A pending creation, under its day: the budget check reads a day's in one query."""
    return {"pk": to_value(f"CREATING#{day.isoformat()}"), "sk": to_value(f"JOB#{job_id}")}


def unannounced_key(job_id: str) -> dict[str, Any]:
    """A finished job whose announcement failed where nothing would retry it (one partition: rare)."""
    return {"pk": to_value("UNANNOUNCED"), "sk": to_value(f"JOB#{job_id}")}


def task_key(job_id: str, index: int) -> dict[str, Any]:
    return {"pk": to_value(f"J#{job_id}"), "sk": to_value(f"C#{index:05d}")}


def job_values(job: JobRecord) -> dict[str, Any]:
    return {
        "type": "job",
        "job_id": job.job_id,
        "tenant_id": job.tenant_id,
        "status": job.status,
        "param_version": job.param_version,
        "model": job.model,
        "budget_micros": job.budget_micros,
        "day": job.day.isoformat(),
        "total": job.counts.total,
        "succeeded": job.counts.succeeded,
        "failed": job.counts.failed,
        "budget_exhausted": job.counts.budget_exhausted,
        "cancelled": job.counts.cancelled,
        "created_at": iso(job.created_at),
        "correlation_id": job.correlation_id,
        "notify": job.notify,
        "started_at": iso(job.started_at) if job.started_at else None,
        "finished_at": iso(job.finished_at) if job.finished_at else None,
        "notified": job.notified,
    }


def job_from(values: Mapping[str, Any]) -> JobRecord:
    return JobRecord(
        job_id=str(values["job_id"]),
        tenant_id=str(values["tenant_id"]),
        status=cast("JobStatus", str(values["status"])),
        param_version=str(values["param_version"]),
        model=str(values["model"]) if values.get("model") else None,
        budget_micros=int(values["budget_micros"]),
        day=date.fromisoformat(str(values["day"])),
        counts=JobCounts(
            total=int(values["total"]),
            succeeded=int(values.get("succeeded", 0)),
            failed=int(values.get("failed", 0)),
            budget_exhausted=int(values.get("budget_exhausted", 0)),
            cancelled=int(values.get("cancelled", 0)),
        ),
        created_at=instant(values["created_at"]) or datetime.now(UTC),
        correlation_id=str(values.get("correlation_id", "")),
        notify=bool(values.get("notify", False)),
        started_at=instant(values.get("started_at")),
        finished_at=instant(values.get("finished_at")),
        notified=bool(values.get("notified", False)),
    )


def task_values(task: CompanyTask) -> dict[str, Any]:
    return {
        "type": "job_task",
        "job_id": task.job_id,
        "index": task.index,
        "company_id": task.company_id,
        "sector": task.sector,
        "evidence": task.evidence,
        "evidence_id": task.evidence_id,
        "status": task.status,
        "run": task.run,
        "lease_until": iso(task.lease_until) if task.lease_until else None,
        "score_id": task.score_id,
        "pending_score_id": task.pending_score_id,
        "problem": dict(task.problem) if task.problem else None,
        "finished_at": iso(task.finished_at) if task.finished_at else None,
    }


def task_from(values: Mapping[str, Any]) -> CompanyTask:
    problem = values.get("problem")
    return CompanyTask(
        job_id=str(values["job_id"]),
        index=int(values["index"]),
        company_id=str(values["company_id"]),
        sector=str(values["sector"]),
        evidence=None if values.get("evidence_id") else str(values.get("evidence", "")),
        evidence_id=str(values["evidence_id"]) if values.get("evidence_id") else None,
        status=cast("TaskStatus", str(values["status"])),
        run=int(values.get("run", 0)),
        lease_until=instant(values.get("lease_until")),
        score_id=str(values["score_id"]) if values.get("score_id") else None,
        pending_score_id=str(values["pending_score_id"]) if values.get("pending_score_id") else None,
        problem=plain(problem) if isinstance(problem, Mapping) else None,
        finished_at=instant(values.get("finished_at")),
    )


def plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal: the problem's `status` is an int again."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if hasattr(value, "as_integer_ratio") and not isinstance(value, (int, bool)):
        return int(value) if value == int(value) else str(value)
    return value


def expression_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Expression attribute values, serialised."""
    return {key: to_value(value) for key, value in raw.items()}
