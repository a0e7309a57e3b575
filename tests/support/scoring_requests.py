"""Requests and storage probes for the scoring, portfolio and review functions' tests.

Everything here drives the real handlers with API Gateway events and reads the embedded DynamoDB
with a plain boto3 client; DynamoDB misbehaving is faked at the botocore level by
support/dynamodb_faults.py.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any, Final

from orgair.scoring import DIMENSION_NAMES
from orgair.scoring.models import V2_ONLY_INPUTS

from devtools.localrun.aws_services import aws_client
from support.lambda_events import ROOT, FakeLambdaContext, api_event, principal_context, proxy_headers

WORKED_EXAMPLE: Final[dict[str, Any]] = json.loads(
    json.loads((ROOT / "events" / "scores-create.json").read_text())["body"]
)
"""The specification's worked example (technology, D = 80, 75, 85, 82, 78, 70, 72, ...)."""

DIMENSIONS: Final = DIMENSION_NAMES

SCORES_TABLE: Final = "ScoresTable"
REVIEWS_TABLE: Final = "ReviewsTable"
IDEMPOTENCY_TABLE: Final = "IdempotencyTable"


class Reply:
    """A Lambda proxy result, decoded: status, headers (single and multi-value merged), JSON body."""

    def __init__(self, result: dict[str, Any]) -> None:
        self.status: int = int(result["statusCode"])
        self.headers = {str(key).lower(): str(value) for key, value in proxy_headers(result).items()}
        self.raw_body = str(result.get("body") or "")
        self.body: Any = json.loads(self.raw_body) if self.raw_body else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def fields(self) -> list[str]:
        """The field names of a validation problem, in order."""
        return [str(error["field"]) for error in self.body.get("errors", [])]

    def is_problem(self, status: int) -> bool:
        return (
            self.status == status
            and self.header("Content-Type") == "application/problem+json"
            and self.body["status"] == status
            and {"type", "title", "detail", "instance", "correlation_id"} <= set(self.body)
        )

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.raw_body[:600]})"


def company(
    company_id: str = "acme-portco-1", level: float | int | None = None, **changes: Any
) -> dict[str, Any]:
    """The worked example as company `company_id`; `level` sets all seven dimensions to one value."""
    body = {**WORKED_EXAMPLE, "company_id": company_id, **changes}
    if level is not None:
        body["dimensions"] = dict.fromkeys(DIMENSIONS, level)
    return body


def for_v1(body: Any) -> Any:
    """What a v1 caller sends: the body without the inputs only v2.0 uses (v1 refuses them, 422)."""
    if not isinstance(body, dict):
        return body
    return {key: value for key, value in body.items() if key not in V2_ONLY_INPUTS}


def for_stage(body: Any, stage: str) -> Any:
    return for_v1(body) if stage == "v1" else body


def invoke(module: ModuleType, event: dict[str, Any]) -> Reply:
    return Reply(module.lambda_handler(event, FakeLambdaContext()))


def request(
    module: ModuleType,
    method: str,
    path: str,
    *,
    stage: str = "v2",
    body: Any = None,
    tenant: str | None = "acme",
    scopes: str = "admin",
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
    resource: str | None = None,
) -> Reply:
    """Call a handler as API Gateway would after the authorizer let `tenant` with `scopes` through
    (`tenant=None`: no authorizer context at all)."""
    event = api_event(
        method,
        path,
        stage=stage,
        body=body,
        headers=headers,
        query=query,
        path_parameters=path_parameters,
        resource=resource,
        authorizer=principal_context(tenant, scopes) if tenant is not None else None,
    )
    return invoke(module, event)


def local_client(endpoint_url: str) -> Any:
    return aws_client("dynamodb", endpoint_url)


def scan_all(client: Any, table: str) -> list[dict[str, Any]]:
    """Every raw item of a table (attribute-value form)."""
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=table):
        items.extend(page["Items"])
    return items


def count_items(client: Any) -> dict[str, int]:
    """How many items each scoring table holds."""
    return {table: len(scan_all(client, table)) for table in (SCORES_TABLE, REVIEWS_TABLE, IDEMPOTENCY_TABLE)}


def record_transactions(client: Any) -> list[list[dict[str, Any]]]:
    """The TransactItems of every TransactWriteItems call this client makes from now on."""
    transactions: list[list[dict[str, Any]]] = []

    def note(params: dict[str, Any], **_: Any) -> None:
        transactions.append(list(params["TransactItems"]))

    client.meta.events.register("before-parameter-build.dynamodb.TransactWriteItems", note)
    return transactions


def transaction_partitions(transaction: list[dict[str, Any]]) -> set[str]:
    """The score partitions (`T#..#C#..#V#..`) a transaction writes to."""
    return {
        str(op["Put"]["Item"]["pk"]["S"])
        for op in transaction
        if "Put" in op and "#C#" in op["Put"]["Item"]["pk"]["S"]
    }
