"""The records of background assessment jobs: the job, and one task per company.

Plain immutable data shared by the jobs logic and its repositories (`orgair.dal.jobs`); amounts are
integer micro-USD, instants aware UTC datetimes. A task's `run` counts the claims of its company:
each claim is a fresh run whose provider attempts have their own call ids, so a message delivered
twice never repeats an attempt and a crashed run is never half-counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final, Literal

JobStatus = Literal["queued", "running", "succeeded", "partially_failed", "failed", "cancelled"]
TaskStatus = Literal["pending", "running", "succeeded", "failed", "budget_exhausted", "cancelled"]
TerminalTaskStatus = Literal["succeeded", "failed", "budget_exhausted", "cancelled"]

ACTIVE_JOB_STATUSES: Final[frozenset[str]] = frozenset({"queued", "running"})
TERMINAL_TASK_STATUSES: Final[tuple[TerminalTaskStatus, ...]] = (
    "succeeded",
    "failed",
    "budget_exhausted",
    "cancelled",
)


@dataclass(frozen=True, slots=True)
class JobCounts:
    """How many companies ended in each terminal state; `total - finished` are still to do."""

    total: int
    succeeded: int = 0
    failed: int = 0
    budget_exhausted: int = 0
    cancelled: int = 0

    @property
    def finished(self) -> int:
        return self.succeeded + self.failed + self.budget_exhausted + self.cancelled

    @property
    def pending(self) -> int:
        return self.total - self.finished


@dataclass(frozen=True, slots=True)
class JobRecord:
    job_id: str
    tenant_id: str
    status: JobStatus
    param_version: str
    model: str | None
    """The model asked for (None: the configured default, then its fallback)."""
    budget_micros: int
    day: date
    """The UTC day the budget was reserved on: every attempt of the job is charged to it."""
    counts: JobCounts
    created_at: datetime
    correlation_id: str
    notify: bool = False
    """Publish the completion to the jobs SNS topic as well as to EventBridge."""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    notified: bool = False


@dataclass(frozen=True, slots=True)
class CompanyTask:
    """One company of a job: its input, and how its work ended (or where it is)."""

    job_id: str
    index: int
    company_id: str
    sector: str
    evidence: str | None
    """The evidence text, or None when the company refers to an uploaded document."""
    evidence_id: str | None = None
    """The uploaded evidence document the company is assessed by (instead of `evidence`)."""
    status: TaskStatus = "pending"
    run: int = 0
    lease_until: datetime | None = None
    score_id: str | None = None
    """The stored score (succeeded), or the id the running run will store under (pending_score)."""
    pending_score_id: str | None = None
    problem: dict[str, Any] | None = field(default=None)
    finished_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PendingCreation:
    """A job whose budget is being reserved and which is not stored yet: noted before the
    reservation, forgotten once the job is stored (or nothing was reserved). One still noted long
    after `started_at` is a creation that died in between: the budget check releases its budget."""

    tenant_id: str
    job_id: str
    day: date
    started_at: datetime
