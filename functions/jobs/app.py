"""Background portfolio assessments: POST /portfolios/assessments, GET /jobs, GET /jobs/{job_id},
POST /jobs/{job_id}/cancel.

The handler adapts the event; the job's budget, storage and queueing live in `orgair.logic.jobs`
(the work itself is AssessmentWorkerFunction's). An `Idempotency-Key`, when sent, makes a retried
request answer the first job instead of reserving a second budget.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from orgair.costs.ledger import CostLedger
from orgair.dal.costs import CostsStore
from orgair.dal.jobs import DynamoJobsRepository
from orgair.errors import FieldError, ValidationFailed
from orgair.http import (
    accepted,
    caller,
    create_app,
    header,
    make_handler,
    param_version,
    request_meta,
    requires,
)
from orgair.idempotency import IDEMPOTENCY_HEADER, check_key, run_once
from orgair.jsonbody import parse_json_body
from orgair.logic.job_announce import aws_publisher
from orgair.logic.job_queue import JobQueue
from orgair.logic.job_views import job_view, list_jobs
from orgair.logic.jobs import cancel_job, create_job, find_job
from orgair.models.jobs import JobList, JobView, PortfolioAssessmentRequest
from orgair.settings import get_settings

app = create_app()


def _repo() -> DynamoJobsRepository:
    return DynamoJobsRepository(get_settings().JOBS_TABLE_NAME)


def _costs() -> CostsStore:
    return CostsStore(get_settings().COSTS_TABLE_NAME)


@app.post(
    "/portfolios/assessments",
    summary="Assess a portfolio in the background, within a job budget",
    description="Reserves `budget_usd` whole against the tenant's and the global daily budgets (a 429 "
    "naming the scope when one cannot hold it, and nothing is queued), stores the companies and "
    "queues one message per company; answers 202 with the job and its `Location`. Each company is "
    "assessed as POST /assessments does, every provider attempt drawn from the job's reservation and "
    "on the ledger under the job's id; companies left when it runs out end `budget_exhausted`. "
    "On v2 a company may refer to a document uploaded through POST /evidence (`evidence_id`, "
    "instead of `evidence`); each is checked before anything is reserved (404 unknown, 409 not "
    "uploaded, naming `companies.<i>.evidence_id`). "
    "Send an `Idempotency-Key` so that a retry answers the first job instead of reserving again, "
    "even after a failure part-way (the retry completes the same job on the same reservation).",
    responses={
        202: {"description": "The job, queued; follow `Location` for its progress."},
        404: {"description": "A company's `evidence_id` names no evidence document of this tenant."},
        409: {
            "description": "A request with this Idempotency-Key is still being processed, or its "
            "job was abandoned after a failure and its budget released (send a new key), or a "
            "company's evidence document was announced but not uploaded."
        },
    },
)
@requires("assessments:write")
def create_portfolio_assessment(body: PortfolioAssessmentRequest) -> Response[JobView]:
    meta = request_meta(app)
    settings = get_settings()
    version = param_version(app)
    key = check_key(header(app.current_event.headers, IDEMPOTENCY_HEADER), required=False)

    def produce() -> dict[str, Any]:
        job = create_job(
            body,
            meta=meta,
            version=version,
            settings=settings,
            repo=_repo(),
            ledger=CostLedger(settings),
            queue=JobQueue(settings.JOBS_QUEUE_URL),
            publish=aws_publisher(settings),
            idempotency_key=key,
        )
        return job_view(job, _costs()).model_dump(mode="json")

    result, replayed = run_once(
        operation=f"portfolio-assessments:{version}",
        tenant_id=meta.tenant_id,
        key=key,
        payload=body.model_dump(mode="json"),
        produce=produce,
        table_name=settings.IDEMPOTENCY_TABLE_NAME,
        context=app.lambda_context,
    )
    stage = app.current_event.request_context.stage
    return accepted(result, f"/{stage}/jobs/{result['job_id']}", replayed=replayed)


@app.get(
    "/jobs",
    summary="List the tenant's assessment jobs",
    description="Newest first, `limit` per page, without the per-company results; pass `next_cursor` "
    "back as `cursor` for the next page. A cursor that is not one this route gave is a 422.",
    responses={200: {"description": "One page of jobs."}},
)
@requires("assessments:read")
def list_assessment_jobs(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> JobList:
    return list_jobs(_repo(), _costs(), get_settings(), caller(app).tenant_id, limit, cursor)


@app.get(
    "/jobs/<job_id>",
    summary="One assessment job: status, companies by outcome, budget, each company's result",
    description="`companies` counts each outcome (they add up to `total`); `budget` has the reserved, "
    "spent and still held amounts (USD strings); `results` lists every company in input order with "
    "its score id or its problem. A job of another tenant is a 404.",
    responses={200: {"description": "The job."}, 404: {"description": "No such job for this tenant."}},
)
@requires("assessments:read")
def read_assessment_job(job_id: str) -> JobView:
    repo = _repo()
    job = find_job(repo, caller(app).tenant_id, job_id)
    return job_view(job, _costs(), repo.tasks(job.job_id))


@app.post(
    "/jobs/<job_id>/cancel",
    summary="Cancel an assessment job",
    description="Stops the remaining work and releases the unused reservation at once; companies "
    "already being assessed finish, the others end `cancelled`. Cancelling a cancelled job answers "
    "it again; a job that had finished is a 409.",
    responses={
        200: {"description": "The cancelled job."},
        404: {"description": "No such job for this tenant."},
        409: {"description": "The job had finished."},
    },
)
@requires("assessments:write")
def cancel_assessment_job(job_id: str) -> JobView:
    refuse_body(app.current_event.body)
    settings = get_settings()
    job = cancel_job(_repo(), CostLedger(settings), caller(app).tenant_id, job_id, aws_publisher(settings))
    return job_view(job, _costs())


def refuse_body(body: str | None) -> None:
    """Cancelling takes no body: none, or an empty JSON object; anything else is refused (a hostile
    body is read only by the bounded parser, then named)."""
    if not body or not body.strip():
        return
    if parse_json_body(body) != {}:
        raise ValidationFailed(
            "Cancelling a job takes no request body.", errors=[FieldError("body", "send no body or {}")]
        )


lambda_handler = make_handler(app)
