"""The codec: typed attributes both ways, and what DynamoDB can hold exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from orgair.dynamo.codec import (
    from_item,
    integer,
    number,
    optional_text,
    storable,
    string,
    string_set,
    strings,
    text,
    to_item,
    unstorable,
)


def test_typed_attributes_read_back_what_was_written() -> None:
    item = {"name": string("acme"), "count": number(42), "scopes": string_set({"b", "a"})}
    assert item == {"name": {"S": "acme"}, "count": {"N": "42"}, "scopes": {"SS": ["a", "b"]}}
    assert text(item, "name") == "acme"
    assert integer(item, "count") == 42
    assert strings(item, "scopes") == frozenset({"a", "b"})
    assert optional_text(item, "missing") is None
    assert strings(item, "missing") == frozenset()


def test_plain_values_round_trip_without_none_and_without_floats() -> None:
    values = {"score": Decimal("71.25"), "company": "acme", "absent": None}
    assert from_item(to_item(values)) == {"score": Decimal("71.25"), "company": "acme"}
    with pytest.raises(TypeError):
        to_item({"score": 71.25})


@pytest.mark.parametrize(
    "value",
    [
        Decimal("1e-131"),
        Decimal("-1e-131"),
        Decimal("1" * 39),
        Decimal("1e127"),
        Decimal("1.5e-130") / 10**10,
    ],
)
def test_numbers_dynamodb_cannot_hold_exactly_are_unstorable(value: Decimal) -> None:
    assert storable(value) is False
    with pytest.raises(ValueError, match="cannot store"):
        number(value)


@pytest.mark.parametrize(
    "value", [0, Decimal(0), Decimal("1e-130"), Decimal("9" * 38), -(10**30), Decimal("0.5")]
)
def test_numbers_within_dynamodbs_limits_are_storable(value: Decimal | int) -> None:
    assert storable(value) is True
    assert number(value) == {"N": str(value)}


def test_unstorable_names_the_path_of_each_bad_number() -> None:
    value = {"a": Decimal("1"), "b": {"c": Decimal("1e-200"), "d": "text"}, "e": Decimal("1" * 40)}
    assert unstorable(value, "company") == ["company.b.c", "company.e"]
    assert unstorable({"a": Decimal(1)}) == []


def test_number_refuses_booleans_and_floats() -> None:
    with pytest.raises(TypeError):
        number(True)
    with pytest.raises(TypeError):
        number(1.5)  # type: ignore[arg-type]


def test_an_empty_set_is_refused_rather_than_failing_the_write() -> None:
    with pytest.raises(ValueError, match="empty set"):
        string_set([])
