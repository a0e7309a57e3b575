"""The shipped price table: versioned, complete for the configured models, exact Decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from orgair.costs.pricing import input_token_bound, parse_price_table, price_table
from orgair.errors import ConfigurationError, UnknownModelPrice
from orgair.settings import load_settings


def test_the_table_has_a_version_and_prices_both_configured_models() -> None:
    settings = load_settings()
    table = price_table()
    assert table.version
    assert table.price(settings.DEFAULT_LLM_MODEL).provider == "openai"
    assert table.price(settings.FALLBACK_LLM_MODEL).provider == "anthropic"


def test_prices_are_exact_decimals_from_strings() -> None:
    price = price_table().price("gpt-4o-mini")
    assert price.cached_input == Decimal("0.075")
    assert isinstance(price.output, Decimal)


def test_every_model_has_both_token_prices_and_cached_input_is_never_dearer() -> None:
    for price in price_table().prices.values():
        assert price.input > 0
        assert price.output > 0
        assert price.cached_input <= price.input


def test_an_unpriced_model_is_a_422_not_a_zero_price() -> None:
    with pytest.raises(UnknownModelPrice) as refused:
        price_table().price("gpt-9-ultra")
    assert refused.value.status == 422
    assert refused.value.errors[0].field == "model"


@pytest.mark.parametrize(
    "document",
    [
        {"version": "", "models": {"m": {}}},
        {
            "version": "v",
            "models": {"m": {"provider": "cohere", "input": "1", "cached_input": "1", "output": "1"}},
        },
        {
            "version": "v",
            "models": {"m": {"provider": "openai", "input": 1.5, "cached_input": "1", "output": "1"}},
        },
        {
            "version": "v",
            "models": {"m": {"provider": "openai", "input": "-1", "cached_input": "1", "output": "1"}},
        },
    ],
)
def test_a_malformed_price_table_stops_the_container(document: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        parse_price_table(document)


def test_the_input_bound_is_characters_over_three_plus_overheads() -> None:
    assert input_token_bound(["abc" * 100]) == 100 + 8 + 16
    assert input_token_bound(["a", "b"]) == 1 + 1 + 2 * 8 + 16
