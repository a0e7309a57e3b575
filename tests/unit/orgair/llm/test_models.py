"""Model capabilities are configuration (data/models.json), and the degraded model must be cheaper."""

from __future__ import annotations

from typing import Any

import pytest
from orgair.costs.pricing import price_table
from orgair.errors import ConfigurationError
from orgair.llm.models import model_capabilities, parse_capabilities, require_cheaper


def test_the_default_and_fallback_models_take_schemas_natively_and_the_may_2024_gpt_4o_does_not() -> None:
    capabilities = model_capabilities()

    assert capabilities.structured_outputs("gpt-4o-2024-08-06")
    assert capabilities.structured_outputs("claude-sonnet-4-20250514")
    assert not capabilities.structured_outputs("gpt-4o-2024-05-13")
    assert not capabilities.structured_outputs("a-model-nobody-listed")


def test_every_model_with_a_capability_is_priced() -> None:
    assert model_capabilities().structured <= set(price_table().rows)


@pytest.mark.parametrize(
    "document",
    [
        {"models": {}},
        {"version": "", "models": {}},
        {"version": "v", "models": {"gpt-4o": {"structured_outputs": "yes"}}},
        {"version": "v", "models": {"gpt-4o": {}}},
        {"version": "v", "models": []},
    ],
)
def test_a_malformed_capability_table_is_a_configuration_error(document: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        parse_capabilities(document)


def test_a_cheaper_degraded_model_or_none_or_the_default_itself_is_accepted() -> None:
    table = price_table()

    require_cheaper("gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06", table)
    require_cheaper(None, "gpt-4o-2024-08-06", table)
    require_cheaper("gpt-4o-2024-08-06", "gpt-4o-2024-08-06", table)


@pytest.mark.parametrize("degraded", ["claude-sonnet-4-20250514", "gpt-4o-2024-11-20", "o1"])
def test_a_degraded_model_as_dear_or_dearer_than_the_default_is_refused_naming_the_setting(
    degraded: str,
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        require_cheaper(degraded, "gpt-4o-2024-08-06", price_table())

    assert str(caught.value).startswith("invalid configuration: DEGRADED_LLM_MODEL: must be cheaper")
    assert degraded not in str(caught.value)
