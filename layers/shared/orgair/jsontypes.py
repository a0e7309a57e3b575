"""How Decimals leave the service: scores as JSON numbers, money as 6-place decimal strings.

Pydantic's JSON mode renders every Decimal as a string; these annotated types say per field which
rendering the API contract promises. Python-mode dumps (DynamoDB, tests) keep the Decimal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer

MICRO = Decimal("0.000001")


def number_value(value: Decimal) -> int | float:
    """Integers stay integers; everything else becomes the nearest double (shortest repr in JSON)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


def _money(value: Decimal) -> str:
    return str(value.quantize(MICRO))


JsonNumber = Annotated[Decimal, PlainSerializer(number_value, return_type=float, when_used="json")]
"""A Decimal rendered as a JSON number (scores, ratios)."""

MoneyString = Annotated[Decimal, PlainSerializer(_money, return_type=str, when_used="json")]
"""A USD amount rendered as a decimal string with 6 places ("12.345678"), never a float."""
