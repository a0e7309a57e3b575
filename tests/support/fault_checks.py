"""What the fault tests check after a dependency failed: the data tables unchanged, no budget hold
left held, and a 503 the caller can act on (Retry-After, no internals); the DynamoDB faults they
inject (support/dynamodb_faults.py) and the handlers they drive, loaded once."""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import Any, Final

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from support.lambda_events import load_function
from support.scoring_requests import Reply, local_client, scan_all

STORE_FAULTS: Final = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "ServiceUnavailable",
    "InternalServerError",
    "ReadTimeout",
]
TRANSACTION_FAULTS: Final = [*STORE_FAULTS, "TransactionCanceledThrottled"]
TABLES: Final = ("ScoresTable", "ReviewsTable", "CostsTable", "IdempotencyTable")


@cache
def handler(code_dir: str) -> ModuleType:
    return load_function(code_dir)


def snapshot(dynamodb: EmbeddedDynamoDB) -> dict[str, list[dict[str, Any]]]:
    """Every item of every data table, to compare before and after a failed request."""
    client = local_client(dynamodb.endpoint_url)
    return {table: sorted(scan_all(client, table), key=repr) for table in TABLES}


def held_holds(dynamodb: EmbeddedDynamoDB) -> list[dict[str, Any]]:
    items = scan_all(local_client(dynamodb.endpoint_url), "CostsTable")
    return [
        item for item in items if item.get("type", {}).get("S") == "hold" and item["status"]["S"] == "held"
    ]


def assert_retryable_503(reply: Reply) -> None:
    assert reply.is_problem(503), reply
    assert reply.body["type"].endswith("/dependency-unavailable")
    assert int(reply.header("Retry-After") or "0") > 0
    assert "botocore" not in reply.raw_body
    assert "Traceback" not in reply.raw_body
