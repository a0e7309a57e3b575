"""The daily reconciliation of the ledger with the providers' bills (EventBridge schedule, or on demand).

Compares yesterday (provisional) and the day before (close) per provider and model, stores each
result, and publishes each flagged one to the alert topic once. The work is in
`orgair.costs.reconciliation`; this handler wires it to AWS and reports what it did. A provider whose
report cannot be read is an `error` result (and a metric), never a crash of the run.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from orgair.costs.reconciliation.run import (
    Reconciler,
    SnsAlertSink,
    admin_sources,
    every_tenants_lines,
    record_run_metrics,
)
from orgair.dal.api_keys import ApiKeyTable
from orgair.dal.reconciliations import ReconciliationStore
from orgair.errors import DependencyUnavailable
from orgair.observability import logger, tracer
from orgair.settings import get_settings
from orgair.transport import Deadline

RESERVE_SECONDS = 20.0
"""Kept back from the function's timeout to store the last result and publish its alert."""


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = get_settings()
    reconciler = Reconciler(
        store=ReconciliationStore(settings.COSTS_TABLE_NAME),
        sources=admin_sources(settings),
        ledger_lines=every_tenants_lines(settings.COSTS_TABLE_NAME, ApiKeyTable.default().tenant_ids),
        sink=SnsAlertSink(settings.ALERT_TOPIC_ARN),
    )
    report = reconciler.run(Deadline.within(600.0, context=context, reserve_seconds=RESERVE_SECONDS))
    record_run_metrics(report)
    summary = {
        "results": [
            {
                "provider": r.provider,
                "date": r.day.isoformat(),
                "stage": r.stage,
                "status": r.status,
                "error": r.error,
            }
            for r in report.results
        ],
        "alerts_published": report.alerts_published,
        "alerts_failed": report.alerts_failed,
    }
    logger.info("reconciliation finished", extra={"reconciliation": summary, "trigger": event.get("source")})
    if report.alerts_failed:
        raise DependencyUnavailable(
            f"{len(report.alerts_failed)} reconciliation alert(s) were claimed but not published; "
            "a later run re-sends them once their claim lease has passed."
        )
    return summary
