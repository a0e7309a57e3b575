"""The human-review queue: GET /reviews, POST /reviews/{review_id}/decision.

Each stage sees only the reviews of its own parameter version. The `status` filter takes a review's
status (`pending`, `approved`, `rejected`) or, for compatibility, the decision's word (`approve`,
`reject`), which lists the same reviews as `approved`/`rejected`.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from orgair.http import caller, create_app, make_handler, param_version, requires
from orgair.logic.reviews import ReviewStatusFilter, decide, list_reviews
from orgair.models.scores import ReviewDecisionRequest, ReviewItem, ReviewPage
from orgair.settings import get_settings

app = create_app()


@app.get(
    "/reviews",
    summary="List the human-review queue",
    description="The reviews of this stage's version (a v1 review never appears on v2 and the reverse), "
    "newest first, filtered by `status` when given, `limit` per page; pass `next_cursor` back as "
    "`cursor` for the next page. A cursor that is not one this route gave is a 422.",
    responses={200: {"description": "One page of reviews."}},
)
@requires("reviews:read")
def read_reviews(
    status: Annotated[
        ReviewStatusFilter | None,
        Query(description="A review status; `approve`/`reject` are accepted for approved/rejected."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> ReviewPage:
    principal = caller(app)
    return list_reviews(
        principal.tenant_id,
        version=param_version(app),
        status=status,
        limit=limit,
        cursor=cursor,
        settings=get_settings(),
    )


@app.post(
    "/reviews/<review_id>/decision",
    summary="Approve or reject a review",
    description="Records the caller's decision (and comment) on a pending review, once: deciding a "
    "review again is a 409 whatever the decision, so a retry after a lost answer shows the decision "
    "already taken. A review of another tenant or of the other stage is a 404.",
    responses={
        200: {"description": "The decided review."},
        409: {"description": "The review was already decided."},
    },
)
@requires("reviews:decide")
def decide_review(review_id: str, body: ReviewDecisionRequest) -> ReviewItem:
    principal = caller(app)
    return decide(principal, review_id, body, version=param_version(app), settings=get_settings())


lambda_handler = make_handler(app)
