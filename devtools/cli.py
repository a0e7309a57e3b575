"""`orgair`: the operator's command line: API keys (create, list, revoke), tenants' request plans,
daily budgets (show, set) and restatements of a closed day's costs.

By default it talks to the local runner's embedded DynamoDB (`make run`) on
`http://127.0.0.1:${DYNAMODB_PORT:-8000}` with fake credentials; `--aws` uses the real credentials
and region of the environment instead, and `--table` names the deployed table. A new key is
printed once, alone on the last line, so `orgair keys create ... | tail -n 1` captures it.

Per-tenant request limits (docs/tenants.md): every tenant has one API Gateway API key in the
stack's usage plan, and its value (the usage key) is stored with each of the tenant's key records,
for the authorizer to return as `usageIdentifierKey`. With `--aws`, `keys create` and
`tenants provision` create that API key and its usage plan membership when missing; the plan is
named by `--usage-plan-id`, `$TENANT_USAGE_PLAN_ID` or the `TenantUsagePlanId` output of
`--stack`. Locally there is no API Gateway: the usage key is only stored (the runner meters it).
The usage key's value is never printed or logged; the API Gateway key id is.

Budgets (docs/operations.md, Budgets): `budgets show` prints the global daily budget and every
tenant's for a day (the same figures as `GET /costs/budgets/...`), `budgets set` sets or removes a
tenant's daily budget in CostsTable (`--costs-table`, default $COSTS_TABLE_NAME, else CostsTable)
through the layer, recording who did it (the AWS caller's ARN with --aws, `local:<user>` locally)
and when. The global budget is the template parameter DailyCostBudgetUsd: `budgets set --global`
refuses and says how to change it.

Costs (docs/cost-governance.md, Corrections): `costs restate --day D --reason TEXT` restates a
closed UTC day at the price table of this checkout's layer (which must be the deployed one): one
correction line is appended for every line of the day whose row in force changed, in CostsTable
through the layer, naming the operator (as `budgets set` does) and the reason; it prints how many
lines were appended and the day's total before and after. A second run appends nothing.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from orgair.auth.keys import (
    ApiKeyRecord,
    assign_usage_key,
    create_key,
    list_keys,
    new_usage_key,
    revoke_key,
    tenant_usage_key,
)
from orgair.costs.admin import BudgetAdmin, TenantBudgetStatus, parse_daily_budget
from orgair.costs.corrections import restate_day
from orgair.costs.ledger import CostLedger
from orgair.costs.money import format_usd
from orgair.costs.views import parse_day
from orgair.dal.api_keys import ApiKeyTable
from orgair.dal.costs import CostsStore
from orgair.errors import ConfigurationError, DependencyUnavailable, OrgairError, ValidationFailed
from orgair.settings import Settings, load_settings
from orgair.timestamps import rfc3339
from pydantic import SecretStr

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_dynamodb import DynamoDBClient

LOCAL_REGION = "us-east-1"
LOCAL_TABLE_NAME = "ApiKeysTable"
LOCAL_COSTS_TABLE_NAME = "CostsTable"
GLOBAL_BUDGET_PARAMETER = "DailyCostBudgetUsd"
USAGE_PLAN_OUTPUT = "TenantUsagePlanId"
USAGE_PLAN_ENV = "TENANT_USAGE_PLAN_ID"
EXIT_FAILED = 1
EXIT_UNUSABLE = 2


@dataclass(frozen=True)
class Target:
    """Where the keys live, and how to name that place in messages."""

    table: ApiKeyTable
    where: str
    usage_plans: UsagePlanKeys | None = None
    """The stack's usage plan (with --aws); None locally, where no API Gateway exists."""
    client: DynamoDBClient | None = None
    """The DynamoDB client the tables are read with (for CostsTable: `budgets`)."""
    session: boto3.session.Session | None = None
    """With --aws: the session of the environment's credentials."""


@dataclass(frozen=True)
class UsagePlanKeys:
    """The tenants' API Gateway API keys in one usage plan."""

    client: APIGatewayClient
    usage_plan_id: str

    def key_name(self, tenant_id: str) -> str:
        """One API key per tenant and plan (so staging and prod in one account never share one)."""
        return f"orgair-{self.usage_plan_id}-{tenant_id}"

    def ensure(self, tenant_id: str, stored: SecretStr | None) -> tuple[str, SecretStr]:
        """The tenant's API key (id, value), created with `stored` (or a new value) when missing,
        and a member of the plan. An existing API key's value wins: it is what API Gateway meters."""
        name = self.key_name(tenant_id)
        # NotFoundException (exit 2) before anything is created when the plan id is wrong.
        self.client.get_usage_plan(usagePlanId=self.usage_plan_id)
        found = [
            item
            for page in self.client.get_paginator("get_api_keys").paginate(nameQuery=name, includeValues=True)
            for item in page.get("items", [])
            if item.get("name") == name
        ]
        if found:
            key_id, value = str(found[0]["id"]), SecretStr(str(found[0]["value"]))
        else:
            value = stored or new_usage_key()
            created = self.client.create_api_key(
                name=name,
                description=f"orgair tenant {tenant_id}: per-tenant limits (usage plan {self.usage_plan_id})",
                enabled=True,
                value=value.get_secret_value(),
            )
            key_id = str(created["id"])
        try:
            self.client.create_usage_plan_key(usagePlanId=self.usage_plan_id, keyId=key_id, keyType="API_KEY")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConflictException":
                raise
        return key_id, value


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
        if args.command == "tenants" or (args.command == "keys" and args.action == "create"):
            plan_id = _usage_plan_id(args, session)
            apigateway = session.client("apigateway", config=_client_config())
            return Target(
                ApiKeyTable(client, table_name), where, UsagePlanKeys(apigateway, plan_id), client, session
            )
        return Target(ApiKeyTable(client, table_name), where, None, client, session)
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
    return Target(ApiKeyTable(client, table_name), where, None, client)


def _usage_plan_id(args: argparse.Namespace, session: boto3.session.Session) -> str:
    """--usage-plan-id, else $TENANT_USAGE_PLAN_ID, else the TenantUsagePlanId output of --stack."""
    plan_id = args.usage_plan_id or os.environ.get(USAGE_PLAN_ENV)
    if plan_id:
        return str(plan_id)
    if not args.stack:
        raise _Unusable(
            f"no usage plan: pass --stack <stack name>, --usage-plan-id or set {USAGE_PLAN_ENV} "
            "(every tenant needs an API key in the stack's usage plan, docs/tenants.md)"
        )
    cloudformation = session.client("cloudformation", config=_client_config())
    try:
        stacks = cloudformation.describe_stacks(StackName=args.stack)["Stacks"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        raise _Unusable(f"cannot read stack {args.stack!r} ({code})") from None
    outputs = {output.get("OutputKey"): output.get("OutputValue") for output in stacks[0].get("Outputs", [])}
    plan_id = outputs.get(USAGE_PLAN_OUTPUT)
    if not plan_id:
        raise _Unusable(f"stack {args.stack!r} has no {USAGE_PLAN_OUTPUT} output")
    return str(plan_id)


def _tenant_usage_key(tenant_id: str, target: Target) -> SecretStr:
    """The tenant's usage key: with --aws its API Gateway key's value (created when missing), given
    to every key of the tenant; locally the stored one, else a new one."""
    stored = tenant_usage_key(tenant_id, table=target.table)
    if target.usage_plans is None:
        return stored or new_usage_key()
    key_id, value = target.usage_plans.ensure(tenant_id, stored)
    print(f"tenant {tenant_id}: API key {key_id} in usage plan {target.usage_plans.usage_plan_id}")
    return value


def _scopes(text: str) -> frozenset[str]:
    return frozenset(scope for scope in re.split(r"[,\s]+", text) if scope)


def _time(value: datetime | None) -> str:
    return rfc3339(value) if value else "-"


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
    scopes = _scopes(args.scopes)
    usage_key: SecretStr | None = None
    if target.usage_plans is not None:
        # Validate before creating anything in API Gateway: an API key for a refused tenant id is litter.
        list_keys(args.tenant, table=target.table)
        usage_key = _tenant_usage_key(args.tenant, target)
        assign_usage_key(args.tenant, usage_key, table=target.table)
    plaintext, record = create_key(
        tenant_id=args.tenant, scopes=scopes, name=args.name, usage_key=usage_key, table=target.table
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


def authorizer_cache_seconds() -> int:
    """How long API Gateway may keep answering from a cached authorization: the longest
    `ReauthorizeEvery` of the template's authorizers, the AuthorizerCacheSeconds parameter (a revoked
    key works until it runs out)."""
    from devtools.template import Template, load_template

    ttls = [
        authorizer.reauthorize_every
        for api in Template(load_template()).apis()
        for authorizer in api.authorizers.values()
    ]
    return max(ttls, default=0)


def _revoke(args: argparse.Namespace, target: Target) -> int:
    record = revoke_key(args.key_id, table=target.table)
    print(f"revoked {record.key_id} (tenant {record.tenant_id}, name {record.name!r})")
    ttl = authorizer_cache_seconds()
    if ttl:
        print(
            f"note: API Gateway caches each key's authorization for up to {ttl} s (template parameter "
            f"AuthorizerCacheSeconds, the authorizer's ReauthorizeEvery), so requests with this key may "
            f"still succeed for up to {ttl} s"
        )
    return 0


def _provision(args: argparse.Namespace, target: Target) -> int:
    tenants = (
        [args.tenant]
        if args.tenant
        else sorted({record.tenant_id for record in list_keys(None, table=target.table)})
    )
    if not tenants:
        print("no tenants: no API keys exist yet")
        return 0
    for tenant in tenants:
        list_keys(tenant, table=target.table)  # validates the tenant id before anything is created
        changed = assign_usage_key(tenant, _tenant_usage_key(tenant, target), table=target.table)
        print(f"tenant {tenant}: {changed} key(s) given the tenant's usage key")
    return 0


# ---------------------------------------------------------------------- budgets


def _budget_settings(args: argparse.Namespace, target: Target) -> tuple[Settings, str]:
    """The settings the budget figures are judged with, and where the global limit came from:
    with --aws and --stack the stack's DailyCostBudgetUsd, else DAILY_COST_BUDGET_USD of this shell."""
    if target.session is not None and args.stack:
        cloudformation = target.session.client("cloudformation", config=_client_config())
        try:
            stacks = cloudformation.describe_stacks(StackName=args.stack)["Stacks"]
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            raise _Unusable(f"cannot read stack {args.stack!r} ({code})") from None
        parameters = {
            parameter.get("ParameterKey"): parameter.get("ParameterValue")
            for parameter in stacks[0].get("Parameters", [])
        }
        value = parameters.get(GLOBAL_BUDGET_PARAMETER)
        if value is None:
            raise _Unusable(f"stack {args.stack!r} has no {GLOBAL_BUDGET_PARAMETER} parameter")
        try:
            limit = Decimal(value)
        except InvalidOperation:
            raise _Unusable(f"stack {args.stack!r}: {GLOBAL_BUDGET_PARAMETER} is not a number") from None
        return load_settings(DAILY_COST_BUDGET_USD=limit), f"{GLOBAL_BUDGET_PARAMETER} of stack {args.stack}"
    where = "DAILY_COST_BUDGET_USD of this shell" if "DAILY_COST_BUDGET_USD" in os.environ else "the default"
    hint = "" if target.session is None else f"; pass --stack to read the stack's {GLOBAL_BUDGET_PARAMETER}"
    return load_settings(), where + hint


def _budget_admin(args: argparse.Namespace, target: Target) -> tuple[BudgetAdmin, str]:
    if target.client is None:
        raise _Unusable("no DynamoDB client")
    settings, source = _budget_settings(args, target)
    table = args.costs_table or os.environ.get("COSTS_TABLE_NAME") or LOCAL_COSTS_TABLE_NAME
    ledger = CostLedger(settings, store=CostsStore(table, target.client))
    return BudgetAdmin(ledger, target.table.tenant_ids), source


def _operator(target: Target) -> str:
    """Who is changing a budget: the AWS caller's ARN with --aws, else `local:<user>`."""
    if target.session is None:
        return f"local:{getpass.getuser()}"
    sts = target.session.client("sts", config=_client_config())
    return str(sts.get_caller_identity()["Arn"])


def _usd(micros: int | None) -> str:
    return "-" if micros is None else format_usd(micros)


def _columns(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def _tenant_rows(statuses: Sequence[TenantBudgetStatus]) -> str:
    header = ("TENANT", "LIMIT", "COMMITTED", "SETTLED", "HELD", "FORECAST", "SHARE_OF_GLOBAL", "SET_BY")
    rows = [header] + [
        (
            status.tenant_id,
            _usd(status.limit_micros),
            format_usd(status.counter.committed_micros),
            format_usd(status.counter.settled_micros),
            format_usd(status.counter.held_micros),
            format_usd(status.projection.end_of_day_micros),
            status.share_of_global or "-",
            (status.setting.updated_by or "-") if status.setting else "-",
        )
        for status in statuses
    ]
    return _columns(rows)


def _show_day(args: argparse.Namespace, admin: BudgetAdmin) -> date:
    return parse_day(args.day, admin.ledger.clock())


def _show(args: argparse.Namespace, target: Target) -> int:
    admin, source = _budget_admin(args, target)
    day = _show_day(args, admin)
    if args.tenant:
        status = admin.tenant_budget(args.tenant, day)
        setting = status.setting
        print(f"tenant {status.tenant_id}, {day.isoformat()} (UTC)")
        print(
            f"  daily budget   {_usd(status.limit_micros)}" + ("" if status.limit_micros else "  (none set)")
        )
        if setting is not None:
            at = rfc3339(setting.updated_at) if setting.updated_at else "-"
            print(f"  set by         {setting.updated_by or '-'} at {at}")
        print(f"  committed      {format_usd(status.counter.committed_micros)}")
        print(f"  settled        {format_usd(status.counter.settled_micros)}")
        print(f"  held           {format_usd(status.counter.held_micros)}")
        print(f"  available      {_usd(status.available_micros)}")
        print(f"  forecast       {format_usd(status.projection.end_of_day_micros)}")
        print(
            f"  global share   {format_usd(status.share.counter.committed_micros)} of at most "
            f"{_usd(status.share.limit_micros)} (share of global {status.share_of_global or '-'})"
        )
        for change in status.history:
            print(
                f"  change         {rfc3339(change.changed_at)} by {change.changed_by}: "
                f"{_usd(change.limit_micros) if change.limit_micros is not None else 'removed'}"
            )
        return 0
    view = admin.global_budget(day)
    counter = view.counter
    print(
        f"global daily budget, {day.isoformat()} (UTC), resets {view.resets_at.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    )
    print(f"  limit          {_usd(view.limit_micros)}  ({source})")
    print(f"  committed      {format_usd(counter.committed_micros)}")
    print(f"  settled        {format_usd(counter.settled_micros)}")
    print(f"  held           {format_usd(counter.held_micros)}")
    print(f"  available      {_usd(view.available_micros)}")
    print(f"  utilisation    {view.utilisation or '-'}")
    print(f"  forecast       {format_usd(view.projection.end_of_day_micros)}")
    print(f"  tenant share   at most {_usd(view.tenant_share_limit_micros)} per tenant")
    tenants = admin.tenant_ids()
    if tenants:
        print(_tenant_rows(admin.tenant_statuses(tenants, day)))
    else:
        print("no tenants: no API keys or tenant budgets exist yet")
    return 0


GLOBAL_REFUSAL = (
    "the global daily budget is not stored in DynamoDB: it is the template parameter "
    f"{GLOBAL_BUDGET_PARAMETER} (DAILY_COST_BUDGET_USD of every function). Change it in "
    "parameter_overrides of samconfig.toml for the environment and deploy "
    "(docs/operations.md, Budgets); locally, restart the runner with DAILY_COST_BUDGET_USD=<usd> make run"
)


def _set(args: argparse.Namespace, target: Target) -> int:
    if not args.tenant:
        raise _Unusable("name the tenant: budgets set --tenant <id> (--daily-usd <usd> | --remove)")
    if (args.daily_usd is None) == (not args.remove):
        raise _Unusable("give exactly one of --daily-usd <usd> and --remove")
    limit = None if args.remove else parse_daily_budget(args.daily_usd)
    admin, _ = _budget_admin(args, target)
    known = args.tenant in admin.tenant_ids()
    setting = admin.set_tenant_budget(args.tenant, limit, by=_operator(target))
    if setting is None:
        print(f"tenant {args.tenant}: daily budget removed (bound by its share of the global budget only)")
    else:
        at = rfc3339(setting.updated_at) if setting.updated_at else "-"
        print(
            f"tenant {args.tenant}: daily budget {format_usd(setting.limit_micros)} USD, "
            f"set by {setting.updated_by} at {at}"
        )
    print("applies to the tenant's admissions from the next request on")
    if not known:
        print(f"note: tenant {args.tenant} has no API key yet")
    return 0


# ---------------------------------------------------------------------- costs


def _closed_day(text: str) -> date:
    try:
        if len(text) != len("2026-03-01"):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise _Unusable(f"--day must be a UTC day, YYYY-MM-DD (got {text!r})") from None


def _restate(args: argparse.Namespace, target: Target) -> int:
    if target.client is None:
        raise _Unusable("no DynamoDB client")
    day = _closed_day(args.day)
    table = args.costs_table or os.environ.get("COSTS_TABLE_NAME") or LOCAL_COSTS_TABLE_NAME
    ledger = CostLedger(load_settings(), store=CostsStore(table, target.client))
    result = restate_day(
        ledger.store,
        ledger.prices,
        day,
        reason=args.reason,
        operator=_operator(target),
        now=ledger.clock(),
    )
    appended = len(result.corrections)
    print(f"{day.isoformat()} (UTC) restated at pricing table {ledger.prices.version}")
    print(f"  lines examined   {result.examined}")
    print(f"  lines appended   {appended} correction line{'' if appended == 1 else 's'}")
    print(f"  total before     {format_usd(result.total_before_micros)} USD")
    print(f"  total after      {format_usd(result.total_after_micros)} USD")
    for line in result.corrections:
        print(
            f"  {line.corrects}  {line.model}  {line.price_row_id}  "
            f"{'+' if line.cost_micros >= 0 else ''}{format_usd(line.cost_micros)} USD"
        )
    if not appended:
        print("nothing to correct: every line is priced at the row in force when it was admitted")
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
    connection.add_argument(
        "--costs-table",
        default=argparse.SUPPRESS,
        help="budgets, costs: the costs table name (default: $COSTS_TABLE_NAME, else CostsTable)",
    )
    connection.add_argument(
        "--usage-plan-id",
        default=argparse.SUPPRESS,
        help=f"with --aws: the tenants' usage plan (default: ${USAGE_PLAN_ENV}, else --stack's output)",
    )
    connection.add_argument(
        "--stack",
        default=argparse.SUPPRESS,
        help=f"with --aws: read the usage plan id from this stack's {USAGE_PLAN_OUTPUT} output",
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

    tenants = commands.add_parser(
        "tenants", help="per-tenant request limits (usage plan keys)", parents=[connection]
    )
    tenant_actions = tenants.add_subparsers(dest="action", required=True, metavar="ACTION")
    provision = tenant_actions.add_parser(
        "provision",
        help="give tenants their usage plan API key and every key of theirs its usage key",
        parents=[connection],
    )
    provision.add_argument(
        "--tenant", default=None, help="only this tenant (default: every tenant with keys)"
    )
    provision.set_defaults(run=_provision)

    budgets = commands.add_parser("budgets", help="show and set daily LLM budgets", parents=[connection])
    budget_actions = budgets.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = budget_actions.add_parser(
        "show", help="the global budget and every tenant's, or one tenant's", parents=[connection]
    )
    show.add_argument("--tenant", default=None, help="only this tenant, with its budget's latest changes")
    show.add_argument("--day", default=None, help="UTC day, YYYY-MM-DD (default: today)")
    show.set_defaults(run=_show)
    setting = budget_actions.add_parser(
        "set", help="set or remove a tenant's daily budget (audited)", parents=[connection]
    )
    setting.add_argument("--tenant", default=None, help="tenant id (1-64 of A-Z a-z 0-9 . _ -)")
    setting.add_argument(
        "--global",
        dest="global_budget",
        action="store_true",
        help="refused: the global budget is the template parameter DailyCostBudgetUsd",
    )
    setting.add_argument("--daily-usd", default=None, help="USD a day, > 0, at most 6 decimal places")
    setting.add_argument(
        "--remove",
        action="store_true",
        help="remove the tenant's budget (its share of the global still applies)",
    )
    setting.set_defaults(run=_set)

    costs = commands.add_parser("costs", help="the cost ledger: restate a closed day", parents=[connection])
    cost_actions = costs.add_subparsers(dest="action", required=True, metavar="ACTION")
    restate = cost_actions.add_parser(
        "restate",
        help="append correction lines for a closed day at the price rows now in force (audited)",
        parents=[connection],
    )
    restate.add_argument("--day", required=True, help="the closed UTC day, YYYY-MM-DD (before today)")
    restate.add_argument(
        "--reason", required=True, help="why (1-500 characters), recorded on every correction line"
    )
    restate.set_defaults(run=_restate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The `orgair` console script. Exit 0 done, 1 refused (unknown id, conflict), 2 unusable input or store."""
    args = build_parser().parse_args(argv)
    for name, default in (
        ("endpoint_url", None),
        ("aws", False),
        ("region", None),
        ("table", None),
        ("usage_plan_id", None),
        ("stack", None),
        ("costs_table", None),
    ):
        if not hasattr(args, name):
            setattr(args, name, default)
    if args.aws and args.endpoint_url:
        print("error: --aws and --endpoint-url exclude each other", file=sys.stderr)
        return EXIT_UNUSABLE
    if getattr(args, "global_budget", False):
        print(f"error: {GLOBAL_REFUSAL}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        target = _target(args)
    except _Unusable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BotoCoreError as error:
        print(f"error: AWS could not be reached ({type(error).__name__})", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        return int(args.run(args, target))
    except _Unusable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    except ConfigurationError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return EXIT_UNUSABLE
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
    except BotoCoreError as error:
        # API Gateway unreachable, no credentials, ... (DynamoDB's failures are handled above).
        print(f"error: AWS could not be reached ({type(error).__name__})", file=sys.stderr)
        return EXIT_UNUSABLE
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "NotFoundException" and target.usage_plans is not None:
            plan = target.usage_plans.usage_plan_id
            print(f"error: API Gateway has no usage plan {plan!r} ({code})", file=sys.stderr)
        elif code == "ResourceNotFoundException":
            print(
                f"error: table {target.table.table_name!r} does not exist at {target.where}; name it with --table",
                file=sys.stderr,
            )
        else:
            print(f"error: {target.where} refused the request ({code})", file=sys.stderr)
        return EXIT_UNUSABLE
