"""The human-review queue: listing a tenant's reviews and recording exactly one decision each.

An approval makes the reviewed score accepted and approved: the company's review baseline and anchor
move to it (only forward in time) in the same transaction as the decision. A rejection moves neither,
so a rejected score is never compared against, and a re-submitted jump opens a review again.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from orgair.auth.principal import Principal
from orgair.business_metrics import record_review_decided
from orgair.dal import pointers as pointers_dal
from orgair.dal.reviews import ReviewRepository, ReviewTable
from orgair.errors import Conflict, DependencyUnavailable, NotFound
from orgair.ids import is_id
from orgair.models.scores import ReviewDecisionRequest, ReviewItem, ReviewPage
from orgair.pagination import decode_cursor, encode_cursor
from orgair.records.reviews import DECIDED_STATUS, ReviewDecision, ReviewRecord, ReviewStatus
from orgair.scoring import ParamVersion
from orgair.settings import Settings
from orgair.timestamps import as_rfc3339, now_rfc3339

ReviewStatusFilter = Literal["pending", "approved", "rejected", "approve", "reject"]
"""The `status` filter: a review's status, or the decision that gives it (`approve` lists approved)."""


def _view(review: ReviewRecord) -> ReviewItem:
    stored = {**asdict(review), "reasons": list(review.reasons)}
    fields = {key: stored[key] for key in ReviewItem.model_fields if stored.get(key) is not None}
    for instant in ("created_at", "decided_at"):
        if instant in fields:
            fields[instant] = as_rfc3339(str(fields[instant]))
    return ReviewItem.model_validate(fields)


def _repository(settings: Settings) -> ReviewRepository:
    return ReviewTable.default(settings.SCORES_TABLE_NAME, settings.REVIEWS_TABLE_NAME)


def review_status(status: ReviewStatusFilter | None) -> ReviewStatus | None:
    """The status a filter names: `approve`/`reject` (the decisions' words) mean approved/rejected."""
    if status == "approve" or status == "reject":
        return DECIDED_STATUS[status]
    return status


def list_reviews(
    tenant_id: str,
    *,
    version: ParamVersion,
    status: ReviewStatusFilter | None,
    limit: int,
    cursor: str | None,
    settings: Settings,
    reviews: ReviewRepository | None = None,
) -> ReviewPage:
    """One page of the tenant's reviews of this stage's parameter version, newest first."""
    status = review_status(status)
    secret = settings.signing_key()
    scope = f"{tenant_id}|reviews|{version}|{status or '*'}"
    items, last = (reviews or _repository(settings)).page(
        tenant_id,
        status,
        version=version,
        limit=limit,
        start_key=decode_cursor(cursor, secret=secret, scope=scope),
    )
    return ReviewPage(
        items=[_view(item) for item in items], next_cursor=encode_cursor(last, secret=secret, scope=scope)
    )


def decide(
    principal: Principal,
    review_id: str,
    request: ReviewDecisionRequest,
    *,
    version: ParamVersion,
    settings: Settings,
    reviews: ReviewRepository | None = None,
) -> ReviewItem:
    """Approve or reject a pending review; the reviewer is the caller's key. A second decision is 409.

    A review of the other stage's parameter version does not exist on this stage (404), like its score.
    """
    if not is_id(review_id):
        raise NotFound("No review with this id.")
    decision = ReviewDecision(
        decision=request.decision,
        comment=request.comment,
        reviewer_key_id=principal.key_id,
        decided_at=now_rfc3339(),
    )
    reviews = reviews or _repository(settings)
    for attempt in range(pointers_dal.WRITE_ATTEMPTS):
        if attempt:
            pointers_dal.pause_before_retry(attempt)
        review = reviews.get(principal.tenant_id, review_id)
        if review is None or review.param_version != version:
            raise NotFound("No review with this id.")
        if review.status != "pending":
            raise Conflict("This review has already been decided.", extensions={"status": review.status})
        pointer = _approval(review, settings) if request.decision == "approve" else None
        outcome = reviews.decide(review, decision, pointer)
        if outcome == "pointer_moved":
            continue
        if outcome == "already_decided":
            raise Conflict("This review has already been decided.")
        record_review_decided(request.decision)
        return _view(outcome)
    raise DependencyUnavailable(
        "Scores of this company were being stored at the same time; retry.", retry_after_seconds=1
    )


def _approval(review: ReviewRecord, settings: Settings) -> pointers_dal.PointerUpdate | None:
    """The company's pointer once the reviewed score is approved (None when it would not change)."""
    tenant_id, company_id, version = review.tenant_id, review.company_id, review.param_version
    mark = pointers_dal.score_mark(
        tenant_id, company_id, version, review.score_id, settings.SCORES_TABLE_NAME
    )
    if mark is None:
        return None  # the decision's own transaction refuses a review whose score is gone
    read = pointers_dal.pointer(tenant_id, company_id, version, settings.SCORES_TABLE_NAME)
    approved = read.with_approval(mark)
    return None if approved == read else pointers_dal.PointerUpdate(read=read, pointer=approved)
