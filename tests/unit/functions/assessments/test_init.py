"""The assessments function refuses to start with a model that has no price, or a degraded model
that is not cheaper than the default."""

from __future__ import annotations

import pytest
from orgair.errors import ConfigurationError
from support.lambda_events import load_function


@pytest.mark.parametrize("setting", ["DEFAULT_LLM_MODEL", "FALLBACK_LLM_MODEL", "DEGRADED_LLM_MODEL"])
def test_an_unpriced_configured_model_fails_the_functions_init_naming_the_setting(
    setting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(setting, "gpt-9-preview")

    with pytest.raises(ConfigurationError) as caught:
        load_function("assessments")

    assert str(caught.value).startswith(f"invalid configuration: {setting}: no price in pricing table")
    assert "gpt-9-preview" not in str(caught.value)


def test_the_configured_default_models_are_priced_so_the_function_starts() -> None:
    module = load_function("assessments")

    assert callable(module.lambda_handler)


def test_a_local_model_priced_by_local_model_prices_lets_the_function_start_in_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEFAULT_LLM_MODEL", "llama3.1:8b")
    monkeypatch.setenv("DEGRADED_LLM_MODEL", "")
    monkeypatch.setenv(
        "LOCAL_MODEL_PRICES",
        '{"llama3.1:8b": {"provider": "openai", "input": "0", "cached_input": "0", "output": "0"}}',
    )

    module = load_function("assessments")

    assert callable(module.lambda_handler)


def test_a_degraded_model_dearer_than_the_default_fails_the_functions_init(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEGRADED_LLM_MODEL", "claude-opus-4-20250514")

    with pytest.raises(ConfigurationError) as caught:
        load_function("assessments")

    assert str(caught.value).startswith("invalid configuration: DEGRADED_LLM_MODEL: must be cheaper")


def test_an_empty_degraded_model_disables_degradation_and_the_function_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEGRADED_LLM_MODEL", "")

    assert callable(load_function("assessments").lambda_handler)
