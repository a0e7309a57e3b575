"""Cost endpoints: record reported usage (POST /costs) and read the caller's own spend.

Handlers only adapt API Gateway events; admission, pricing and the ledger live in `orgair.costs`.
Every tenant read is scoped to the caller's tenant, so another tenant's lines are simply not there;
the reconciliations (the service's bills, every tenant together) are for the admin scope only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from orgair.auth.principal import ADMIN_SCOPE
from orgair.costs.ledger import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, CostLedger
from orgair.costs.reconciliation.views import ReconciliationsView, ReconciliationView
from orgair.costs.records import CallMeta
from orgair.costs.views import (
    AlertsView,
    AlertView,
    CostSummaryView,
    EntriesView,
    LedgerEntry,
    UsageRecorded,
    UsageReportBody,
    parse_day,
)
from orgair.dal.reconciliations import ReconciliationStore
from orgair.http import caller, correlation_id, create_app, header, make_handler, requires
from orgair.idempotency import IDEMPOTENCY_HEADER, check_key
from orgair.settings import get_settings

app = create_app()


def _ledger() -> CostLedger:
    return CostLedger(get_settings())


@app.post(
    "/costs",
    responses={
        201: {"description": "The usage, priced and recorded on the ledger."},
        200: {
            "description": "A retry with the same Idempotency-Key: the line recorded first (Idempotent-Replayed)."
        },
    },
)
@requires("costs:write")
def record_usage(report: UsageReportBody) -> Response[UsageRecorded]:
    principal = caller(app)
    key = check_key(header(app.current_event.headers, IDEMPOTENCY_HEADER), required=True)
    assert key is not None
    request_id = app.current_event.request_context.request_id
    meta = CallMeta(
        tenant_id=principal.tenant_id,
        purpose=report.purpose,
        correlation_id=correlation_id(),
        request_id=request_id,
        parent_request_id=report.parent_request_id or request_id,
    )
    line, replayed = _ledger().record_external(meta, key, report.report())
    return Response(
        status_code=200 if replayed else 201,
        content_type="application/json",
        body=UsageRecorded(entry=LedgerEntry.of(line), replayed=replayed),
        headers={"Idempotent-Replayed": "true"} if replayed else {},
    )


@app.get("/costs/summary")
@requires("costs:read")
def summary(date: Annotated[str | None, Query(max_length=10)] = None) -> CostSummaryView:
    principal = caller(app)
    ledger = _ledger()
    return CostSummaryView.of(ledger.summary(principal.tenant_id, parse_day(date, ledger.clock())))


@app.get("/costs/entries")
@requires("costs:read")
def entries(
    date: Annotated[str | None, Query(max_length=10)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> EntriesView:
    principal = caller(app)
    ledger = _ledger()
    day = parse_day(date, ledger.clock())
    return EntriesView.of(ledger.entries(principal.tenant_id, day, limit=limit, cursor=cursor))


@app.get("/costs/alerts")
@requires("costs:read")
def alerts(date: Annotated[str | None, Query(max_length=10)] = None) -> AlertsView:
    principal = caller(app)
    ledger = _ledger()
    day = parse_day(date, ledger.clock())
    return AlertsView(
        date=day.isoformat(), items=[AlertView.of(alert) for alert in ledger.alerts(principal.tenant_id, day)]
    )


@app.get(
    "/costs/reconciliations",
    summary="Each provider's reconciliation of one UTC day with its bill (operators)",
    description="For `date` (a UTC day, default yesterday): per provider and stage (`provisional` at "
    "T+1, `close` at T+2) the status (`matched`, `flagged`, `error`), both totals, every model's cost "
    "and tokens on the ledger and on the provider's admin reports, why a model is flagged, and the "
    "alert's state. Requires the `admin` scope. A bad date is a 422.",
    responses={
        200: {"description": "Each provider's reconciliation of the day with its bill (operators only)."}
    },
)
@requires(ADMIN_SCOPE)
def reconciliations(date: Annotated[str | None, Query(max_length=10)] = None) -> ReconciliationsView:
    ledger = _ledger()
    now = ledger.clock()
    day = parse_day(date, now) if date else parse_day(None, now) - timedelta(days=1)
    store = ReconciliationStore(get_settings().COSTS_TABLE_NAME)
    claims = store.alert_claims(day)
    return ReconciliationsView(
        date=day.isoformat(),
        items=[
            ReconciliationView.of(result, claims.get((result.provider, result.stage)))
            for result in store.results(day)
        ],
    )


lambda_handler = make_handler(app)
