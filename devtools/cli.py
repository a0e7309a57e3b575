"""`orgair`: the operator's command line. Today: API keys (create, list, revoke).

By default it talks to the local runner's embedded DynamoDB (`make run`) on
`http://127.0.0.1:${DYNAMODB_PORT:-8000}` with fake credentials; `--aws` uses the real credentials
and region of the environment instead, and `--table` names the deployed table. A new key is
printed once, alone on the last line, so `orgair keys create ... | tail -n 1` captures it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from orgair.auth.keys import ApiKeyRecord, create_key, list_keys, revoke_key
from orgair.dal.api_keys import ApiKeyTable
from orgair.errors import DependencyUnavailable, OrgairError, ValidationFailed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LOCAL_REGION = "us-east-1"
LOCAL_TABLE_NAME = "ApiKeysTable"
EXIT_FAILED = 1
EXIT_UNUSABLE = 2


@dataclass(frozen=True)
class Target:
    """Where the keys live, and how to name that place in messages."""

    table: ApiKeyTable
    where: str


class _Unusable(Exception):
    """The command cannot run as configured (exit 2)."""


def _client_config() -> Config:
    return Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 2})


def local_endpoint() -> str:
    return f"http://127.0.0.1:{os.environ.get('DYNAMODB_PORT', '8000')}"


def _target(args: argparse.Namespace) -> Target:
    table_name = args.table or os.environ.get("API_KEYS_TABLE_NAME") or LOCAL_TABLE_NAME
    client: DynamoDBClient
    if args.aws:
        session = boto3.session.Session(region_name=args.region)
        if not session.region_name:
            raise _Unusable("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION) or pass --region")
        client = session.client("dynamodb", config=_client_config())
        where = f"DynamoDB in {session.region_name}"
    else:
        endpoint = args.endpoint_url or local_endpoint()
        client = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name=args.region or LOCAL_REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - the embedded DynamoDB accepts any credentials
            config=_client_config(),
        )
        where = f"the local DynamoDB at {endpoint}"
    return Target(ApiKeyTable(client, table_name), where)


def _scopes(text: str) -> frozenset[str]:
    return frozenset(scope for scope in re.split(r"[,\s]+", text) if scope)


def _time(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else "-"


def _table_text(records: Sequence[ApiKeyRecord]) -> str:
    header = ("KEY_ID", "TENANT", "STATUS", "SCOPES", "NAME", "CREATED", "LAST_USED")
    rows = [header] + [
        (
            record.key_id,
            record.tenant_id,
            record.status,
            ",".join(sorted(record.scopes)),
            record.name,
            _time(record.created_at),
            _time(record.last_used_at),
        )
        for record in records
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def _create(args: argparse.Namespace, target: Target) -> int:
    plaintext, record = create_key(
        tenant_id=args.tenant, scopes=_scopes(args.scopes), name=args.name, table=target.table
    )
    print(f"key_id:  {record.key_id}")
    print(f"tenant:  {record.tenant_id}")
    print(f"scopes:  {' '.join(sorted(record.scopes))}")
    print(f"name:    {record.name}")
    print("The key is shown this once; only its SHA-256 hash is stored:")
    print(plaintext)
    return 0


def _list(args: argparse.Namespace, target: Target) -> int:
    records = list_keys(args.tenant, table=target.table)
    print(_table_text(records) if records else "no API keys")
    return 0


def _revoke(args: argparse.Namespace, target: Target) -> int:
    record = revoke_key(args.key_id, table=target.table)
    print(f"revoked {record.key_id} (tenant {record.tenant_id}, name {record.name!r})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    # Accepted before or after the subcommand; SUPPRESS keeps a later level from resetting an earlier one.
    connection = argparse.ArgumentParser(add_help=False)
    where = connection.add_mutually_exclusive_group()
    where.add_argument(
        "--endpoint-url",
        default=argparse.SUPPRESS,
        help="DynamoDB endpoint (default: the local runner's, http://127.0.0.1:${DYNAMODB_PORT:-8000})",
    )
    where.add_argument(
        "--aws",
        action="store_true",
        default=argparse.SUPPRESS,
        help="use AWS with the credentials and region of the environment",
    )
    connection.add_argument(
        "--region", default=argparse.SUPPRESS, help="AWS region (default: the environment's)"
    )
    connection.add_argument(
        "--table",
        default=argparse.SUPPRESS,
        help="API keys table name (default: $API_KEYS_TABLE_NAME, else ApiKeysTable)",
    )

    parser = argparse.ArgumentParser(prog="orgair", description="orgair operator tools", parents=[connection])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    keys = commands.add_parser("keys", help="create, list and revoke API keys", parents=[connection])
    actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a key and print it once", parents=[connection])
    create.add_argument("--tenant", required=True, help="tenant id (1-64 of A-Z a-z 0-9 . _ -)")
    create.add_argument(
        "--scopes", required=True, help="comma-separated scopes, e.g. scores:read,scores:write"
    )
    create.add_argument("--name", default="created with the orgair CLI", help="what the key is for")
    create.set_defaults(run=_create)

    listing = actions.add_parser("list", help="list keys (never their secrets)", parents=[connection])
    listing.add_argument("--tenant", default=None, help="only this tenant's keys (default: every tenant)")
    listing.set_defaults(run=_list)

    revoke = actions.add_parser("revoke", help="revoke a key by its key id", parents=[connection])
    revoke.add_argument("key_id", help="the key's public id (kid_...)")
    revoke.set_defaults(run=_revoke)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The `orgair` console script. Exit 0 done, 1 refused (unknown id, conflict), 2 unusable input or store."""
    args = build_parser().parse_args(argv)
    for name, default in (("endpoint_url", None), ("aws", False), ("region", None), ("table", None)):
        if not hasattr(args, name):
            setattr(args, name, default)
    if args.aws and args.endpoint_url:
        print("error: --aws and --endpoint-url exclude each other", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        target = _target(args)
    except _Unusable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        return int(args.run(args, target))
    except DependencyUnavailable as error:
        cause = type(error.__cause__).__name__ if error.__cause__ else "unreachable"
        hint = "" if args.aws else " Is the local runner (`make run`) up?"
        print(f"error: cannot reach {target.where} ({cause}).{hint}", file=sys.stderr)
        return EXIT_UNUSABLE
    except ValidationFailed as error:
        details = "".join(f"\n  {item.field}: {item.message}" for item in error.errors)
        print(f"error: {error.detail}{details}", file=sys.stderr)
        return EXIT_UNUSABLE
    except OrgairError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return EXIT_FAILED
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            print(
                f"error: table {target.table.table_name!r} does not exist at {target.where}; name it with --table",
                file=sys.stderr,
            )
        else:
            print(f"error: {target.where} refused the request ({code})", file=sys.stderr)
        return EXIT_UNUSABLE
