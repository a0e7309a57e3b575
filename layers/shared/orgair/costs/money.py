"""Money as integer micro-USD: the one representation stored, summed and compared.

Binary floats never hold an amount (`0.1 + 0.2` is how balances drift to `25.000000000000004`).
DynamoDB stores integers of micro-USD, Python computes with `Decimal` or `int`, the API shows
six-place decimal strings (`"12.345678"`).

Rounding rule (the only one): a cost computed from tokens is the exact `Decimal` sum of
tokens × price-per-million over every token class, rounded **up** once to the whole micro-dollar.
A limit configured in USD is rounded **down** to the micro-dollar. Both errors favour the budget.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from typing import Final

MICROS_PER_USD: Final = 1_000_000
MONEY_CONTEXT: Final = Context(prec=60)
"""Wide enough that no product of tokens and prices is ever rounded before our own rounding step."""

_USD_PATTERN: Final = re.compile(r"^(?P<sign>-?)(?P<whole>\d{1,12})(?:\.(?P<fraction>\d{1,6}))?$")


def ceil_micros(amount_micros: Decimal) -> int:
    """An exact micro-USD amount rounded up to a whole micro-dollar (the cost rounding rule)."""
    return int(amount_micros.to_integral_value(rounding=ROUND_CEILING, context=MONEY_CONTEXT))


def usd_to_micros_floor(amount_usd: Decimal) -> int:
    """A USD limit as micro-USD, rounded down so a limit never admits more than configured."""
    if not amount_usd.is_finite():
        raise ValueError("an amount of money must be finite")
    scaled = MONEY_CONTEXT.multiply(amount_usd, Decimal(MICROS_PER_USD))
    return int(scaled.to_integral_value(rounding=ROUND_FLOOR, context=MONEY_CONTEXT))


def format_usd(amount_micros: int) -> str:
    """The API's rendering of money: a decimal string with exactly six places, never exponent form."""
    sign = "-" if amount_micros < 0 else ""
    whole, fraction = divmod(abs(amount_micros), MICROS_PER_USD)
    return f"{sign}{whole}.{fraction:06d}"


def parse_usd(text: str) -> int:
    """Parse an API money string (at most six places, no exponent, no float) into micro-USD."""
    match = _USD_PATTERN.match(text.strip())
    if match is None:
        raise ValueError("must be a decimal string with at most 6 decimal places, e.g. '12.345678'")
    whole = int(match["whole"])
    fraction = int((match["fraction"] or "").ljust(6, "0"))
    value = whole * MICROS_PER_USD + fraction
    return -value if match["sign"] else value
