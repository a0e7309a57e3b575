"""The `JobsRepository` protocol: what the jobs logic asks of where jobs and their company tasks
live. `orgair.dal.jobs.DynamoJobsRepository` is the JobsTable implementation; an in-memory one
(tests/support/fakes/jobs.py) passes the same contract suite (tests/contract/test_jobs_contract.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from orgair.records.jobs import (
    CompanyTask,
    JobRecord,
    JobStatus,
    PendingCreation,
    TerminalTaskStatus,
)


class JobsRepository(Protocol):
    """Where jobs and their tasks live. Every transition returns whether it took place."""

    def create(self, job: JobRecord, tasks: Sequence[CompanyTask]) -> bool:
        """Store a new job and its tasks; False (nothing written) when the job exists already."""

    def get(self, tenant_id: str, job_id: str) -> JobRecord | None: ...

    def list(self, tenant_id: str, limit: int, after: str | None) -> tuple[list[JobRecord], str | None]:
        """The tenant's jobs, newest first; the job id the next page starts after (None: last page)."""

    def tasks(self, job_id: str) -> Iterator[CompanyTask]:
        """The job's tasks in input order (their evidence may be left out: "")."""

    def task(self, job_id: str, index: int) -> CompanyTask | None: ...

    def start(self, tenant_id: str, job_id: str, now: datetime) -> bool:
        """queued → running (the first company picked up)."""

    def claim(self, job_id: str, index: int, now: datetime, lease_until: datetime) -> CompanyTask | None:
        """pending (or running past its lease) → running with the next run number; None otherwise."""

    def set_pending_score(self, job_id: str, index: int, run: int, score_id: str) -> bool:
        """Record the score id the run is about to store, so a later run can find it stored."""

    def release(self, job_id: str, index: int, run: int) -> bool:
        """running → pending for a retry (only by the run that holds the claim)."""

    def finish(
        self,
        job: JobRecord,
        index: int,
        run: int | None,
        status: TerminalTaskStatus,
        now: datetime,
        *,
        score_id: str | None = None,
        problem: Mapping[str, Any] | None = None,
    ) -> bool:
        """End the task (run None: a pending task never claimed, e.g. cancelled) and count it on the
        job, at once; False when the task was not in that state (ended before, or claimed again)."""

    def cancel(self, tenant_id: str, job_id: str, now: datetime) -> bool:
        """queued/running → cancelled."""

    def complete(self, tenant_id: str, job_id: str, status: JobStatus, now: datetime) -> bool:
        """Set the final status and `finished_at`, once (a cancelled job keeps `cancelled`)."""

    def mark_notified(self, tenant_id: str, job_id: str) -> bool: ...

    def unmark_notified(self, tenant_id: str, job_id: str) -> bool:
        """Give back a claim to announce the job (its publish failed); False when it held none."""
        ...

    def job_id_for_key(
        self, tenant_id: str, key_digest: str, job_id: str, *, now: datetime, expires_at: datetime
    ) -> str:
        """The job id of the tenant's request with this Idempotency-Key digest: `job_id` when this
        call recorded it (until `expires_at`), else the one recorded first (a retry of the same
        request). A record past its expiry at `now` counts as absent (TTL deletes it lazily)."""
        ...

    def begin_creation(self, creation: PendingCreation) -> None:
        """Note a job whose budget is about to be reserved (idempotent)."""

    def end_creation(self, day: date, job_id: str) -> None:
        """Forget the note: the job is stored, or nothing was reserved, or the budget was released."""

    def pending_creations(self, day: date) -> Sequence[PendingCreation]:
        """The creations noted on `day` and not forgotten, oldest first."""
        ...

    def note_unannounced(self, tenant_id: str, job_id: str, at: datetime) -> None:
        """Note a finished job whose announcement failed where no later ender would retry it."""

    def unannounced(self, limit: int) -> Sequence[tuple[str, str]]:
        """Up to `limit` noted (tenant id, job id), oldest job first."""
        ...

    def forget_unannounced(self, job_id: str) -> None:
        """Forget the note (idempotent)."""
