"""How Decimals leave the service: scores as JSON numbers, money as 6-place decimal strings.

Pydantic's JSON mode renders every Decimal as a string; these annotated types say per field which
rendering the API contract promises. Python-mode dumps (DynamoDB, tests) keep the Decimal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

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


def plain_json(value: Any) -> Any:
    """A stored structure (Decimals from DynamoDB, tuples) made JSON-ready with numbers as numbers."""
    if isinstance(value, Decimal):
        return number_value(value)
    if isinstance(value, dict):
        return {str(key): plain_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain_json(item) for item in value]
    return value
