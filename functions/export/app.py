"""The FOCUS export (EventBridge schedule after day close, and on demand by an operator).

Scheduled (EventBridge's `Scheduled Event`): exports yesterday. On demand (`aws lambda invoke`
with `{"day": "2026-03-01"}` or `{"from": "2026-03-01", "to": "2026-03-07"}`): those closed days;
any other event is refused (ValidationFailed, nothing written). Each day is written to
EXPORT_BUCKET_NAME as FOCUS 1.0 CSV and Parquet, only after its BilledCost matched the ledger; the
work is in `orgair.costs.export`.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from orgair.aws import s3_client
from orgair.costs.export import FocusExport, requested_days
from orgair.costs.ledger import CostLedger
from orgair.errors import ConfigurationError
from orgair.observability import logger, tracer
from orgair.settings import get_settings


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    settings = get_settings()
    if not settings.EXPORT_BUCKET_NAME:
        raise ConfigurationError("invalid configuration: EXPORT_BUCKET_NAME is not set")
    ledger = CostLedger(settings)
    exporter = FocusExport(ledger, s3_client(), settings.EXPORT_BUCKET_NAME)
    days = requested_days(event, ledger.clock())
    results = exporter.export(days)
    return {
        "days": [
            {
                "day": result.day.isoformat(),
                "lines": result.lines,
                "rows": result.rows,
                "corrections": result.corrections,
                "billed_micro_usd": result.billed_micros,
                "objects": result.objects,
            }
            for result in results
        ]
    }
