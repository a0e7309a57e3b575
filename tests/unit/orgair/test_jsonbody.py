"""The bounded JSON reader: what it refuses, how it names the field, and that its cost stays small."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from orgair.errors import MalformedRequest, OrgairError, ValidationFailed
from orgair.jsonbody import (
    MAX_JSON_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_NUMBER_EXPONENT,
    nesting_depth_exceeds,
    parse_json_body,
)


def refusal(text: str) -> OrgairError:
    with pytest.raises(OrgairError) as caught:
        parse_json_body(text)
    return caught.value


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_plain_json_is_read_with_exact_decimals_and_integers() -> None:
    assert parse_json_body('{"a": 0.1, "b": [1, -2, 1e-7], "c": null, "d": "x"}') == {
        "a": Decimal("0.1"),
        "b": [1, -2, Decimal("1e-7")],
        "c": None,
        "d": "x",
    }


@pytest.mark.parametrize("literal", ["1e999999999", "-1E+999999999", "1.5e401", "1e-401", "1e" + "9" * 5000])
def test_a_number_with_an_exponent_past_the_bound_is_a_422_naming_the_field(literal: str) -> None:
    error = refusal('{"usage": {"tokens": ' + literal + "}}")
    assert isinstance(error, ValidationFailed)
    assert [item.field for item in error.errors] == ["usage.tokens"]
    assert "exponent" in error.errors[0].message


def test_exponents_up_to_the_bound_are_read() -> None:
    bound = MAX_NUMBER_EXPONENT
    assert parse_json_body(f"[1e{bound}, 1e-{bound}, 1e+0000{bound}]") == [
        Decimal(f"1e{bound}"),
        Decimal(f"1e-{bound}"),
        Decimal(f"1e{bound}"),
    ]


@pytest.mark.parametrize(
    "literal",
    ["1" * (MAX_NUMBER_DIGITS + 1), "9" * 5000, "-" + "9" * 100_000, "0." + "1" * MAX_NUMBER_DIGITS],
)
def test_a_number_with_too_many_digits_is_a_422_even_past_pythons_int_string_limit(literal: str) -> None:
    error = refusal("[0, " + literal + "]")
    assert isinstance(error, ValidationFailed)
    assert [item.field for item in error.errors] == ["1"]


def test_a_number_at_the_digit_bound_is_read() -> None:
    assert parse_json_body("9" * MAX_NUMBER_DIGITS) == int("9" * MAX_NUMBER_DIGITS)


@pytest.mark.wallclock
@pytest.mark.parametrize("literal", ["1e999999999", "9" * 100_000, "1e" + "9" * 100_000])
def test_refusing_a_hostile_number_costs_milliseconds(literal: str) -> None:
    started = time.perf_counter()
    refusal('{"n": ' + literal + "}")
    assert time.perf_counter() - started < 0.05


def test_a_duplicate_key_is_malformed_and_named_with_its_path() -> None:
    error = refusal('{"decision": "reject", "x": {"a": 1, "a": 2}, "decision": "approve"}')
    assert isinstance(error, MalformedRequest)
    assert sorted(item.field for item in error.errors) == ["decision", "x.a"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_constants_are_malformed(literal: str) -> None:
    assert isinstance(refusal('{"a": ' + literal + "}"), MalformedRequest)


def test_nesting_at_the_limit_is_read_and_one_deeper_is_refused() -> None:
    assert parse_json_body(nested(MAX_JSON_DEPTH)) is not None
    error = refusal(nested(MAX_JSON_DEPTH + 1))
    assert isinstance(error, MalformedRequest)
    assert "nests deeper" in error.detail


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"a":' * 100_000, "[{" * 50_000 + "}]" * 50_000],
    ids=["unclosed arrays", "closed arrays", "unclosed objects", "mixed"],
)
@pytest.mark.wallclock
def test_nesting_past_the_recursion_limit_is_refused_quickly_without_recursing(text: str) -> None:
    started = time.perf_counter()
    assert isinstance(refusal(text), MalformedRequest)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("text", "deeper"),
    [
        ('{"x": "' + "[" * 100 + '"}', False),
        ('{"x": "\\"' + "[" * 100 + '"}', False),
        ('{"x": "\\\\", "y": ' + nested(MAX_JSON_DEPTH) + "}", True),
        ('{"x": "\\\\\\"[[[[", "y": ' + nested(MAX_JSON_DEPTH - 1) + "}", False),
        ("[" + ",".join([nested(MAX_JSON_DEPTH - 1)] * 1000) + "]", False),
        ("[" + ",".join([nested(MAX_JSON_DEPTH - 1)] * 1000) + "," + nested(MAX_JSON_DEPTH) + "]", True),
    ],
    ids=[
        "brackets in a string",
        "after an escaped quote",
        "after an escaped backslash",
        "mixed escapes",
        "wide",
        "wide, one deep",
    ],
)
def test_depth_ignores_brackets_inside_strings(text: str, deeper: bool) -> None:
    assert nesting_depth_exceeds(text) is deeper


def json_values(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.text(max_size=8)
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def depth_of(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth_of(child) for child in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(child) for child in value), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(value=json_values(), wrap=st.integers(0, 40))
def test_the_depth_scan_agrees_with_the_parsed_documents_depth(value: Any, wrap: int) -> None:
    text = "[" * wrap + json.dumps(value) + "]" * wrap
    assert nesting_depth_exceeds(text) is (depth_of(value) + wrap > MAX_JSON_DEPTH)


@settings(max_examples=300, deadline=None)
@given(value=json_values())
def test_any_shallow_document_without_duplicates_reads_back_as_itself(value: Any) -> None:
    if depth_of(value) <= MAX_JSON_DEPTH:
        assert parse_json_body(json.dumps(value)) == value


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from('[]{}",:\\0123456789eE+-.ntrufalsNI '), max_size=300))
def test_any_text_is_read_or_refused_with_a_4xx(text: str) -> None:
    refused: OrgairError | None = None
    try:
        parse_json_body(text)
    except OrgairError as error:
        refused = error
    assert refused is None or refused.status in (400, 422)
