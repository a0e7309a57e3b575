"""Plain-text output of the operator's commands: aligned columns, amounts, instants."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from orgair.costs.money import format_usd
from orgair.timestamps import rfc3339


def instant(value: datetime | None) -> str:
    return rfc3339(value) if value else "-"


def usd(micros: int | None) -> str:
    return "-" if micros is None else format_usd(micros)


def columns(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )
