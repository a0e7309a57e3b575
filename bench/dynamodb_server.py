"""The embedded DynamoDB in a process of its own, for `make bench`.

moto keeps every table in memory, and its TransactWriteItems deep-copies a table once per *item* of
the transaction (for rollback), so a 100-item transaction on a growing table is quadratic in time and
memory: a 500-company portfolio took minutes and gigabytes. Here each table is copied once per
transaction, which keeps moto's rollback, and the benchmark starts a fresh server per phase and per
route. Prints the endpoint URL on its first line and serves until its standard input is closed.
"""

from __future__ import annotations

import copy
import sys
import types
from typing import Any

from devtools.embedded_dynamodb import embedded_dynamodb


def copy_tables_once_per_transaction() -> None:
    """Patch moto so a transaction snapshots each table once, not once per item."""
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        snapshots: dict[int, Any] = {}

        def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
            if isinstance(value, Table):
                if id(value) not in snapshots:
                    snapshots[id(value)] = copy.deepcopy(value)
                return snapshots[id(value)]
            return copy.deepcopy(value, memo)

        models.copy = types.SimpleNamespace(deepcopy=deepcopy, copy=copy.copy)  # type: ignore[attr-defined,assignment]
        try:
            original(self, transact_items)
        finally:
            models.copy = copy  # type: ignore[attr-defined]

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def main() -> int:
    copy_tables_once_per_transaction()
    with embedded_dynamodb(set_environment=False) as server:
        print(server.endpoint_url, flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
