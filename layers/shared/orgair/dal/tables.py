"""Table reachability, for readiness checks, and the base of a repository over one table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orgair.aws import dynamodb_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def describe_status(table_name: str) -> str:
    """The table's status (ACTIVE when usable). Raises on an unreachable store or missing table."""
    table = dynamodb_client().describe_table(TableName=table_name)["Table"]
    return str(table.get("TableStatus", "UNKNOWN"))


class TableStore:
    """A repository over one table: the table's name and the client that reaches it, the container's
    (`orgair.aws.dynamodb_client()`, looked up on each use) unless one is given."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table = table_name
        self._client_override = client

    @property
    def _client(self) -> DynamoDBClient:
        return self._client_override or dynamodb_client()
