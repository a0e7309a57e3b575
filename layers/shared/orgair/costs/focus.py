"""A closed day of the ledger as FOCUS 1.0 rows, written as CSV and Parquet.

One row per ledger line and token type (SKU `<provider>/<model>/<token type>`), so BilledCost of a
line's rows sums to the line's cost exactly: each token type's exact cost is floored to the
micro-dollar and the line's remaining micro-dollars go to the largest remainders. Lines charged at
their reservation (`uncertain`, `anomalous`) are one row of SKU `<provider>/<model>/reserved`
(ConsumedQuantity 0: what they consumed is unknown; priced as 1 `Reservation`); lines with no tokens and no cost are left out.

Corrections are ChargeClass `Correction`: the billing period is the UTC day, and a correction is
appended after its day was closed (exported). Its rows restate the corrected tokens' cost at the new
row (ConsumedQuantity null: nothing was consumed again).

The output is a pure function of the lines: rows sorted by tenant, ledger key and SKU; no export
time anywhere; so re-exporting a closed day is byte-identical.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import Final

from orgair.costs.money import MICROS_PER_USD, MONEY_CONTEXT, format_usd
from orgair.costs.pricing import ModelPrice, PriceTable, format_instant
from orgair.dal.costs import line_sk
from orgair.parquet import Column, Value, write_parquet
from orgair.records.costs import LedgerLine

FOCUS_VERSION: Final = "1.0"
TOKEN_TYPES: Final = ("input", "cached_input", "cache_write", "output")
PROVIDER_NAMES: Final = {"openai": "OpenAI", "anthropic": "Anthropic"}
SERVICE_NAMES: Final = {"openai": "OpenAI API", "anthropic": "Anthropic API"}
PRICING_UNIT: Final = "1M Tokens"
RESERVATION_UNIT: Final = "Reservation"

COLUMNS: Final = (
    Column("BilledCost", "decimal", nullable=False, scale=6),
    Column("BillingAccountId", "string", nullable=False),
    Column("BillingAccountName", "string", nullable=True),
    Column("BillingCurrency", "string", nullable=False),
    Column("BillingPeriodEnd", "timestamp", nullable=False),
    Column("BillingPeriodStart", "timestamp", nullable=False),
    Column("ChargeCategory", "string", nullable=False),
    Column("ChargeClass", "string", nullable=True),
    Column("ChargeDescription", "string", nullable=True),
    Column("ChargeFrequency", "string", nullable=True),
    Column("ChargePeriodEnd", "timestamp", nullable=False),
    Column("ChargePeriodStart", "timestamp", nullable=False),
    Column("ConsumedQuantity", "decimal", nullable=True, scale=0),
    Column("ConsumedUnit", "string", nullable=True),
    Column("ContractedCost", "decimal", nullable=False, scale=6),
    Column("ContractedUnitPrice", "decimal", nullable=True, scale=6),
    Column("EffectiveCost", "decimal", nullable=False, scale=6),
    Column("InvoiceIssuerName", "string", nullable=False),
    Column("ListCost", "decimal", nullable=False, scale=6),
    Column("ListUnitPrice", "decimal", nullable=True, scale=6),
    Column("PricingCategory", "string", nullable=True),
    Column("PricingQuantity", "decimal", nullable=True, scale=6),
    Column("PricingUnit", "string", nullable=True),
    Column("ProviderName", "string", nullable=False),
    Column("PublisherName", "string", nullable=False),
    Column("ServiceCategory", "string", nullable=False),
    Column("ServiceName", "string", nullable=False),
    Column("SkuId", "string", nullable=True),
    Column("SkuPriceId", "string", nullable=True),
    Column("SubAccountId", "string", nullable=True),
    Column("SubAccountName", "string", nullable=True),
    Column("Tags", "string", nullable=True),
    Column("x_CallId", "string", nullable=False),
    Column("x_LedgerKey", "string", nullable=False),
    Column("x_PriceRowSource", "string", nullable=True),
)
COLUMN_NAMES: Final = tuple(column.name for column in COLUMNS)


@dataclass(frozen=True, slots=True)
class FocusRow:
    """One FOCUS row; money in micro-USD, instants aware UTC, quantities in tokens."""

    billed_micros: int
    tenant_id: str
    purpose: str
    provider: str
    model: str
    sku: str
    tokens: int | None
    price: Decimal | None
    row: ModelPrice | None
    correction: bool
    period_start: datetime
    call_id: str
    ledger_key: str

    def values(self, account_id: str, account_name: str) -> tuple[Value, ...]:
        """The row in COLUMNS order: decimals unscaled (micro-USD, tokens), instants in ms."""
        start, end = _period_millis(self.period_start)
        unit: str | None = PRICING_UNIT
        unit_price: int | None = None if self.price is None else _scaled(self.price)
        # tokens / 10^6 "1M Tokens" at scale 6 is the token count itself
        pricing_quantity = None if self.tokens is None or self.price is None else self.tokens
        if self.sku.endswith("/reserved"):
            # charged at its reservation: one "Reservation" at the billed amount
            unit, unit_price, pricing_quantity = RESERVATION_UNIT, self.billed_micros, MICROS_PER_USD
        what = "correction of " if self.correction else ""
        return (
            self.billed_micros,
            account_id,
            account_name,
            "USD",
            end,
            start,
            "Usage",
            "Correction" if self.correction else None,
            f"{what}{self.model} {self.sku.rpartition('/')[2].replace('_', ' ')} tokens ({self.purpose})",
            "Usage-Based",
            end,
            start,
            None if self.correction else self.tokens,
            None if self.correction else "Tokens",
            self.billed_micros,
            unit_price,
            self.billed_micros,
            PROVIDER_NAMES[self.provider],
            self.billed_micros,
            unit_price,
            "Standard",
            pricing_quantity,
            unit if pricing_quantity is not None else None,
            PROVIDER_NAMES[self.provider],
            PROVIDER_NAMES[self.provider],
            "AI and Machine Learning",
            SERVICE_NAMES[self.provider],
            self.sku,
            None if self.row is None else f"{self.row.row_id}/{self.sku.rpartition('/')[2]}",
            self.tenant_id,
            self.tenant_id,
            _tags(self.purpose, self.tenant_id),
            self.call_id,
            self.ledger_key,
            None if self.row is None else self.row.source,
        )


def _millis(instant: datetime) -> int:
    return int(instant.astimezone(UTC).timestamp()) * 1000


@lru_cache(maxsize=64)
def _period_millis(period_start: datetime) -> tuple[int, int]:
    """The day's start and end in ms (every row of a day has the same period)."""
    return _millis(period_start), _millis(period_start + timedelta(days=1))


@lru_cache(maxsize=4096)
def _tags(purpose: str, tenant_id: str) -> str:
    return json.dumps({"purpose": purpose, "tenant": tenant_id}, sort_keys=True, separators=(",", ":"))


def _scaled(price_per_million: Decimal) -> int:
    """A USD-per-million price at scale 6 (prices have at most 6 decimals)."""
    scaled = MONEY_CONTEXT.multiply(price_per_million, Decimal(MICROS_PER_USD))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"a price per million tokens has at most 6 decimals: {price_per_million}")
    return int(scaled)


def _token_counts(line: LedgerLine) -> dict[str, int]:
    usage = line.usage
    return {
        "input": usage.input_tokens,
        "cached_input": usage.cached_input_tokens,
        "cache_write": usage.cache_write_tokens,
        "output": usage.output_tokens,
    }


def _unit_price(row: ModelPrice, token_type: str) -> Decimal:
    prices: dict[str, Decimal] = {
        "input": row.input,
        "cached_input": row.cached_input,
        "cache_write": row.cache_write,
        "output": row.output,
    }
    return prices[token_type]


def allocate(exact_parts: Sequence[Decimal], total: int) -> list[int]:
    """Whole micro-dollars per part, summing to `total` exactly: floors, then the difference one
    micro-dollar at a time to the largest remainders (to the smallest, when taking back)."""
    floors = [
        int(part.to_integral_value(rounding=ROUND_FLOOR, context=MONEY_CONTEXT)) for part in exact_parts
    ]
    remainders = [part - floor for part, floor in zip(exact_parts, floors, strict=True)]
    difference = total - sum(floors)
    if not floors:
        if difference:
            raise ValueError("a non-zero total needs a part")
        return floors
    order = sorted(range(len(floors)), key=lambda index: (-remainders[index], index))
    if difference < 0:
        order.reverse()
    step = 1 if difference > 0 else -1
    for count in range(abs(difference)):
        floors[order[count % len(order)]] += step
    return floors


def _correction_parts(line: LedgerLine, was: ModelPrice, now: ModelPrice) -> list[tuple[str, Decimal]]:
    counts = _token_counts(line)
    return [
        (kind, Decimal(counts[kind]) * (_unit_price(now, kind) - _unit_price(was, kind)))
        for kind in TOKEN_TYPES
        if counts[kind]
    ]


def focus_rows(lines: Sequence[LedgerLine], day: date, prices: PriceTable) -> list[FocusRow]:
    """The FOCUS rows of one day's lines (see the module docstring for the mapping)."""
    period_start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    charges = {(line.meta.tenant_id, line_sk(line)): line for line in lines if line.kind == "charge"}
    previous_row: dict[tuple[str, str], str | None] = {}
    rows: list[FocusRow] = []
    ordered = sorted(lines, key=lambda line: (line.meta.tenant_id, line_sk(line)))
    for line in ordered:
        key = line_sk(line)
        base = f"{line.provider}/{line.model}"

        def row_of(
            sku: str,
            micros: int,
            tokens: int | None,
            price: Decimal | None,
            priced_by: ModelPrice | None,
            *,
            correction: bool,
            line: LedgerLine = line,
            key: str = key,
        ) -> FocusRow:
            return FocusRow(
                billed_micros=micros,
                tenant_id=line.meta.tenant_id,
                purpose=line.meta.purpose,
                provider=line.provider,
                model=line.model,
                sku=sku,
                tokens=tokens,
                price=price,
                row=priced_by,
                correction=correction,
                period_start=period_start,
                call_id=line.call_id,
                ledger_key=key,
            )

        priced_by = prices.row(line.price_row_id) if line.price_row_id else None
        if line.kind == "correction":
            target = (line.meta.tenant_id, line.corrects or "")
            original = charges.get(target)
            was_id = previous_row.get(target) or (original.price_row_id if original else None)
            previous_row[target] = line.price_row_id
            if priced_by is None or was_id is None:
                rows.append(row_of(f"{base}/correction", line.cost_micros, None, None, None, correction=True))
                continue
            parts = _correction_parts(line, prices.row(was_id), priced_by)
            amounts = allocate([part for _, part in parts], line.cost_micros)
            rows.extend(
                row_of(
                    f"{base}/{kind}", amount, None, _unit_price(priced_by, kind), priced_by, correction=True
                )
                for (kind, _), amount in zip(parts, amounts, strict=True)
            )
            continue
        counts = _token_counts(line)
        metered = (
            priced_by is not None
            and line.status == "settled"
            and not line.anomalous
            and priced_by.cost_micros(line.usage) == line.cost_micros
        )
        if not metered:
            if line.cost_micros or line.usage.total_tokens:
                rows.append(
                    row_of(f"{base}/reserved", line.cost_micros, 0, None, priced_by, correction=False)
                )
            continue
        assert priced_by is not None
        kinds = [kind for kind in TOKEN_TYPES if counts[kind]]
        exact = [Decimal(counts[kind]) * _unit_price(priced_by, kind) for kind in kinds]
        amounts = allocate(exact, line.cost_micros)
        rows.extend(
            row_of(
                f"{base}/{kind}",
                amount,
                counts[kind],
                _unit_price(priced_by, kind),
                priced_by,
                correction=False,
            )
            for kind, amount in zip(kinds, amounts, strict=True)
        )
    return rows


@lru_cache(maxsize=64)
def _instant_text(millis: int) -> str:
    return format_instant(datetime.fromtimestamp(millis / 1000, tz=UTC))


def _string_text(value: Value) -> str:
    if not isinstance(value, str):
        raise TypeError("a string column holds str")
    return value


def _integer(value: Value) -> int:
    if not isinstance(value, int):
        raise TypeError("a decimal or timestamp column holds int")
    return value


def _csv_formatter(column: Column) -> Callable[[Value], str]:
    """How one column's non-null values are written (chosen once per column, not per cell)."""
    if column.kind == "string":
        return _string_text
    if column.kind == "timestamp":
        return lambda value: _instant_text(_integer(value))
    if column.scale == 6:
        return lambda value: format_usd(_integer(value))
    return lambda value: str(_integer(value))


CSV_FORMATTERS: Final = tuple(_csv_formatter(column) for column in COLUMNS)


def to_csv(rows: Sequence[FocusRow], account_id: str, account_name: str) -> bytes:
    """RFC 4180 CSV (CRLF, UTF-8, header row); nulls are empty fields, money 6-place decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerows(
        [
            "" if value is None else formatter(value)
            for value, formatter in zip(row.values(account_id, account_name), CSV_FORMATTERS, strict=True)
        ]
        for row in rows
    )
    return buffer.getvalue().encode("utf-8")


def to_parquet(rows: Sequence[FocusRow], account_id: str, account_name: str) -> bytes:
    return write_parquet(COLUMNS, [row.values(account_id, account_name) for row in rows])


def billed_total(rows: Sequence[FocusRow]) -> int:
    return sum(row.billed_micros for row in rows)
