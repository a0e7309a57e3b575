"""Stored scores: POST /scores, GET /scores/{score_id}, GET /companies/{company_id}/scores,
POST /portfolios/scores. The stage selects the parameter version and the response model."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from orgair.http import caller, create_app, make_handler, param_version, request_meta, requires
from orgair.idempotent_create import create_once
from orgair.logic.scores import company_history, get_score, store_portfolio, store_score
from orgair.models.scores import HistoryPage, PortfolioRequest, PortfolioResult, StoredScore
from orgair.scoring import CompanyScoreInput
from orgair.settings import get_settings

app = create_app()


@app.post(
    "/scores",
    summary="Score a company and store the score",
    description="Scores the company with the stage's model (v1: composite, v2: Org-AI-R), stores the "
    "score with its inputs and parameters, and opens a human review when the score moved more than "
    "the review thresholds allow (`requires_review`). Send an `Idempotency-Key` to make retries "
    "safe: the same key and body answer the first score again (`Idempotent-Replayed: true`), the "
    "same key with another body is a 422, and a key still in flight is a 409. 422 names every "
    "invalid field.",
    responses={
        201: {
            "description": "The stored score; a retry with the same Idempotency-Key gets the same "
            "answer with `Idempotent-Replayed: true`."
        },
        409: {"description": "A request with this Idempotency-Key is still being processed."},
    },
)
@requires("scores:write")
def create_score(body: CompanyScoreInput) -> Response[StoredScore]:
    meta = request_meta(app)
    settings = get_settings()
    version = param_version(app)

    def produce() -> StoredScore:
        return store_score(body, version=version, meta=meta, settings=settings)

    return create_once(app, f"scores:{version}", body, produce, collection="scores", id_field="score_id")


@app.get(
    "/scores/<score_id>",
    summary="Read a stored score",
    description="The score with this id, rendered in this stage's model. A score of another tenant, "
    "or one created on the other stage, is a 404: each stage shows only its own version's scores.",
    responses={200: {"description": "The stored score."}},
)
@requires("scores:read")
def read_score(score_id: str) -> StoredScore:
    principal = caller(app)
    return get_score(principal.tenant_id, score_id, version=param_version(app), settings=get_settings())


@app.get(
    "/companies/<company_id>/scores",
    summary="List a company's score history, newest first",
    description="The company's stored scores of this stage's version, newest first, `limit` per page; "
    "pass `next_cursor` back as `cursor` for the next page. An unknown company is an empty page; a "
    "cursor that is not one this route gave is a 422.",
    responses={200: {"description": "One page of the company's scores."}},
)
@requires("scores:read")
def read_history(
    company_id: str,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> HistoryPage:
    principal = caller(app)
    return company_history(
        principal.tenant_id,
        company_id,
        version=param_version(app),
        limit=limit,
        cursor=cursor,
        settings=get_settings(),
    )


@app.post(
    "/portfolios/scores",
    summary="Score and store up to 500 companies at once",
    description="Validates each company on its own: an invalid one gets its own problem in its "
    "result (status `invalid`) and the others are still scored and stored, in input order. A company "
    "whose write failed is `failed` with a 503 problem and is never half-stored; a company may appear "
    "only once. The summary gives counts, mean, min, max and the companies that opened a review. "
    "Not idempotent: a retry stores new scores.",
    responses={200: {"description": "One result per company, in input order, and a summary."}},
)
@requires("scores:write")
def create_portfolio(body: PortfolioRequest) -> PortfolioResult:
    meta = request_meta(app)
    return store_portfolio(body, version=param_version(app), meta=meta, settings=get_settings())


lambda_handler = make_handler(app)
