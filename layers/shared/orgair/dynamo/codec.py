"""Values <-> DynamoDB attribute values for the low-level client, and what DynamoDB can store.

Two ways in, one serializer: whole items of plain values (`to_item`/`from_item`, boto3's
serializer; `record_values` gives a record's), and typed attributes a repository reads and writes field by field (`string`, `number`,
`string_set`; `text`, `optional_text`, `integer`, `strings`). Numbers must be Decimal or int: the
serializer refuses floats, which keeps money and scores exact. `unstorable` names the numbers
DynamoDB cannot hold exactly (38 significant digits, magnitudes from 1e-130 up to 9.99...e125), so callers can refuse
them before a write fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass
from decimal import Clamped, Context, Decimal, DecimalException, Inexact, Overflow, Rounded, Underflow
from functools import cache
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

Attribute = dict[str, Any]
"""One attribute value of the low-level client (`{"S": "..."}`, `{"N": "12"}`, ...)."""
Item = Mapping[str, Any]

SMALLEST_STORABLE: Final = Decimal("1e-130")
"""DynamoDB numbers: 38 significant digits, magnitudes from 1e-130 (boto3's context goes lower)."""

DYNAMODB_NUMBERS: Final = Context(
    Emin=-128, Emax=125, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow]
)
"""DynamoDB's number range: 38 significant digits, magnitudes up to 9.99...E+125 (DynamoDB's
documented maximum). boto3 serialises with Emax=126, so it would send 1E+126, which DynamoDB then
refuses with a ValidationException; this context refuses it before the write."""


@cache
def _serializer() -> TypeSerializer:
    """Created on first use: importing boto3 at module load would cost every cold start ~80 ms."""
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


@cache
def _deserializer() -> TypeDeserializer:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def _attribute(value: Any, serialize: Callable[[Any], Any]) -> Any:
    """`TypeSerializer.serialize(value)`, built directly for exactly str, bool, dict and list (what a
    stored item is mostly made of); numbers and every other type go through the serializer, which
    tries up to six type checks per value first. Measured on a score-like item of ~90 values:
    about half the serializer's time (docs/performance.md, "Warm POST /v2/scores")."""
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is dict:
        return {"M": {key: _attribute(item, serialize) for key, item in value.items()}}
    if kind is list:
        return {"L": [_attribute(item, serialize) for item in value]}
    if kind is bool:
        return {"BOOL": value}
    return serialize(value)


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    serialize = _serializer().serialize
    return {key: _attribute(value, serialize) for key, value in values.items() if value is not None}


def record_values(record: Any) -> dict[str, Any]:
    """A record (a dataclass) as the plain values `to_item` stores: each field by its name, a nested
    record as its own values, a tuple as a list; a field that is None is left out (plain mappings
    are kept as they are, None values and all)."""
    values: dict[str, Any] = {}
    for record_field in fields(record):
        value = getattr(record, record_field.name)
        if value is None:
            continue
        if is_dataclass(value) and not isinstance(value, type):
            value = record_values(value)
        elif isinstance(value, tuple):
            value = list(value)
        values[record_field.name] = value
    return values


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    deserialize = _deserializer().deserialize
    return {key: deserialize(value) for key, value in item.items()}


def to_value(value: Any) -> Any:
    return _serializer().serialize(value)


def storable(value: Decimal | int) -> bool:
    """Whether DynamoDB holds this number exactly (a write of any other fails validation)."""
    number = Decimal(value)
    if number and abs(number) < SMALLEST_STORABLE:
        return False  # a subnormal the context accepts, but DynamoDB refuses (ValidationException)
    try:
        DYNAMODB_NUMBERS.create_decimal(number)
    except DecimalException:
        return False
    return True


def unstorable(value: Any, path: str = "") -> list[str]:
    """The dotted paths of the numbers in a nested mapping that DynamoDB cannot hold exactly."""
    if isinstance(value, Mapping):
        return [
            bad
            for key, item in value.items()
            for bad in unstorable(item, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(value, Decimal) and not storable(value):
        return [path]
    return []


def string(value: str) -> Attribute:
    return {"S": value}


def number(value: int | Decimal) -> Attribute:
    """A number attribute; refuses a bool (an int to Python) and a number DynamoDB cannot store."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError("a DynamoDB number must be an int or a Decimal")
    if not storable(value):
        raise ValueError("DynamoDB cannot store this number exactly")
    return {"N": str(value)}


def string_set(values: Iterable[str]) -> Attribute:
    """A string set, sorted for stable requests; DynamoDB has no empty set, so refuse one here."""
    members = sorted(set(values))
    if not members:
        raise ValueError("DynamoDB cannot store an empty set")
    return {"SS": members}


def text(item: Item, name: str) -> str:
    return str(item[name]["S"])


def optional_text(item: Item, name: str) -> str | None:
    value = item.get(name, {}).get("S")
    return None if value is None else str(value)


def integer(item: Item, name: str) -> int:
    return int(item[name]["N"])


def strings(item: Item, name: str) -> frozenset[str]:
    """A string set attribute; a missing one is the empty set."""
    return frozenset(str(value) for value in item.get(name, {}).get("SS", ()))


def string_list(values: Iterable[str]) -> Attribute:
    """A list of strings, in the order given (unlike a set: may be empty, may repeat)."""
    return {"L": [{"S": value} for value in values]}


def optional_integer(item: Item, name: str) -> int | None:
    value = item.get(name, {}).get("N")
    return None if value is None else int(value)


def texts(item: Item, name: str) -> tuple[str, ...]:
    """A list-of-strings attribute in its order; a missing one is empty."""
    return tuple(str(value["S"]) for value in item.get(name, {}).get("L", ()))


def flag(item: Item, name: str) -> bool:
    """A boolean attribute; a missing one is False."""
    return bool(item.get(name, {}).get("BOOL", False))


def nested(item: Item, name: str) -> Item | None:
    """A map attribute's attributes (read with the same functions), or None when it is missing."""
    value = item.get(name, {}).get("M")
    return None if value is None else dict(value)
