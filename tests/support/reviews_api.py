"""Requests to the reviews function (list, decide) and a review opened by real stored scores, for the
tests of the reviews function."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from support.lambda_events import api_event
from support.scores_api import post_score
from support.scoring_requests import Reply, company, invoke, request


def open_review(
    scores: ModuleType, company_id: str, *, tenant: str = "acme", stage: str = "v2"
) -> dict[str, Any]:
    """Store two scores of a company 50 points apart; the second opens a pending review."""
    post_score(scores, company(company_id, level=40), stage=stage, tenant=tenant, scopes="admin")
    second = post_score(scores, company(company_id, level=90), stage=stage, tenant=tenant, scopes="admin")
    assert second.body["requires_review"] is True, second
    return dict(second.body)


def list_reviews(
    reviews: ModuleType,
    *,
    status: str | None = None,
    tenant: str = "acme",
    scopes: str = "reviews:read",
    limit: int | None = None,
    cursor: str | None = None,
    stage: str = "v2",
) -> Reply:
    query = {}
    if status is not None:
        query["status"] = status
    if limit is not None:
        query["limit"] = str(limit)
    if cursor is not None:
        query["cursor"] = cursor
    return request(reviews, "GET", "/reviews", stage=stage, tenant=tenant, scopes=scopes, query=query or None)


def decide(
    reviews: ModuleType,
    review_id: str,
    body: Any,
    *,
    tenant: str | None = "acme",
    scopes: str = "reviews:decide",
    key_id: str | None = None,
    stage: str = "v2",
) -> Reply:
    authorizer = None
    if tenant is not None:
        key = key_id or f"key-{tenant}"
        authorizer = {"tenant_id": tenant, "scopes": scopes, "key_id": key, "principalId": key}
    event = api_event(
        "POST",
        f"/reviews/{review_id}/decision",
        stage=stage,
        body=body,
        path_parameters={"review_id": review_id},
        resource="/reviews/{review_id}/decision",
        authorizer=authorizer,
    )
    return invoke(reviews, event)


def ids(reply: Reply) -> list[str]:
    return [str(item["review_id"]) for item in reply.body["items"]]
