"""`orgair costs restate`: correction lines for a closed day at the price rows now in force."""

from __future__ import annotations

import argparse
from datetime import date

from orgair.costs.corrections import restate_day
from orgair.costs.money import format_usd
from orgair.settings import load_settings

from devtools.cli.target import Target, Unusable, cost_ledger, operator_name


def _closed_day(text: str) -> date:
    try:
        if len(text) != len("2026-03-01"):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise Unusable(f"--day must be a UTC day, YYYY-MM-DD (got {text!r})") from None


def restate_command(args: argparse.Namespace, target: Target) -> int:
    day = _closed_day(args.day)
    ledger = cost_ledger(args, target, load_settings())
    result = restate_day(
        ledger.store,
        ledger.prices,
        day,
        reason=args.reason,
        operator=operator_name(target),
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
