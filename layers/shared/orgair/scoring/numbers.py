"""Decimal helpers and the numeric input types every scoring model shares.

Scores must be recomputable by an analyst with a calculator, so every step runs on `Decimal` in one
fixed context with explicit 4-dp half-up rounding; binary floats never take part in the arithmetic.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, PlainSerializer, WithJsonSchema
from pydantic.json_schema import JsonSchemaMode, JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from orgair.jsontypes import number_value

_AS_JSON_NUMBER = core_schema.plain_serializer_function_ser_schema(number_value, when_used="json")
"""Decimals validated here leave the service as JSON numbers (see orgair.jsontypes)."""

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
MINUS_ONE = Decimal(-1)
Q4 = Decimal("0.0001")

SCORING_CONTEXT = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
"""Python's default decimal context, pinned so a changed thread context can never move a score."""


def q4(value: Decimal) -> Decimal:
    """Round to 4 decimal places, half up: the one rounding rule of the specification."""
    return value.quantize(Q4, ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal = ZERO, high: Decimal = HUNDRED) -> Decimal:
    """Bound `value` to [low, high]; the default interval is the score range [0, 100]."""
    if value < low:
        return low
    if value > high:
        return high
    return value


def clamp_unit(value: Decimal) -> Decimal:
    """Bound to [0, 1], the range of the penalty and talent-risk multipliers."""
    return clamp(value, ZERO, ONE)


def clamp_signed_unit(value: Decimal) -> Decimal:
    """Bound to [-1, 1], the range of the position-factor terms."""
    return clamp(value, MINUS_ONE, ONE)


def _plain(value: Decimal) -> str:
    """Render a bound the way a person writes it (0.8, 100), never in exponent form."""
    return format(value.normalize(), "f")


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def to_decimal(value: object) -> Decimal:
    """Accept a finite JSON number (int, float or Decimal) and return it as an exact Decimal.

    Floats go through `repr` so 0.12 stays 0.12 instead of its binary expansion; booleans and strings
    are refused because JSON `true` or `"80"` where a number belongs is a client bug, not a score.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _not_finite(value)
        result = Decimal(repr(float(value)))
    elif isinstance(value, int) and not isinstance(value, bool):
        return Decimal(int(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_finite(value)
        result = value
    else:
        raise _not_a_number(value)
    if result.is_zero() and result.is_signed():
        return result.copy_abs()
    return result


def _not_a_number(value: object) -> PydanticCustomError:
    return PydanticCustomError("number_type", "must be a number, not {kind}", {"kind": _type_name(value)})


def _not_finite(value: object) -> PydanticCustomError:
    return PydanticCustomError(
        "number_not_finite",
        "must be a finite number; NaN and Infinity are not allowed (got {value})",
        {"value": str(value)},
    )


class PlainMetadata(ABC):
    """Pydantic metadata that validates with its own `validate` (a plain validator, no coercion by
    pydantic) and documents itself with `json_schema`; a number validated to `Decimal` says
    `as_json_number` and is serialised as a JSON number."""

    __slots__ = ()
    as_json_number: ClassVar[bool] = False

    @abstractmethod
    def validate(self, value: object) -> Any:
        """The value as the model holds it, or a PydanticCustomError naming what is wrong."""

    @abstractmethod
    def json_schema(self, mode: JsonSchemaMode) -> JsonSchemaValue:
        """The JSON Schema this metadata documents (OpenAPI)."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        serialization = _AS_JSON_NUMBER if self.as_json_number else None
        return core_schema.no_info_plain_validator_function(self.validate, serialization=serialization)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return self.json_schema(handler.mode)


@dataclass(frozen=True, slots=True)
class NumberIn(PlainMetadata):
    """Pydantic metadata: a finite number inside a domain, validated to `Decimal`.

    Out-of-domain values are refused with a message naming the domain; nothing is clamped, because a
    silently corrected input would make the score describe a company that was never submitted.
    """

    as_json_number: ClassVar[bool] = True
    low: Decimal | None
    high: Decimal | None
    low_open: bool = False
    description: str = field(init=False)

    def __post_init__(self) -> None:
        if self.low is not None and self.high is not None:
            opener = "greater than" if self.low_open else "from"
            closer = "up to and including" if self.low_open else "to"
            text = f"must be a number {opener} {_plain(self.low)} {closer} {_plain(self.high)}"
        elif self.low is not None:
            text = f"must be a number {'greater than' if self.low_open else 'of at least'} {_plain(self.low)}"
        else:
            text = "must be a number"
        object.__setattr__(self, "description", text)

    def validate(self, value: object) -> Decimal:
        number = to_decimal(value)
        low, high = self.low, self.high
        below = low is not None and (number <= low if self.low_open else number < low)
        if below or (high is not None and number > high):
            raise PydanticCustomError(
                "number_out_of_range",
                "{domain} (got {value})",
                {"domain": self.description, "value": str(number)},
            )
        return number

    def json_schema(self, mode: JsonSchemaMode) -> JsonSchemaValue:
        result: dict[str, Any] = {"type": "number", "description": self.description}
        if self.low is not None:
            result["exclusiveMinimum" if self.low_open else "minimum"] = number_value(self.low)
        if self.high is not None:
            result["maximum"] = number_value(self.high)
        return result


def number_in(low: str | None, high: str | None, *, low_open: bool = False) -> NumberIn:
    """Build the metadata from decimal literals so domains are written as the spec writes them."""
    return NumberIn(
        None if low is None else Decimal(low), None if high is None else Decimal(high), low_open=low_open
    )


@dataclass(frozen=True, slots=True)
class NumberOneOf(PlainMetadata):
    """Pydantic metadata: a number equal to one of a few allowed values, returned in canonical form."""

    as_json_number: ClassVar[bool] = True
    allowed: tuple[Decimal, ...]

    def validate(self, value: object) -> Decimal:
        number = to_decimal(value)
        for candidate in self.allowed:
            if number == candidate:
                return candidate
        raise PydanticCustomError(
            "number_not_allowed",
            "must be one of {allowed} (got {value})",
            {"allowed": ", ".join(str(a) for a in self.allowed), "value": str(number)},
        )

    def json_schema(self, mode: JsonSchemaMode) -> JsonSchemaValue:
        allowed = [number_value(a) for a in self.allowed]
        if mode == "serialization":
            # What a response carries: always one of the allowed values, documented as a plain number
            # because generated clients cannot parse a union of number constants.
            return {"type": "number", "description": f"one of {', '.join(str(a) for a in allowed)}"}
        return {"type": "number", "enum": allowed}


@dataclass(frozen=True, slots=True)
class NonNegativeInteger(PlainMetadata):
    """Pydantic metadata: a JSON integer ≥ 0; booleans, floats (even 3.0) and strings are refused."""

    def validate(self, value: object) -> int:
        if type(value) is not int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise PydanticCustomError(
                    "integer_type",
                    "must be an integer of at least 0, not {kind}",
                    {"kind": _type_name(value)},
                )
            value = int(value)
        if value < 0:
            raise PydanticCustomError(
                "integer_out_of_range", "must be an integer of at least 0 (got {value})", {"value": value}
            )
        return value

    def json_schema(self, mode: JsonSchemaMode) -> JsonSchemaValue:
        return {"type": "integer", "minimum": 0}


@dataclass(frozen=True, slots=True)
class CaseInsensitiveChoice(PlainMetadata):
    """Pydantic metadata: one member of a `StrEnum`, matched case-insensitively; errors list the members."""

    choices: type[StrEnum]
    by_lower: dict[str, StrEnum] = field(init=False)
    listing: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_lower", {m.value.lower(): m for m in self.choices})
        object.__setattr__(self, "listing", ", ".join(m.value for m in self.choices))

    def validate(self, value: object) -> StrEnum:
        if isinstance(value, self.choices):
            return value
        if isinstance(value, str):
            member = self.by_lower.get(value.lower())
            if member is not None:
                return member
        raise PydanticCustomError(
            "choice_not_allowed",
            "must be one of: {allowed} (got {value})",
            {"allowed": self.listing, "value": repr(value)},
        )

    def json_schema(self, mode: JsonSchemaMode) -> JsonSchemaValue:
        return {
            "type": "string",
            "enum": [m.value for m in self.choices],
            "description": "matched case-insensitively",
        }


@dataclass(frozen=True, slots=True)
class Identifier(PlainMetadata):
    """Pydantic metadata: a 1–64 character identifier of letters, digits, '.', '_' and '-'."""

    pattern: re.Pattern[str] = field(default=re.compile(r"[A-Za-z0-9._-]{1,64}"))

    def validate(self, value: object) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError(
                "identifier_type", "must be a string, not {kind}", {"kind": _type_name(value)}
            )
        if self.pattern.fullmatch(value) is None:
            raise PydanticCustomError(
                "identifier_pattern",
                "must be 1 to 64 characters, each a letter, digit, '.', '_' or '-'",
            )
        return value

    def json_schema(self, mode: JsonSchemaMode) -> JsonSchemaValue:
        return {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9._-]+$"}


def decimal_sum(values: Iterable[Decimal]) -> Decimal:
    """Sum starting from Decimal zero so an empty or all-Decimal sequence never meets an int."""
    total = ZERO
    for value in values:
        total += value
    return total


Score = Annotated[Decimal, number_in("0", "100")]
"""A score on the 0–100 scale."""

UnitFraction = Annotated[Decimal, number_in("0", "1")]
"""A fraction in [0, 1]."""

NonNegativeInt = Annotated[int, NonNegativeInteger()]
"""A count: JSON integer ≥ 0."""

Reported = Annotated[
    Decimal,
    PlainSerializer(number_value, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number"}),
]
"""A reported Decimal: the HTTP layer renders it as a JSON number, and the schema says so."""
