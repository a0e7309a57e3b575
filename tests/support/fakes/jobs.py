"""An in-memory JobsRepository with the same contract as orgair.dal.jobs.DynamoJobsRepository
(tests/unit/orgair/dal/test_jobs_contract.py runs the same tests against both)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from orgair.records.jobs import (
    CompanyTask,
    JobCounts,
    JobRecord,
    JobStatus,
    PendingCreation,
    TerminalTaskStatus,
)


class InMemoryJobsRepository:
    def __init__(self) -> None:
        self._jobs: dict[tuple[str, str], JobRecord] = {}
        self._tasks: dict[tuple[str, int], CompanyTask] = {}
        self._cancelled: set[str] = set()
        self._requests: dict[tuple[str, str], tuple[str, datetime]] = {}
        self._creations: dict[tuple[date, str], PendingCreation] = {}
        self._unannounced: dict[str, str] = {}
        self._lock = threading.Lock()

    def create(self, job: JobRecord, tasks: Sequence[CompanyTask]) -> bool:
        with self._lock:
            if (job.tenant_id, job.job_id) in self._jobs:
                return False
            self._jobs[(job.tenant_id, job.job_id)] = job
            for task in tasks:
                self._tasks[(task.job_id, task.index)] = task
            return True

    def get(self, tenant_id: str, job_id: str) -> JobRecord | None:
        return self._jobs.get((tenant_id, job_id))

    def list(self, tenant_id: str, limit: int, after: str | None) -> tuple[list[JobRecord], str | None]:
        ids = sorted((job_id for tenant, job_id in self._jobs if tenant == tenant_id), reverse=True)
        if after is not None:
            ids = [job_id for job_id in ids if job_id < after]
        page = [self._jobs[(tenant_id, job_id)] for job_id in ids[:limit]]
        return page, (page[-1].job_id if len(ids) > limit else None)

    def tasks(self, job_id: str) -> Iterator[CompanyTask]:
        yield from sorted(
            (task for (owner, _), task in self._tasks.items() if owner == job_id), key=lambda task: task.index
        )

    def task(self, job_id: str, index: int) -> CompanyTask | None:
        return self._tasks.get((job_id, index))

    def start(self, tenant_id: str, job_id: str, now: datetime) -> bool:
        with self._lock:
            job = self._jobs.get((tenant_id, job_id))
            if job is None or job.status != "queued":
                return False
            self._jobs[(tenant_id, job_id)] = replace(job, status="running", started_at=now)
            return True

    def claim(self, job_id: str, index: int, now: datetime, lease_until: datetime) -> CompanyTask | None:
        with self._lock:
            task = self._tasks.get((job_id, index))
            if task is None:
                return None
            lapsed = task.status == "running" and task.lease_until is not None and task.lease_until < now
            if task.status != "pending" and not lapsed:
                return None
            claimed = replace(task, status="running", run=task.run + 1, lease_until=lease_until)
            self._tasks[(job_id, index)] = claimed
            return claimed

    def _held(self, job_id: str, index: int, run: int) -> CompanyTask | None:
        task = self._tasks.get((job_id, index))
        return task if task is not None and task.status == "running" and task.run == run else None

    def set_pending_score(self, job_id: str, index: int, run: int, score_id: str) -> bool:
        with self._lock:
            task = self._held(job_id, index, run)
            if task is None:
                return False
            self._tasks[(job_id, index)] = replace(task, pending_score_id=score_id)
            return True

    def release(self, job_id: str, index: int, run: int) -> bool:
        with self._lock:
            task = self._held(job_id, index, run)
            if task is None:
                return False
            self._tasks[(job_id, index)] = replace(task, status="pending", lease_until=None)
            return True

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
        with self._lock:
            task = self._tasks.get((job.job_id, index))
            stored = self._jobs.get((job.tenant_id, job.job_id))
            if task is None or stored is None:
                return False
            if run is None and task.status != "pending":
                return False
            if run is not None and self._held(job.job_id, index, run) is None:
                return False
            self._tasks[(job.job_id, index)] = replace(
                task,
                status=status,
                finished_at=now,
                lease_until=None,
                score_id=score_id if score_id is not None else task.score_id,
                problem=dict(problem) if problem is not None else task.problem,
            )
            counts = stored.counts
            self._jobs[(job.tenant_id, job.job_id)] = replace(
                stored,
                counts=JobCounts(
                    total=counts.total,
                    **{
                        name: getattr(counts, name) + (1 if name == status else 0)
                        for name in ("succeeded", "failed", "budget_exhausted", "cancelled")
                    },
                ),
            )
            return True

    def cancel(self, tenant_id: str, job_id: str, now: datetime) -> bool:
        with self._lock:
            job = self._jobs.get((tenant_id, job_id))
            if job is None or job.status not in ("queued", "running"):
                return False
            self._jobs[(tenant_id, job_id)] = replace(job, status="cancelled")
            self._cancelled.add(job_id)
            return True

    def complete(self, tenant_id: str, job_id: str, status: JobStatus, now: datetime) -> bool:
        with self._lock:
            job = self._jobs.get((tenant_id, job_id))
            if job is None or job.finished_at is not None:
                return False
            final = "cancelled" if job.status == "cancelled" else status
            self._jobs[(tenant_id, job_id)] = replace(job, status=final, finished_at=now)
            return True

    def mark_notified(self, tenant_id: str, job_id: str) -> bool:
        with self._lock:
            job = self._jobs.get((tenant_id, job_id))
            if job is None or job.notified:
                return False
            self._jobs[(tenant_id, job_id)] = replace(job, notified=True)
            return True

    def unmark_notified(self, tenant_id: str, job_id: str) -> bool:
        with self._lock:
            job = self._jobs.get((tenant_id, job_id))
            if job is None or not job.notified:
                return False
            self._jobs[(tenant_id, job_id)] = replace(job, notified=False)
            return True

    def job_id_for_key(
        self, tenant_id: str, key_digest: str, job_id: str, *, now: datetime, expires_at: datetime
    ) -> str:
        with self._lock:
            recorded = self._requests.get((tenant_id, key_digest))
            if recorded is not None and recorded[1] > now:
                return recorded[0]
            self._requests[(tenant_id, key_digest)] = (job_id, expires_at)
            return job_id

    def begin_creation(self, creation: PendingCreation) -> None:
        with self._lock:
            self._creations[(creation.day, creation.job_id)] = creation

    def end_creation(self, day: date, job_id: str) -> None:
        with self._lock:
            self._creations.pop((day, job_id), None)

    def pending_creations(self, day: date) -> Sequence[PendingCreation]:
        with self._lock:
            found = [creation for (noted, _), creation in self._creations.items() if noted == day]
        return sorted(found, key=lambda creation: creation.started_at)

    def note_unannounced(self, tenant_id: str, job_id: str, at: datetime) -> None:
        with self._lock:
            self._unannounced[job_id] = tenant_id

    def unannounced(self, limit: int) -> Sequence[tuple[str, str]]:
        with self._lock:
            return [(self._unannounced[job_id], job_id) for job_id in sorted(self._unannounced)[:limit]]

    def forget_unannounced(self, job_id: str) -> None:
        with self._lock:
            self._unannounced.pop(job_id, None)
