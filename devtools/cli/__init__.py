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
import sys
from collections.abc import Sequence

from botocore.exceptions import BotoCoreError, ClientError
from orgair.errors import ConfigurationError, DependencyUnavailable, OrgairError, ValidationFailed

from devtools.cli.budgets import GLOBAL_REFUSAL, set_command, show_command
from devtools.cli.costs import restate_command
from devtools.cli.keys import create_command, list_command, provision_command, revoke_command
from devtools.cli.target import USAGE_PLAN_ENV, USAGE_PLAN_OUTPUT, Target, Unusable, connect

EXIT_FAILED = 1
EXIT_UNUSABLE = 2


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
    create.set_defaults(run=create_command)

    listing = actions.add_parser("list", help="list keys (never their secrets)", parents=[connection])
    listing.add_argument("--tenant", default=None, help="only this tenant's keys (default: every tenant)")
    listing.set_defaults(run=list_command)

    revoke = actions.add_parser("revoke", help="revoke a key by its key id", parents=[connection])
    revoke.add_argument("key_id", help="the key's public id (kid_...)")
    revoke.set_defaults(run=revoke_command)

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
    provision.set_defaults(run=provision_command)

    budgets = commands.add_parser("budgets", help="show and set daily LLM budgets", parents=[connection])
    budget_actions = budgets.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = budget_actions.add_parser(
        "show", help="the global budget and every tenant's, or one tenant's", parents=[connection]
    )
    show.add_argument("--tenant", default=None, help="only this tenant, with its budget's latest changes")
    show.add_argument("--day", default=None, help="UTC day, YYYY-MM-DD (default: today)")
    show.set_defaults(run=show_command)
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
    setting.set_defaults(run=set_command)

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
    restate.set_defaults(run=restate_command)
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
        return _error("--aws and --endpoint-url exclude each other")
    if getattr(args, "global_budget", False):
        return _error(GLOBAL_REFUSAL)
    try:
        target = connect(args)
    except Unusable as error:
        return _error(str(error))
    except BotoCoreError as error:
        return _error(f"AWS could not be reached ({type(error).__name__})")
    try:
        return int(args.run(args, target))
    except Unusable as error:
        return _error(str(error))
    except ConfigurationError as error:
        return _error(error.detail)
    except DependencyUnavailable as error:
        cause = type(error.__cause__).__name__ if error.__cause__ else "unreachable"
        hint = "" if args.aws else " Is the local runner (`make run`) up?"
        return _error(f"cannot reach {target.where} ({cause}).{hint}")
    except ValidationFailed as error:
        return _error(error.detail + "".join(f"\n  {item.field}: {item.message}" for item in error.errors))
    except OrgairError as error:
        return _error(error.detail, EXIT_FAILED)
    except BotoCoreError as error:
        # API Gateway unreachable, no credentials, ... (DynamoDB's failures are handled above).
        return _error(f"AWS could not be reached ({type(error).__name__})")
    except ClientError as error:
        return _error(_refusal(error, target))


def _error(message: str, exit_code: int = EXIT_UNUSABLE) -> int:
    print(f"error: {message}", file=sys.stderr)
    return exit_code


def _refusal(error: ClientError, target: Target) -> str:
    """What AWS refused: the usage plan or the table missing, or the request itself."""
    code = error.response.get("Error", {}).get("Code", "")
    if code == "NotFoundException" and target.usage_plans is not None:
        return f"API Gateway has no usage plan {target.usage_plans.usage_plan_id!r} ({code})"
    if code == "ResourceNotFoundException":
        return f"table {target.table.table_name!r} does not exist at {target.where}; name it with --table"
    return f"{target.where} refused the request ({code})"
