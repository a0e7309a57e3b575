"""The shipped price table: versioned, complete for the configured models, exact Decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from orgair.costs.pricing import PriceTable, input_token_bound, parse_price_table, price_table, require_priced
from orgair.errors import ConfigurationError, UnknownModelPrice
from orgair.settings import load_settings
from support.costs import at


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
    for price in (row for rows in price_table().rows.values() for row in rows):
        assert price.input > 0
        assert price.output > 0
        assert price.cached_input <= price.input


def test_an_unpriced_model_is_a_422_not_a_zero_price() -> None:
    with pytest.raises(UnknownModelPrice) as refused:
        price_table().price("gpt-9-ultra")
    assert refused.value.status == 422
    assert refused.value.errors[0].field == "model"


def _row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "effective_from": "2026-01-01T00:00:00Z",
        "source": "example.com/pricing, read 2026-01-01",
        "input": "1",
        "cached_input": "1",
        "output": "1",
    }
    row.update(overrides)
    return row


def _dated_table() -> PriceTable:
    return parse_price_table(
        {
            "version": "v2",
            "models": {
                "m": {
                    "provider": "openai",
                    "rows": [
                        _row(input="2.00"),
                        _row(
                            effective_from="2026-03-03T00:00:00Z", input="3.00", source="announced 2026-03-01"
                        ),
                    ],
                }
            },
        }
    )


def test_a_call_is_priced_by_the_row_in_force_at_its_instant() -> None:
    table = _dated_table()
    assert table.price("m", at("2026-03-02T23:59:59")).input == Decimal("2.00")
    assert table.price("m", at("2026-03-03T00:00:00")).input == Decimal("3.00")
    assert table.price("m", at("2026-03-02T12:00:00")).row_id == "m@2026-01-01T00:00:00Z"
    assert table.row("m@2026-03-03T00:00:00Z").source == "announced 2026-03-01"


def test_a_model_whose_first_row_starts_tomorrow_is_unpriced_today() -> None:
    table = _dated_table()
    with pytest.raises(UnknownModelPrice):
        table.price("m", at("2025-12-31T23:59:59"))
    assert not table.priced_at("m", at("2025-12-31T23:59:59"))


def test_require_priced_is_date_aware_and_names_the_setting_only() -> None:
    settings = load_settings()
    require_priced({"DEFAULT_LLM_MODEL": settings.DEFAULT_LLM_MODEL}, at=at("2026-03-02T00:00:00"))
    with pytest.raises(ConfigurationError) as refused:
        require_priced({"DEFAULT_LLM_MODEL": settings.DEFAULT_LLM_MODEL}, at=at("2020-01-01T00:00:00"))
    assert "DEFAULT_LLM_MODEL" in str(refused.value)
    assert settings.DEFAULT_LLM_MODEL not in str(refused.value)


def test_every_shipped_row_names_its_source_and_rows_only_move_forward() -> None:
    for rows in price_table().rows.values():
        assert all(row.source for row in rows)
        assert [row.effective_from for row in rows] == sorted({row.effective_from for row in rows})


def test_an_appended_row_must_start_after_the_last_one() -> None:
    table = _dated_table()
    earlier = table.row("m@2026-01-01T00:00:00Z")
    with pytest.raises(ConfigurationError):
        table.with_row(earlier, "v3")


@pytest.mark.parametrize(
    "document",
    [
        {"version": "", "models": {"m": {}}},
        {"version": "v", "models": {"m": {"provider": "cohere", "rows": [_row()]}}},
        {"version": "v", "models": {"m": {"provider": "openai", "rows": [_row(input=1.5)]}}},
        {"version": "v", "models": {"m": {"provider": "openai", "rows": [_row(input="-1")]}}},
        {"version": "v", "models": {"m": {"provider": "openai", "rows": []}}},
        {"version": "v", "models": {"m": {"provider": "openai", "rows": [_row(source="")]}}},
        {
            "version": "v",
            "models": {"m": {"provider": "openai", "rows": [_row(effective_from="2026-03-01")]}},
        },
        {
            "version": "v",
            "models": {
                "m": {
                    "provider": "openai",
                    "rows": [
                        _row(effective_from="2026-03-02T00:00:00Z"),
                        _row(effective_from="2026-03-01T00:00:00Z"),
                    ],
                }
            },
        },
    ],
    ids=["no-version", "provider", "float", "negative", "no-rows", "no-source", "date-only", "unordered"],
)
def test_a_malformed_price_table_stops_the_container(document: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        parse_price_table(document)


def test_the_input_bound_is_characters_over_three_plus_overheads() -> None:
    assert input_token_bound(["abc" * 100]) == 100 + 8 + 16
    assert input_token_bound(["a", "b"]) == 1 + 1 + 2 * 8 + 16
