"""The human-review queue: listing a tenant's reviews and recording exactly one decision each."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from orgair.auth.principal import Principal
from orgair.business_metrics import record_review_decided
from orgair.dal import scores as scores_dal
from orgair.errors import NotFound
from orgair.ids import is_id
from orgair.models.scores import ReviewDecisionRequest, ReviewItem, ReviewPage
from orgair.pagination import decode_cursor, encode_cursor
from orgair.settings import Settings

ReviewStatus = Literal["pending", "approved", "rejected"]
DECIDED_STATUS: dict[str, ReviewStatus] = {"approve": "approved", "reject": "rejected"}


def _view(item: dict[str, Any]) -> ReviewItem:
    return ReviewItem.model_validate(
        {key: item.get(key) for key in ReviewItem.model_fields if item.get(key) is not None}
    )


def list_reviews(
    tenant_id: str, *, status: ReviewStatus | None, limit: int, cursor: str | None, settings: Settings
) -> ReviewPage:
    secret = settings.signing_key()
    scope = f"{tenant_id}|reviews|{status or '*'}"
    items, last = scores_dal.list_reviews(
        tenant_id,
        status,
        settings.REVIEWS_TABLE_NAME,
        limit=limit,
        start_key=decode_cursor(cursor, secret=secret, scope=scope),
    )
    return ReviewPage(
        items=[_view(item) for item in items], next_cursor=encode_cursor(last, secret=secret, scope=scope)
    )


def decide(
    principal: Principal, review_id: str, request: ReviewDecisionRequest, settings: Settings
) -> ReviewItem:
    """Approve or reject a pending review; the reviewer is the caller's key. A second decision is 409."""
    if not is_id(review_id):
        raise NotFound("No review with this id.")
    decision = {
        "decision": request.decision,
        "comment": request.comment,
        "reviewer_key_id": principal.key_id,
        "decided_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }
    updated = scores_dal.decide_review(
        principal.tenant_id,
        review_id,
        decision=decision,
        new_status=DECIDED_STATUS[request.decision],
        scores_table=settings.SCORES_TABLE_NAME,
        reviews_table=settings.REVIEWS_TABLE_NAME,
    )
    record_review_decided(request.decision)
    return _view(updated)
