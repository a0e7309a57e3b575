"""Table reachability, for readiness checks, and the base of a repository over one table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

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


class ScoreAndReviewTables:
    """A repository over ScoresTable and ReviewsTable together: a score opens its review in the same
    transaction, and a review's decision moves its score's pointer, so both repositories hold both."""

    def __init__(self, client: DynamoDBClient, scores_table: str, reviews_table: str) -> None:
        self._client = client
        self._scores = scores_table
        self._reviews = reviews_table

    @classmethod
    def default(cls, scores_table: str, reviews_table: str) -> Self:
        """The container's client on the named tables."""
        return cls(dynamodb_client(), scores_table, reviews_table)
