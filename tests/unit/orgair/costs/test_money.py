"""Money is integer micro-USD with one rounding rule; its API form is a 6-place string. Properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from orgair.costs.money import (
    ceil_micros,
    format_usd,
    parse_usd,
    usd_to_micros_floor,
)
from orgair.costs.pricing import ModelPrice, Usage

micros = st.integers(min_value=-(10**15), max_value=10**15)
prices = st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False)
tokens = st.integers(min_value=0, max_value=10**7)


@given(micros)
def test_format_then_parse_is_the_identity(amount: int) -> None:
    assert parse_usd(format_usd(amount)) == amount


@given(micros)
def test_formatted_money_has_exactly_six_places_and_equals_the_decimal_value(amount: int) -> None:
    text = format_usd(amount)
    assert len(text.split(".")[1]) == 6
    assert "e" not in text.lower()
    assert Decimal(text) == Decimal(amount) / 1_000_000


@given(st.lists(micros, max_size=50))
def test_sum_of_formatted_amounts_equals_the_formatted_sum(amounts: list[int]) -> None:
    assert sum((Decimal(format_usd(amount)) for amount in amounts), Decimal(0)) == Decimal(
        format_usd(sum(amounts))
    )


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=9, allow_nan=False, allow_infinity=False))
def test_ceil_never_undercharges_and_overcharges_by_less_than_one_micro(exact: Decimal) -> None:
    charged = ceil_micros(exact)
    assert charged >= exact
    assert charged - exact < 1


@given(st.decimals(min_value=0, max_value=10**6, places=9, allow_nan=False, allow_infinity=False))
def test_a_limit_is_never_rounded_up(usd: Decimal) -> None:
    limit = usd_to_micros_floor(usd)
    assert Decimal(limit) <= usd * 1_000_000 < limit + 1


@given(tokens, tokens, tokens, prices, prices, prices)
def test_cost_is_the_exact_token_price_sum_rounded_up_once(
    input_tokens: int, cached: int, output: int, p_in: Decimal, p_cached: Decimal, p_out: Decimal
) -> None:
    price = ModelPrice("m", "openai", p_in, p_cached, p_out, p_in)
    exact = input_tokens * p_in + cached * p_cached + output * p_out
    cost = price.cost_micros(
        Usage(input_tokens=input_tokens, cached_input_tokens=cached, output_tokens=output)
    )
    assert cost >= exact > cost - 1 or cost == exact == 0


@given(tokens, tokens, prices, prices)
def test_the_worst_case_covers_any_usage_within_its_bounds(
    input_bound: int, max_output: int, p_in: Decimal, p_out: Decimal
) -> None:
    price = ModelPrice("m", "openai", p_in, p_in / 2, p_out, p_in)
    worst = price.worst_case_micros(input_bound, max_output)
    assert worst >= price.cost_micros(Usage(input_tokens=input_bound, output_tokens=max_output))
    assert worst >= price.cost_micros(
        Usage(cached_input_tokens=input_bound // 2, output_tokens=max_output // 2)
    )


@pytest.mark.parametrize("text", ["1e3", "0.1234567", "12.", ".5", "NaN", "1,000.00", "  ", "0x10"])
def test_money_strings_that_are_not_plain_six_place_decimals_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="decimal string"):
        parse_usd(text)


def test_the_float_drift_of_naive_balances_cannot_happen() -> None:
    balance = sum((parse_usd("0.100000") for _ in range(250)), 0)
    assert format_usd(balance) == "25.000000"
