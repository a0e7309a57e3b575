"""Plain Python values <-> DynamoDB attribute values for the low-level client.

Numbers must be Decimal or int (the serializer refuses floats, which keeps money and scores exact).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer


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


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    deserialize = _deserializer().deserialize
    return {key: deserialize(value) for key, value in item.items()}


def to_value(value: Any) -> Any:
    return _serializer().serialize(value)
