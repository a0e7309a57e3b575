"""What both sides of a reconciliation are reduced to: per model, tokens by type and dollars.

Provider reports are untrusted input. Every number is checked before it is added to anything:
token counts are non-negative integers (never booleans, floats or strings) of at most
`MAX_TOKENS`, amounts are finite non-negative decimals of at most `MAX_AMOUNT_USD`, parsed from
the JSON text as `Decimal` (never through a binary float). Anything else is a `ProviderReportError`,
which makes that provider's run an `error` result: never a crash, never an alert.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from orgair.costs.money import MICROS_PER_USD, MONEY_CONTEXT
from orgair.records.reconciliations import ModelFigures, Stage, Tokens

STAGE_LAG_DAYS: Final[dict[Stage, int]] = {"provisional": 1, "close": 2}


MAX_TOKENS: Final = 10**15
"""More tokens than any organisation is billed for in a day; a larger count is a broken report."""
MAX_AMOUNT_USD: Final = Decimal(10**9)
MAX_MODELS: Final = 200
"""Distinct models one provider day may name; more is refused rather than stored unbounded."""
UNATTRIBUTED: Final = "(unattributed)"
"""Where a provider's cost rows that name no model (tool calls, storage, …) are compared."""
MODEL_NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


class ProviderReportError(ValueError):
    """A provider's report could not be read or is out of bounds; the message never holds a secret."""


def bounded_tokens(value: Any, what: str) -> int:
    """A provider's token count: a non-negative JSON integer of at most MAX_TOKENS."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProviderReportError(f"{what}: a token count must be an integer")
    if value < 0 or value > MAX_TOKENS:
        raise ProviderReportError(f"{what}: a token count must be between 0 and {MAX_TOKENS}")
    return value


def model_of(value: Any, what: str) -> str:
    """A report row's `model`: a model name, or UNATTRIBUTED where the row names none (null)."""
    if value is None:
        return UNATTRIBUTED
    if not isinstance(value, str) or not MODEL_NAME.match(value):
        raise ProviderReportError(f"{what}: 'model' must be a model name")
    return value


def bounded_amount(value: Any, what: str) -> Decimal:
    """A provider's amount in USD as an exact Decimal: finite, non-negative, at most MAX_AMOUNT_USD."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ProviderReportError(f"{what}: an amount must be a number")
    if isinstance(value, str) and (len(value) > 40 or not value.strip()):
        raise ProviderReportError(f"{what}: an amount must be a decimal string")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        raise ProviderReportError(f"{what}: an amount must be a decimal number") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT_USD:
        raise ProviderReportError(f"{what}: an amount must be between 0 and {MAX_AMOUNT_USD} USD")
    return amount


def plus(
    figures: ModelFigures, tokens: Tokens | None = None, amount_usd: Decimal | None = None
) -> ModelFigures:
    """`figures` with `tokens` and `amount_usd` added (exact, in the money context)."""
    return replace(
        figures,
        tokens=figures.tokens + tokens if tokens is not None else figures.tokens,
        amount_usd=MONEY_CONTEXT.add(figures.amount_usd, amount_usd)
        if amount_usd is not None
        else figures.amount_usd,
    )


Figures = Mapping[str, ModelFigures]
"""Per model (the provider's model name), one side's figures of one day."""


def add_model(
    figures: dict[str, ModelFigures],
    model: str,
    tokens: Tokens | None = None,
    amount_usd: Decimal | None = None,
) -> None:
    """Add to a model's figures, refusing more than MAX_MODELS distinct models."""
    if model not in figures and len(figures) >= MAX_MODELS:
        raise ProviderReportError(f"more than {MAX_MODELS} models in one day")
    figures[model] = plus(figures.get(model, ModelFigures()), tokens, amount_usd)


def micros_of(amount_usd: Decimal) -> int:
    """An exact USD amount in whole micro-USD, rounded half-even (what is stored and shown)."""
    scaled = MONEY_CONTEXT.multiply(amount_usd, Decimal(MICROS_PER_USD))
    return int(scaled.to_integral_value(context=MONEY_CONTEXT))
