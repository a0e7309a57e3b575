"""The jobs logic on the embedded DynamoDB and SQS, as tests/unit/orgair/logic drives it: one
tenant (`acme`), a job created through `create_job`, its messages delivered to the worker, and the
ledger and counters read back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import EndpointConnectionError
from orgair.auth.principal import RequestMeta
from orgair.costs.budget import GLOBAL_SCOPE, global_share_scope, tenant_scope
from orgair.costs.ledger import CostLedger
from orgair.dal.jobs import DynamoJobsRepository
from orgair.logic.job_queue import CompanyMessage, JobQueue
from orgair.logic.job_worker import Worker, funded_gateway
from orgair.logic.jobs import (
    create_job,
)
from orgair.models.jobs import PortfolioAssessmentRequest
from orgair.records.jobs import JobRecord
from orgair.scoring import DIMENSION_NAMES
from orgair.settings import Settings

RATINGS = {name: {"score": 70, "rationale": f"Evidence on {name}."} for name in DIMENSION_NAMES}
META = RequestMeta(tenant_id="acme", key_id="k1", correlation_id="corr-1", request_id="req-1")
DAY_SCOPES = (GLOBAL_SCOPE, tenant_scope("acme"), global_share_scope("acme"))


class Crash(BaseException):
    """The worker's process ending in the middle of a provider call (not an error it could handle)."""


class Harness:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.repo = DynamoJobsRepository(settings.JOBS_TABLE_NAME)
        self.ledger = CostLedger(settings)
        self.published: list[JobRecord] = []
        self.now = datetime.now(UTC)

    def create(
        self, companies: int, budget: str = "5.00", queue: JobQueue | None = None, key: str | None = None
    ) -> JobRecord:
        request = PortfolioAssessmentRequest.model_validate(
            {
                "companies": [
                    {
                        "company_id": f"co-{index}",
                        "sector": "technology",
                        "evidence": "A governed data platform.",
                    }
                    for index in range(companies)
                ],
                "budget_usd": budget,
            }
        )
        return create_job(
            request,
            meta=META,
            version="v2.0",
            settings=self.settings,
            repo=self.repo,
            ledger=self.ledger,
            queue=queue or JobQueue(self.settings.JOBS_QUEUE_URL),
            publish=self.published.append,
            idempotency_key=key,
        )

    def worker(self) -> Worker:
        return Worker(
            settings=self.settings,
            repo=self.repo,
            gateway_for=funded_gateway(self.settings),
            publish=self.published.append,
            clock=lambda: self.now,
        )

    def deliver(self, job: JobRecord, receive_count: int = 1) -> None:
        worker = self.worker()
        for index in range(job.counts.total):
            worker.handle(CompanyMessage("acme", job.job_id, index), receive_count)

    def job(self, job: JobRecord) -> JobRecord:
        current = self.repo.get("acme", job.job_id)
        assert current is not None
        return current

    def lines(self, job: JobRecord) -> list[Any]:
        return [
            line
            for line in self.ledger.store.ledger_lines("acme", job.day)
            if line.meta.parent_request_id == job.job_id
        ]

    def scores(self) -> list[dict[str, Any]]:
        client = boto3.client("dynamodb")
        items = client.scan(TableName=self.settings.SCORES_TABLE_NAME)["Items"]
        return [item for item in items if item["sk"]["S"].startswith("S#")]

    def day_counters(self, job: JobRecord) -> dict[str, tuple[int, int]]:
        counters = self.ledger.store.counters(list(DAY_SCOPES), job.day)
        return {
            scope: (counters[scope].committed_micros, counters[scope].settled_micros) for scope in DAY_SCOPES
        }


def failing_queue(settings: Settings, calls: set[int], seen: list[int] | None = None) -> JobQueue:
    """The jobs queue whose SendMessageBatch calls numbered `calls` (1-based) cannot connect; `seen`
    collects every call's number."""
    client = boto3.client("sqs")
    seen = [] if seen is None else seen

    def refuse(**_: Any) -> None:
        seen.append(len(seen) + 1)
        if seen[-1] in calls:
            raise EndpointConnectionError(endpoint_url="http://unreachable.invalid")

    client.meta.events.register("before-call.sqs.SendMessageBatch", refuse)
    return JobQueue(settings.JOBS_QUEUE_URL, client=client)
