"""The embedded DynamoDB in a process of its own, for `make bench`.

moto keeps every table in memory and deep-copies tables inside transactions, so a long run of writes
grows it without bound; the benchmark starts a fresh one per phase and per function instead. Prints
the endpoint URL on its first line and serves until its standard input is closed.
"""

from __future__ import annotations

import sys

from devtools.embedded_dynamodb import embedded_dynamodb


def main() -> int:
    with embedded_dynamodb(set_environment=False) as server:
        print(server.endpoint_url, flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
