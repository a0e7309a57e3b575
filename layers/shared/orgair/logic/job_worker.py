"""Background portfolio assessments, the worker side: each company assessed exactly once, and the
job ends with one event.

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

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast

from orgair.auth.principal import RequestMeta
from orgair.costs.job_budget import FundedLedger, is_job_scope, release_job
from orgair.costs.ledger import CostLedger
from orgair.dal import scores as scores_dal
from orgair.dal.job_repository import JobsRepository
from orgair.errors import (
    BudgetExceeded,
    DependencyUnavailable,
    OrgairError,
)
from orgair.evidence.documents import EVIDENCE_FIELD
from orgair.ids import new_id
from orgair.llm.gateway import LlmGateway
from orgair.logic.assessments import AssessmentRequest, assess
from orgair.logic.job_queue import CompanyMessage
from orgair.logic.jobs import Clock, Publish, announce, final_status, problem_of, utc_now
from orgair.observability import logger
from orgair.records.jobs import CompanyTask, JobRecord, TerminalTaskStatus
from orgair.scoring.versions import ParamVersion
from orgair.settings import Settings

RETRY_BASE_SECONDS: Final = 30
RETRY_CAP_SECONDS: Final = 900


class RetryLater(Exception):
    """The company could not be done now (a provider or the store was unavailable, or another run
    holds it): its message goes back to the queue, to be delivered again after `delay_seconds`."""

    def __init__(self, reason: str, delay_seconds: int) -> None:
        super().__init__(reason)
        self.delay_seconds = delay_seconds


def lease_wait(task: CompanyTask, now: datetime) -> int:
    """Seconds until the run holding `task` can be replaced (its lease passed), 1 to RETRY_CAP_SECONDS.

    The message comes back when another run may claim the company, not every RETRY_BASE_SECONDS:
    each early receive would count towards the queue's maxReceiveCount and a live run's message
    could reach the dead-letter queue while it still works."""
    if task.lease_until is None:
        return RETRY_BASE_SECONDS
    return max(1, min(RETRY_CAP_SECONDS, math.ceil((task.lease_until - now).total_seconds()) + 1))


@dataclass
class Worker:
    """Does one company's work per message; `publish` announces a finished job (EventBridge, SNS)."""

    settings: Settings
    repo: JobsRepository
    gateway_for: Callable[[JobRecord, CompanyTask], LlmGateway]
    publish: Publish
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
                raise RetryLater("another run holds this company", lease_wait(current, now))
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
            self.repo.finish(job, claimed.index, claimed.run, status, self.clock(), problem=problem_of(error))
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
            self.repo.finish(
                job, claimed.index, claimed.run, "failed", self.clock(), problem=problem_of(error)
            )
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
        announce(self.repo, tenant_id, job_id, self.publish)


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
