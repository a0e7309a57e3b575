"""POST /assessments: evidence → LLM dimension ratings → score of the stage's parameter version.

The handler adapts the event; the LLM exchange (budgets, retries, fallback, repair) and the scoring
live in `orgair.logic.assessments`. An `Idempotency-Key`, when sent, makes a retried request return
the first answer instead of paying for a second assessment.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from orgair.costs.ledger import CostLedger
from orgair.http import correlation_id, create_app, header, make_handler, param_version, require_scope
from orgair.idempotency import IDEMPOTENCY_HEADER, check_key, run_once
from orgair.llm.gateway import LlmGateway
from orgair.logic.assessments import Assessment, AssessmentRequest, assess
from orgair.settings import get_settings

app = create_app()


@app.post("/assessments")
def create_assessment(body: AssessmentRequest) -> Response[Assessment]:
    principal = require_scope(app, "assessments:write")
    settings = get_settings()
    version = param_version(app)
    key = check_key(header(app.current_event.headers, IDEMPOTENCY_HEADER), required=False)
    request_id = app.current_event.request_context.request_id

    def produce() -> dict[str, Any]:
        assessment = assess(
            body,
            tenant_id=principal.tenant_id,
            version=version,
            settings=settings,
            gateway=LlmGateway(settings, CostLedger(settings)),
            correlation_id=correlation_id(),
            request_id=request_id,
            lambda_context=app.lambda_context,
        )
        return assessment.model_dump(mode="json")

    if key is None:
        result = produce()
    else:
        result = run_once(
            operation="assessments",
            tenant_id=principal.tenant_id,
            key=key,
            payload={"version": version, "body": body.model_dump(mode="json")},
            produce=produce,
            table_name=settings.IDEMPOTENCY_TABLE_NAME,
            context=app.lambda_context,
        )
    return Response(status_code=200, content_type="application/json", body=Assessment.model_validate(result))


lambda_handler = make_handler(app)
