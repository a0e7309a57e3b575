"""The human-review queue: listing a tenant's reviews and recording exactly one decision each.

An approval makes the reviewed score accepted and approved: the company's review baseline and anchor
move to it (only forward in time) in the same transaction as the decision. A rejection moves neither,
so a rejected score is never compared against, and a re-submitted jump opens a review again.
"""

from __future__ import annotations

from typing import Any, Literal

from orgair.auth.principal import Principal
from orgair.business_metrics import record_review_decided
from orgair.dal import scores as scores_dal
from orgair.errors import Conflict, DependencyUnavailable, NotFound
from orgair.ids import is_id
from orgair.models.scores import ReviewDecisionRequest, ReviewItem, ReviewPage
from orgair.pagination import decode_cursor, encode_cursor
from orgair.scoring import ParamVersion
from orgair.settings import Settings
from orgair.timestamps import as_rfc3339, now_rfc3339

ReviewStatus = Literal["pending", "approved", "rejected"]
ReviewStatusFilter = Literal["pending", "approved", "rejected", "approve", "reject"]
"""The `status` filter: a review's status, or the decision that gives it (`approve` lists approved)."""
DECIDED_STATUS: dict[str, ReviewStatus] = {"approve": "approved", "reject": "rejected"}


def _view(item: dict[str, Any]) -> ReviewItem:
    fields = {key: item.get(key) for key in ReviewItem.model_fields if item.get(key) is not None}
    for instant in ("created_at", "decided_at"):
        if instant in fields:
            fields[instant] = as_rfc3339(str(fields[instant]))
    return ReviewItem.model_validate(fields)


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
) -> ReviewPage:
    """One page of the tenant's reviews of this stage's parameter version, newest first."""
    status = review_status(status)
    secret = settings.signing_key()
    scope = f"{tenant_id}|reviews|{version}|{status or '*'}"
    items, last = scores_dal.list_reviews(
        tenant_id,
        status,
        settings.REVIEWS_TABLE_NAME,
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
) -> ReviewItem:
    """Approve or reject a pending review; the reviewer is the caller's key. A second decision is 409.

    A review of the other stage's parameter version does not exist on this stage (404), like its score.
    """
    if not is_id(review_id):
        raise NotFound("No review with this id.")
    decision = {
        "decision": request.decision,
        "comment": request.comment,
        "reviewer_key_id": principal.key_id,
        "decided_at": now_rfc3339(),
    }
    for attempt in range(scores_dal.WRITE_ATTEMPTS):
        if attempt:
            scores_dal.pause_before_retry(attempt)
        review = scores_dal.get_review(principal.tenant_id, review_id, settings.REVIEWS_TABLE_NAME)
        if review is None or review.get("param_version") != version:
            raise NotFound("No review with this id.")
        if review.get("status") != "pending":
            raise Conflict(
                "This review has already been decided.", extensions={"status": review.get("status")}
            )
        pointer = _approval(principal.tenant_id, review, settings) if request.decision == "approve" else None
        try:
            updated = scores_dal.decide_review(
                principal.tenant_id,
                review,
                decision=decision,
                new_status=DECIDED_STATUS[request.decision],
                pointer=pointer,
                scores_table=settings.SCORES_TABLE_NAME,
                reviews_table=settings.REVIEWS_TABLE_NAME,
            )
        except scores_dal.PointerMoved:
            continue
        except scores_dal.ReviewAlreadyDecided:
            raise Conflict("This review has already been decided.") from None
        record_review_decided(request.decision)
        return _view(updated)
    raise DependencyUnavailable(
        "Scores of this company were being stored at the same time; retry.", retry_after_seconds=1
    )


def _approval(tenant_id: str, review: dict[str, Any], settings: Settings) -> scores_dal.PointerUpdate | None:
    """The company's pointer once the reviewed score is approved (None when it would not change)."""
    company_id, version = str(review["company_id"]), str(review["param_version"])
    mark = scores_dal.score_mark(
        tenant_id, company_id, version, str(review["score_id"]), settings.SCORES_TABLE_NAME
    )
    if mark is None:
        return None  # the decision's own transaction refuses a review whose score is gone
    read = scores_dal.pointer(tenant_id, company_id, version, settings.SCORES_TABLE_NAME)
    approved = read.with_approval(mark)
    return None if approved == read else scores_dal.PointerUpdate(read=read, pointer=approved)
