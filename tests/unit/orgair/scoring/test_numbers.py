"""Decimal helpers and the shared numeric input types."""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from orgair.scoring.numbers import (
    CaseInsensitiveChoice,
    Identifier,
    NonNegativeInt,
    NumberOneOf,
    Score,
    clamp,
    clamp_signed_unit,
    clamp_unit,
    number_in,
    q4,
    to_decimal,
)
from pydantic import BaseModel, ValidationError


class Colour(StrEnum):
    RED = "red"
    DARK_BLUE = "dark_blue"


class Probe(BaseModel):
    score: Score | None = None
    open_fraction: Annotated[Decimal, number_in("0", "1", low_open=True)] | None = None
    at_least_zero: Annotated[Decimal, number_in("0", None)] | None = None
    level: Annotated[Decimal, NumberOneOf((Decimal("0.90"), Decimal("0.95")))] | None = None
    count: NonNegativeInt | None = None
    colour: Annotated[Colour, CaseInsensitiveChoice(Colour)] | None = None
    ident: Annotated[str, Identifier()] | None = None


def error_of(**fields: object) -> dict[str, object]:
    with pytest.raises(ValidationError) as caught:
        Probe.model_validate(fields)
    errors = caught.value.errors()
    assert len(errors) == 1
    return dict(errors[0])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.00005", "0.0001"),
        ("0.00004999", "0.0000"),
        ("2.50005", "2.5001"),
        ("-0.00005", "-0.0001"),
        ("76.86976", "76.8698"),
        ("0.50244", "0.5024"),
        ("6.09", "6.0900"),
    ],
)
def test_q4_rounds_half_up_to_four_places(value: str, expected: str) -> None:
    result = q4(Decimal(value))
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -4


def test_clamp_helpers_bound_to_their_intervals() -> None:
    assert clamp(Decimal(-1)) == 0
    assert clamp(Decimal(101)) == 100
    assert clamp(Decimal("55.5")) == Decimal("55.5")
    assert clamp(Decimal(3), Decimal(1), Decimal(2)) == 2
    assert clamp_unit(Decimal("1.2")) == 1
    assert clamp_unit(Decimal("-0.1")) == 0
    assert clamp_signed_unit(Decimal("-1.3")) == -1
    assert clamp_signed_unit(Decimal("1.3")) == 1
    assert clamp_signed_unit(Decimal("0.25")) == Decimal("0.25")


def test_float_becomes_its_shortest_decimal_not_its_binary_expansion() -> None:
    assert to_decimal(0.12) == Decimal("0.12")
    assert str(to_decimal(0.12)) == "0.12"
    assert str(to_decimal(1e-7)) == "1E-7"


def test_ints_and_decimals_are_taken_exactly() -> None:
    assert to_decimal(80) == Decimal(80)
    assert to_decimal(10**30) == Decimal(10**30)
    assert to_decimal(Decimal("0.123456789")) == Decimal("0.123456789")


def test_negative_zero_is_normalised_to_zero() -> None:
    assert not to_decimal(-0.0).is_signed()
    assert not to_decimal(Decimal("-0.00")).is_signed()


@pytest.mark.parametrize(
    ("value", "kind"),
    [("80", "a string"), (True, "a boolean"), (False, "a boolean"), ([1], "an array"), ({}, "an object")],
)
def test_non_numbers_are_refused_naming_what_was_sent(value: object, kind: str) -> None:
    error = error_of(score=value)
    assert error["type"] == "number_type"
    assert kind in str(error["msg"])


@pytest.mark.parametrize(
    "value",
    [
        math.nan,
        math.inf,
        -math.inf,
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        Decimal("sNaN"),
    ],
)
def test_nan_and_infinity_are_refused(value: object) -> None:
    error = error_of(score=value)
    assert error["type"] == "number_not_finite"
    assert "NaN and Infinity are not allowed" in str(error["msg"])


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_in_json_are_refused(literal: str) -> None:
    with pytest.raises(ValidationError):
        Probe.model_validate_json(f'{{"score": {literal}}}')


def test_json_numbers_validate_to_exact_decimals() -> None:
    probe = Probe.model_validate_json('{"score": 0.12, "count": 3}')
    assert probe.score == Decimal("0.12")
    assert probe.count == 3


@pytest.mark.parametrize("value", [0, 100, Decimal("0.0"), 99.9999, 50])
def test_score_accepts_its_closed_range(value: object) -> None:
    assert Probe(score=value).score == to_decimal(value)


@pytest.mark.parametrize("value", [-0.0001, 100.0001, 120, -1])
def test_score_outside_range_is_refused_and_message_names_range(value: object) -> None:
    error = error_of(score=value)
    assert error["type"] == "number_out_of_range"
    assert "from 0 to 100" in str(error["msg"])


def test_open_lower_bound_refuses_the_bound_itself() -> None:
    error = error_of(open_fraction=0)
    assert "greater than 0 up to and including 1" in str(error["msg"])
    assert Probe(open_fraction=1).open_fraction == 1
    assert Probe(open_fraction=0.0001).open_fraction == Decimal("0.0001")


def test_lower_bound_only_domain() -> None:
    assert Probe(at_least_zero=10**6).at_least_zero == Decimal(10**6)
    assert "of at least 0" in str(error_of(at_least_zero=-1)["msg"])


def test_one_of_returns_the_canonical_value() -> None:
    assert str(Probe(level=0.9).level) == "0.90"
    assert str(Probe(level=Decimal("0.950")).level) == "0.95"
    error = error_of(level=0.93)
    assert "0.90, 0.95" in str(error["msg"])


@pytest.mark.parametrize(("value", "kind"), [(True, "a boolean"), (3.0, "float"), ("3", "a string")])
def test_count_refuses_non_integers(value: object, kind: str) -> None:
    error = error_of(count=value)
    assert error["type"] == "integer_type"
    assert kind in str(error["msg"])


def test_count_refuses_negative_and_accepts_zero() -> None:
    assert "at least 0" in str(error_of(count=-1)["msg"])
    assert Probe(count=0).count == 0


def test_choice_matches_case_insensitively_and_lists_members_otherwise() -> None:
    assert Probe(colour="DARK_Blue").colour is Colour.DARK_BLUE
    assert Probe(colour=Colour.RED).colour is Colour.RED
    error = error_of(colour="green")
    assert "red, dark_blue" in str(error["msg"])
    assert "red, dark_blue" in str(error_of(colour=1)["msg"])


@pytest.mark.parametrize("value", ["a", "A.b_c-9", "x" * 64])
def test_identifier_accepts_allowed_characters(value: str) -> None:
    assert Probe(ident=value).ident == value


@pytest.mark.parametrize("value", ["", "x" * 65, "a b", "abc\n", "é", "a/b", 12])
def test_identifier_refuses_everything_else(value: object) -> None:
    error_of(ident=value)


def test_json_schema_states_the_domains() -> None:
    props = Probe.model_json_schema()["properties"]
    score = props["score"]["anyOf"][0]
    assert (score["type"], score["minimum"], score["maximum"]) == ("number", 0, 100)
    assert props["open_fraction"]["anyOf"][0]["exclusiveMinimum"] == 0
    assert props["count"]["anyOf"][0] == {"type": "integer", "minimum": 0}
    assert props["colour"]["anyOf"][0]["enum"] == ["red", "dark_blue"]
    assert props["ident"]["anyOf"][0]["maxLength"] == 64


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_float_is_accepted_exactly_when_inside_the_score_range(value: float) -> None:
    exact = Decimal(repr(value))
    if 0 <= exact <= 100:
        assert Probe(score=value).score == exact
    else:
        with pytest.raises(ValidationError):
            Probe(score=value)
