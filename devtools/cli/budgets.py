"""`orgair budgets` (show, set): the global daily budget and tenants' budgets."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from orgair.costs.admin import BudgetAdmin, TenantBudgetStatus, parse_daily_budget
from orgair.costs.money import format_usd
from orgair.costs.views import parse_day
from orgair.settings import Settings, load_settings
from orgair.timestamps import rfc3339

from devtools.cli.output import columns, usd
from devtools.cli.target import (
    GLOBAL_BUDGET_PARAMETER,
    Target,
    Unusable,
    cost_ledger,
    describe_stack,
    operator_name,
)


def _budget_settings(args: argparse.Namespace, target: Target) -> tuple[Settings, str]:
    """The settings the budget figures are judged with, and where the global limit came from:
    with --aws and --stack the stack's DailyCostBudgetUsd, else DAILY_COST_BUDGET_USD of this shell."""
    if target.session is not None and args.stack:
        stack = describe_stack(target.session, args.stack)
        parameters = {
            parameter.get("ParameterKey"): parameter.get("ParameterValue")
            for parameter in stack.get("Parameters", [])
        }
        value = parameters.get(GLOBAL_BUDGET_PARAMETER)
        if value is None:
            raise Unusable(f"stack {args.stack!r} has no {GLOBAL_BUDGET_PARAMETER} parameter")
        try:
            limit = Decimal(value)
        except InvalidOperation:
            raise Unusable(f"stack {args.stack!r}: {GLOBAL_BUDGET_PARAMETER} is not a number") from None
        return load_settings(DAILY_COST_BUDGET_USD=limit), f"{GLOBAL_BUDGET_PARAMETER} of stack {args.stack}"
    where = "DAILY_COST_BUDGET_USD of this shell" if "DAILY_COST_BUDGET_USD" in os.environ else "the default"
    hint = "" if target.session is None else f"; pass --stack to read the stack's {GLOBAL_BUDGET_PARAMETER}"
    return load_settings(), where + hint


def _budget_admin(args: argparse.Namespace, target: Target) -> tuple[BudgetAdmin, str]:
    settings, source = _budget_settings(args, target)
    return BudgetAdmin(cost_ledger(args, target, settings), target.table.tenant_ids), source


def _tenant_rows(statuses: Sequence[TenantBudgetStatus]) -> str:
    header = ("TENANT", "LIMIT", "COMMITTED", "SETTLED", "HELD", "FORECAST", "SHARE_OF_GLOBAL", "SET_BY")
    rows = [header] + [
        (
            status.tenant_id,
            usd(status.limit_micros),
            format_usd(status.counter.committed_micros),
            format_usd(status.counter.settled_micros),
            format_usd(status.counter.held_micros),
            format_usd(status.projection.end_of_day_micros),
            status.share_of_global or "-",
            (status.setting.updated_by or "-") if status.setting else "-",
        )
        for status in statuses
    ]
    return columns(rows)


def _show_day(args: argparse.Namespace, admin: BudgetAdmin) -> date:
    return parse_day(args.day, admin.ledger.clock())


def show_command(args: argparse.Namespace, target: Target) -> int:
    admin, source = _budget_admin(args, target)
    day = _show_day(args, admin)
    if args.tenant:
        status = admin.tenant_budget(args.tenant, day)
        setting = status.setting
        print(f"tenant {status.tenant_id}, {day.isoformat()} (UTC)")
        print(
            f"  daily budget   {usd(status.limit_micros)}" + ("" if status.limit_micros else "  (none set)")
        )
        if setting is not None:
            at = rfc3339(setting.updated_at) if setting.updated_at else "-"
            print(f"  set by         {setting.updated_by or '-'} at {at}")
        print(f"  committed      {format_usd(status.counter.committed_micros)}")
        print(f"  settled        {format_usd(status.counter.settled_micros)}")
        print(f"  held           {format_usd(status.counter.held_micros)}")
        print(f"  available      {usd(status.available_micros)}")
        print(f"  forecast       {format_usd(status.projection.end_of_day_micros)}")
        print(
            f"  global share   {format_usd(status.share.counter.committed_micros)} of at most "
            f"{usd(status.share.limit_micros)} (share of global {status.share_of_global or '-'})"
        )
        for change in status.history:
            print(
                f"  change         {rfc3339(change.changed_at)} by {change.changed_by}: "
                f"{usd(change.limit_micros) if change.limit_micros is not None else 'removed'}"
            )
        return 0
    view = admin.global_budget(day)
    counter = view.counter
    print(
        f"global daily budget, {day.isoformat()} (UTC), resets {view.resets_at.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    )
    print(f"  limit          {usd(view.limit_micros)}  ({source})")
    print(f"  committed      {format_usd(counter.committed_micros)}")
    print(f"  settled        {format_usd(counter.settled_micros)}")
    print(f"  held           {format_usd(counter.held_micros)}")
    print(f"  available      {usd(view.available_micros)}")
    print(f"  utilisation    {view.utilisation or '-'}")
    print(f"  forecast       {format_usd(view.projection.end_of_day_micros)}")
    print(f"  tenant share   at most {usd(view.tenant_share_limit_micros)} per tenant")
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


def set_command(args: argparse.Namespace, target: Target) -> int:
    if not args.tenant:
        raise Unusable("name the tenant: budgets set --tenant <id> (--daily-usd <usd> | --remove)")
    if (args.daily_usd is None) == (not args.remove):
        raise Unusable("give exactly one of --daily-usd <usd> and --remove")
    limit = None if args.remove else parse_daily_budget(args.daily_usd)
    admin, _ = _budget_admin(args, target)
    known = args.tenant in admin.tenant_ids()
    setting = admin.set_tenant_budget(args.tenant, limit, by=operator_name(target))
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
