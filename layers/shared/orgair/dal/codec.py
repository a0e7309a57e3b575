"""Plain Python values <-> DynamoDB attribute values for the low-level client.

Numbers must be Decimal or int (the serializer refuses floats, which keeps money and scores exact).
"""

from __future__ import annotations

from collections.abc import Mapping
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


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    serialize = _serializer().serialize
    return {key: serialize(value) for key, value in values.items() if value is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    deserialize = _deserializer().deserialize
    return {key: deserialize(value) for key, value in item.items()}


def to_value(value: Any) -> Any:
    return _serializer().serialize(value)
