"""Table reachability, for readiness checks."""

from __future__ import annotations

from orgair.aws import dynamodb_client


def describe_status(table_name: str) -> str:
    """The table's status (ACTIVE when usable). Raises on an unreachable store or missing table."""
    table = dynamodb_client().describe_table(TableName=table_name)["Table"]
    return str(table.get("TableStatus", "UNKNOWN"))
