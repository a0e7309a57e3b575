"""Restating a closed day at the price rows now in force, by appending correction lines.

A ledger line is never updated. When a price changes late (a provider restates a price, or a row is
added with an `effective_from` in the past), an operator restates the day: every charge line whose
row in force at its admission is no longer the row that priced it (or last corrected it) gets
exactly one correction line, whose cost is the difference and whose `price_row_id` is the new row.
A day's total is then re-derivable exactly from its lines and the price rows (`rederive_total`).

Which lines are restated: `settled`, not `anomalous`, with tokens, written with a row id. Lines
charged at their reservation (`uncertain`, `anomalous`) did not cost what their tokens say, and a
line with no tokens costs nothing at any price; lines written before rows had ids are left as they
are. Each correction is keyed by its target and its number (`<sk>#C001`), so a retried or
concurrent restatement appends nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from orgair.costs.budget import GLOBAL_SCOPE, external_scope, global_share_scope, tenant_scope
from orgair.costs.pricing import ModelPrice, PriceTable, format_instant
from orgair.dal.costs import CostsRepository, correction_sk, line_sk
from orgair.errors import FieldError, ValidationFailed
from orgair.observability import logger
from orgair.records.costs import LedgerLine

MAX_REASON_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Restatement:
    day: date
    examined: int
    corrections: list[LedgerLine]
    total_before_micros: int
    total_after_micros: int


def line_scopes(line: LedgerLine) -> tuple[str, ...]:
    """The budget scopes a line was counted in: this service's calls in `global`, the tenant's
    budget and its share; reported usage in the tenant's budget and its `external` allowance."""
    tenant = line.meta.tenant_id
    if line.source == "external":
        return (tenant_scope(tenant), external_scope(tenant))
    return (GLOBAL_SCOPE, tenant_scope(tenant), global_share_scope(tenant))


def restatable(line: LedgerLine) -> bool:
    return (
        line.kind == "charge"
        and line.status == "settled"
        and not line.anomalous
        and line.price_row_id is not None
        and line.usage.total_tokens > 0
    )


def _corrections_by_target(lines: Iterable[LedgerLine]) -> dict[tuple[str, str], list[LedgerLine]]:
    found: dict[tuple[str, str], list[LedgerLine]] = {}
    for line in lines:
        if line.kind == "correction" and line.corrects is not None:
            found.setdefault((line.meta.tenant_id, line.corrects), []).append(line)
    for corrections in found.values():
        corrections.sort(key=line_sk)
    return found


def current_row(line: LedgerLine, corrections: Sequence[LedgerLine], prices: PriceTable) -> ModelPrice:
    """The row a restatable charge is priced at now: its last correction's, else its own."""
    row_id = corrections[-1].price_row_id if corrections else line.price_row_id
    assert row_id is not None
    return prices.row(row_id)


def rederive_total(lines: Sequence[LedgerLine], prices: PriceTable) -> int:
    """A day's total re-derived from its lines' tokens and the rows they name, in micro-USD.

    Restatable charges are priced again from their tokens at the row they (or their last correction)
    name; every other charge counts its recorded cost (a reservation, or nothing); corrections are
    not added on their own, their row is. Equal to Σ `cost_micros` of the lines exactly when every
    line (and every correction) was priced as recorded.
    """
    corrections = _corrections_by_target(lines)
    total = 0
    for line in lines:
        if line.kind != "charge":
            continue
        if restatable(line):
            applied = corrections.get((line.meta.tenant_id, line_sk(line)), [])
            total += current_row(line, applied, prices).cost_micros(line.usage)
        else:
            total += line.cost_micros
    return total


def plan_corrections(
    lines: Sequence[LedgerLine], prices: PriceTable, *, reason: str, operator: str, now: datetime
) -> list[tuple[LedgerLine, LedgerLine]]:
    """(correction, corrected line) for every restatable line whose row in force at its admission
    is not the row that priced it (or last corrected it). Pure: nothing is written."""
    by_target = _corrections_by_target(lines)
    planned: list[tuple[LedgerLine, LedgerLine]] = []
    for line in lines:
        if not restatable(line):
            continue
        sk = line_sk(line)
        applied = by_target.get((line.meta.tenant_id, sk), [])
        was = current_row(line, applied, prices)
        now_in_force = prices.price(line.model, line.timestamp)
        if now_in_force.row_id == was.row_id:
            continue
        number = len(applied) + 1
        correction = LedgerLine(
            call_id=f"{line.call_id}#C{number:03d}",
            meta=line.meta,
            day=line.day,
            timestamp=line.timestamp,
            provider=line.provider,
            model=line.model,
            usage=line.usage,
            cost_micros=now_in_force.cost_micros(line.usage) - was.cost_micros(line.usage),
            pricing_version=prices.version,
            status="settled",
            outcome="correction",
            source=line.source,
            price_row_id=now_in_force.row_id,
            kind="correction",
            corrects=sk,
            reason=f"{reason} (by {operator} at {format_instant(now)}; was {was.row_id})",
        )
        assert correction_sk(sk, number) == line_sk(correction)
        planned.append((correction, line))
    return planned


def restate_day(
    store: CostsRepository, prices: PriceTable, day: date, *, reason: str, operator: str, now: datetime
) -> Restatement:
    """Append one correction line for every line of `day` whose row in force at its admission changed."""
    reason = reason.strip()
    operator = operator.strip()
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            "A restatement needs a reason (1-500 characters).",
            errors=[FieldError("reason", "1-500 characters")],
        )
    if not operator:
        raise ValidationFailed(
            "A restatement names its operator.", errors=[FieldError("operator", "required")]
        )
    if day >= now.date():
        raise ValidationFailed(
            "Only a closed day (before today, UTC) can be restated.",
            errors=[FieldError("day", "must be before today (UTC)")],
        )
    lines = store.day_lines(day)
    total_before = sum(line.cost_micros for line in lines)
    appended = [
        correction
        for correction, target in plan_corrections(lines, prices, reason=reason, operator=operator, now=now)
        if store.append_correction(correction, line_scopes(target), now)
    ]
    total_after = total_before + sum(line.cost_micros for line in appended)
    logger.info(
        "day restated",
        extra={
            "day": day.isoformat(),
            "operator": operator,
            "reason": reason,
            "examined": len(lines),
            "corrections": len(appended),
            "total_before_micro_usd": total_before,
            "total_after_micro_usd": total_after,
            "pricing_version": prices.version,
        },
    )
    return Restatement(
        day=day,
        examined=len(lines),
        corrections=appended,
        total_before_micros=total_before,
        total_after_micros=total_after,
    )
