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
from orgair.costs.admin import DEFAULT_TENANT_PAGE, MAX_TENANT_PAGE, BudgetAdmin
from orgair.costs.budget_views import GlobalBudgetView, TenantBudgetDetailView, TenantBudgetsView
from orgair.costs.ledger import CostLedger
from orgair.costs.reconciliation.views import ReconciliationsView, ReconciliationView
from orgair.costs.tenant_costs import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
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
from orgair.dal.api_keys import ApiKeyTable
from orgair.dal.reconciliations import ReconciliationStore
from orgair.http import caller, correlation_id, create_app, header, make_handler, requires
from orgair.idempotency import IDEMPOTENCY_HEADER, check_key
from orgair.records.costs import CallMeta
from orgair.settings import get_settings

app = create_app()


def _ledger() -> CostLedger:
    return CostLedger(get_settings())


@app.post(
    "/costs",
    summary="Record LLM usage another service paid for",
    description="Prices the reported tokens with this service's price table and records one line on "
    "the caller's ledger, counted against the daily budgets. `Idempotency-Key` is required: a retry "
    "with the same key answers 200 with the line recorded first (`Idempotent-Replayed: true`) and "
    "records nothing; the same key with another body is a 422. An unpriced model is a 422 naming "
    "`model`.",
    responses={
        201: {
            "description": "The usage, priced and recorded on the ledger; a retry with the same "
            "Idempotency-Key gets the same answer with `Idempotent-Replayed: true`."
        },
        200: {"description": "Not sent any more (a replay answers 201); kept for v1 clients."},
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
        status_code=201,
        content_type="application/json",
        body=UsageRecorded(entry=LedgerEntry.of(line), replayed=replayed),
        headers={"Idempotent-Replayed": "true"} if replayed else {},
    )


@app.get(
    "/costs/summary",
    summary="The caller's spend and budget for one UTC day",
    description="Committed, settled and held amounts, the daily limit and its utilisation, the "
    "end-of-day forecast, the spend by model and the caller's share of the global budget, for "
    "`date` (a UTC day, default today). A date outside 2000-01-01..today is a 422.",
    responses={200: {"description": "The day's cost summary (money as 6-place USD strings)."}},
)
@requires("costs:read")
def summary(date: Annotated[str | None, Query(max_length=10)] = None) -> CostSummaryView:
    principal = caller(app)
    ledger = _ledger()
    return CostSummaryView.of(ledger.summary(principal.tenant_id, parse_day(date, ledger.clock())))


@app.get(
    "/costs/entries",
    summary="The caller's ledger lines for one UTC day",
    description="Every priced call of the day (one line per LLM attempt or reported usage), "
    "`limit` per page; pass `next_cursor` back as `cursor` for the next page. A bad date or cursor "
    "is a 422.",
    responses={200: {"description": "One page of ledger lines."}},
)
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


@app.get(
    "/costs/alerts",
    summary="The budget alerts raised for the caller on one UTC day",
    description="Each threshold crossed (50 %, the alert threshold, 100 %, forecast over budget) once "
    "per scope and day, with when it was claimed and published.",
    responses={200: {"description": "The day's alerts."}},
)
@requires("costs:read")
def alerts(date: Annotated[str | None, Query(max_length=10)] = None) -> AlertsView:
    principal = caller(app)
    ledger = _ledger()
    day = parse_day(date, ledger.clock())
    return AlertsView(
        date=day.isoformat(), items=[AlertView.of(alert) for alert in ledger.alerts(principal.tenant_id, day)]
    )


# ---------------------------------------------------------------------- operator budget views (admin)


def _budgets() -> BudgetAdmin:
    return BudgetAdmin(_ledger(), ApiKeyTable.default().tenant_ids)


@app.get(
    "/costs/budgets/global",
    summary="The global daily budget of one UTC day (operators)",
    description="Limit, committed, settled, held, available, utilisation and the burn-rate forecast to "
    "midnight UTC of the global budget (DailyCostBudgetUsd), with every tenant's share of it, largest "
    "first. Read-only and safe to retry. A bad date is a 422; a key without the admin scope is a 403.",
    responses={200: {"description": "The global daily budget of the day, with every tenant's share."}},
)
@requires(ADMIN_SCOPE)
def global_budget(date: Annotated[str | None, Query(max_length=10)] = None) -> GlobalBudgetView:
    admin = _budgets()
    return GlobalBudgetView.of(admin.global_budget(parse_day(date, admin.ledger.clock())))


@app.get(
    "/costs/budgets/tenants",
    summary="Every tenant's daily budget of one UTC day (operators)",
    description="One page of tenants (those with an API key or a budget), in tenant id order: limit, "
    "committed, held, available, forecast and share of the global budget. Pass `next_cursor` back as "
    "`cursor` for the next page; a cursor only works for the day it was issued for. A bad date, limit or "
    "cursor is a 422; a key without the admin scope is a 403.",
    responses={200: {"description": "Every tenant's daily budget of the day, in tenant id order."}},
)
@requires(ADMIN_SCOPE)
def tenant_budgets(
    date: Annotated[str | None, Query(max_length=10)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_TENANT_PAGE)] = DEFAULT_TENANT_PAGE,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> TenantBudgetsView:
    admin = _budgets()
    day = parse_day(date, admin.ledger.clock())
    return TenantBudgetsView.of(admin.tenant_budgets(day, limit=limit, cursor=cursor))


@app.get(
    "/costs/budgets/tenants/<tenant_id>",
    summary="One tenant's daily budget of one UTC day and its latest changes (operators)",
    description="The tenant's budget, who set it and when, its spend and forecast for the day, and its "
    "latest budget changes. An unknown tenant is a 404, a malformed tenant id or date a 422, a key "
    "without the admin scope a 403.",
    responses={200: {"description": "One tenant's daily budget of the day and its latest changes."}},
)
@requires(ADMIN_SCOPE)
def tenant_budget(
    tenant_id: str, date: Annotated[str | None, Query(max_length=10)] = None
) -> TenantBudgetDetailView:
    admin = _budgets()
    day = parse_day(date, admin.ledger.clock())
    return TenantBudgetDetailView.of(admin.tenant_budget(tenant_id, day))


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
