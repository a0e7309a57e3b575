"""The scheduled budget check (EventBridge schedule, and on demand with any event).

Releases the budget of job creations that died between reserving and storing their job
(`orgair.logic.jobs.sweep_jobs`: `release_abandoned_creations`), announces the finished jobs whose
announcement the jobs API could not make (`announce_missed`), settles expired holds as `uncertain`, evaluates every budget scope of today and yesterday, and
publishes each newly claimed alert to the SNS topic and as an EventBridge event. The work is in
`orgair.costs.check`; this handler wires it to AWS and reports what it did.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from orgair.costs.alerts import aws_alert_channels
from orgair.costs.check import BudgetCheck, record_check_metrics
from orgair.costs.ledger import CostLedger
from orgair.costs.views import CheckSummary
from orgair.dal.jobs import DynamoJobsRepository
from orgair.errors import DependencyUnavailable
from orgair.logic.job_announce import aws_publisher
from orgair.logic.jobs import sweep_jobs
from orgair.observability import logger, tracer
from orgair.settings import get_settings


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = get_settings()
    channels = aws_alert_channels(settings.ALERT_TOPIC_ARN, settings.ALERT_EVENT_BUS_NAME)
    ledger = CostLedger(settings)
    abandoned, announced = sweep_jobs(
        DynamoJobsRepository(settings.JOBS_TABLE_NAME), ledger, aws_publisher(settings)
    )
    report = BudgetCheck(ledger, channels).run()
    record_check_metrics(report)
    summary = CheckSummary.of(report)
    logger.info(
        "budget check finished", extra={"check": summary.model_dump(), "trigger": event.get("source")}
    )
    if report.failed:
        raise DependencyUnavailable(
            f"{len(report.failed)} budget alert(s) were claimed but not published; "
            "a later run re-sends them once their claim lease has passed."
        )
    return {
        **summary.model_dump(),
        "abandoned_job_budgets_released": abandoned,
        "missed_job_announcements_made": announced,
    }
