"""Requests to the scoring functions (store, read, history, portfolio; simulate; individuals) and probes
of what the scores function stored, for the tests of the scores, simulate and reviews functions."""

from __future__ import annotations

from decimal import Decimal
from types import ModuleType
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from support.scoring_requests import Reply, count_items, for_stage, request, scan_all

_deserializer = TypeDeserializer()

SECTORS = (
    "technology",
    "financial_services",
    "healthcare",
    "business_services",
    "retail",
    "manufacturing",
    "other",
)
"""The sectors the scoring accepts (matched case-insensitively)."""


def post_score(
    module: ModuleType,
    body: Any,
    *,
    stage: str = "v2",
    tenant: str | None = "acme",
    scopes: str = "scores:write",
    headers: dict[str, str] | None = None,
) -> Reply:
    return _post_company(module, "/scores", body, stage, tenant, scopes, headers)


def _post_company(
    module: ModuleType,
    path: str,
    body: Any,
    stage: str,
    tenant: str | None,
    scopes: str,
    headers: dict[str, str] | None = None,
) -> Reply:
    """A company's body, shaped for the stage's version, POSTed to a scoring route."""
    return request(
        module,
        "POST",
        path,
        stage=stage,
        body=for_stage(body, stage),
        tenant=tenant,
        scopes=scopes,
        headers=headers,
    )


def read_score(module: ModuleType, score_id: str, *, stage: str = "v2", tenant: str = "acme") -> Reply:
    return request(
        module,
        "GET",
        f"/scores/{score_id}",
        stage=stage,
        tenant=tenant,
        scopes="scores:read",
        path_parameters={"score_id": score_id},
        resource="/scores/{score_id}",
    )


def read_history(
    module: ModuleType,
    company_id: str,
    *,
    stage: str = "v2",
    tenant: str = "acme",
    limit: int | None = None,
    cursor: str | None = None,
) -> Reply:
    query = {}
    if limit is not None:
        query["limit"] = str(limit)
    if cursor is not None:
        query["cursor"] = cursor
    return request(
        module,
        "GET",
        f"/companies/{company_id}/scores",
        stage=stage,
        tenant=tenant,
        scopes="scores:read",
        query=query or None,
        path_parameters={"company_id": company_id},
        resource="/companies/{company_id}/scores",
    )


def post_portfolio(
    module: ModuleType,
    companies: list[Any],
    *,
    stage: str = "v2",
    tenant: str = "acme",
    scopes: str = "scores:write",
) -> Reply:
    return request(
        module,
        "POST",
        "/portfolios/scores",
        stage=stage,
        body={"companies": companies},
        tenant=tenant,
        scopes=scopes,
    )


def raw_items(db: Any, table: str = "ScoresTable") -> list[dict[str, Any]]:
    return [
        {key: _deserializer.deserialize(value) for key, value in item.items()} for item in scan_all(db, table)
    ]


def score_items(db: Any) -> list[dict[str, Any]]:
    return [item for item in raw_items(db) if str(item["sk"]).startswith("S#")]


def stored_companies(db: Any) -> set[str]:
    return {str(item["company_id"]) for item in score_items(db)}


def as_decimals(value: Any) -> Any:
    """A JSON request value as DynamoDB gives it back (every number a Decimal)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: as_decimals(item) for key, item in value.items()}
    return [as_decimals(item) for item in value]


def empty(db: Any) -> dict[str, int]:
    return dict.fromkeys(count_items(db), 0)


def simulate_score(
    module: ModuleType,
    body: Any,
    *,
    stage: str = "v2",
    tenant: str | None = "acme",
    scopes: str = "scores:read",
) -> Reply:
    return _post_company(module, "/scores/simulate", body, stage, tenant, scopes)


def score_person(module: ModuleType, body: Any, *, scopes: str = "scores:write") -> Reply:
    return request(module, "POST", "/individuals/scores", body=body, scopes=scopes)
