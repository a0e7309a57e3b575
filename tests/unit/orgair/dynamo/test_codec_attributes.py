"""orgair.dynamo.codec: items serialise exactly as boto3's TypeSerializer does, fast path or not."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeSerializer
from orgair.dynamo.codec import from_item, to_item


class Colour(StrEnum):
    RED = "red"


ITEM: dict[str, Any] = {
    "pk": "TENANT#t#COMPANY#c",
    "flag": True,
    "off": False,
    "count": 7,
    "score": Decimal("71.2345"),
    "negative": Decimal("-0.0001"),
    "skipped": None,
    "enum": Colour.RED,
    "nested": {
        "none": None,
        "list": [1, "two", Decimal("3.5"), None, True, {"deep": ["x", {"y": Decimal(1)}]}],
        "tuple": ("a", 1),
        "empty_map": {},
        "empty_list": [],
        "text": "",
    },
    "strings": {"a", "b"},
    "numbers": {1, Decimal("2.5")},
    "blob": b"\x00\x01",
    "binary": Binary(b"\x02"),
}


def test_an_item_serialises_as_the_boto3_serializer_does_and_top_level_nones_are_left_out() -> None:
    serialize = TypeSerializer().serialize
    expected = {key: serialize(value) for key, value in ITEM.items() if value is not None}

    assert to_item(ITEM) == expected
    assert "skipped" not in to_item(ITEM)
    assert to_item(ITEM)["nested"]["M"]["none"] == {"NULL": True}


def test_an_item_reads_back_as_written() -> None:
    written = {
        key: value for key, value in ITEM.items() if value is not None and key not in {"blob", "binary"}
    }
    read = from_item(to_item(written))

    assert read["nested"]["list"][5] == {"deep": ["x", {"y": Decimal(1)}]}
    assert read["score"] == Decimal("71.2345")
    assert read["flag"] is True


@pytest.mark.parametrize(
    "value",
    [1.5, {"inner": [0.1]}, Decimal("NaN"), {"inner": Decimal("Infinity")}, Decimal("1." + "1" * 40)],
)
def test_floats_non_finite_and_too_precise_numbers_are_refused_however_deep(value: Any) -> None:
    with pytest.raises((TypeError, ArithmeticError)) as expected:
        TypeSerializer().serialize(value)
    with pytest.raises(type(expected.value)):
        to_item({"value": value})
