"""LOCAL_MODEL_PRICES prices a local model (Ollama, llama.cpp, vLLM) in development only: it adds
models to the shipped table, never re-prices one, marks its version, and is refused in staging and
production, so a deployment's refusal of unpriced models is unchanged."""

from __future__ import annotations

import json

import pytest
from orgair.costs.pricing import (
    Usage,
    effective_price_table,
    price_table,
    require_priced,
    with_local_prices,
)
from orgair.errors import ConfigurationError
from orgair.settings import get_settings

LLAMA = "llama3.1:8b"
ROW = {"provider": "openai", "input": "0.10", "cached_input": "0.10", "output": "0.40"}


def test_a_local_row_adds_a_model_and_marks_the_table_version() -> None:
    table = with_local_prices(price_table(), {LLAMA: ROW})

    assert table.version == price_table().version + "+local"
    assert table.price(LLAMA).provider == "openai"
    assert table.price(LLAMA).cost_micros(Usage(input_tokens=1_000_000, output_tokens=500_000)) == 300_000
    assert table.price("gpt-4o") == price_table().price("gpt-4o")


def test_a_local_row_cannot_reprice_a_shipped_model() -> None:
    with pytest.raises(ConfigurationError, match="gpt-4o: already priced by pricing table"):
        with_local_prices(price_table(), {"gpt-4o": {**ROW, "input": "0"}})


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({**ROW, "provider": "ollama"}, "provider must be one of"),
        ({**ROW, "input": "cheap"}, "not a decimal"),
        ({**ROW, "output": "-1"}, "non-negative"),
    ],
)
def test_a_malformed_local_row_is_a_configuration_error_naming_the_setting(
    row: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match="LOCAL_MODEL_PRICES") as raised:
        with_local_prices(price_table(), {LLAMA: row})
    assert message in str(raised.value)


def test_without_local_rows_the_shipped_table_is_used_unchanged() -> None:
    assert effective_price_table({}) is price_table()


def test_require_priced_accepts_a_locally_priced_model_only_with_its_table() -> None:
    models = {"DEFAULT_LLM_MODEL": LLAMA}
    with pytest.raises(ConfigurationError, match="DEFAULT_LLM_MODEL: no price"):
        require_priced(models)

    require_priced(models, effective_price_table({LLAMA: ROW}))


def test_development_settings_accept_local_prices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCAL_MODEL_PRICES", json.dumps({LLAMA: ROW}))

    assert get_settings().LOCAL_MODEL_PRICES == {LLAMA: ROW}


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_shared_environments_refuse_local_prices(monkeypatch: pytest.MonkeyPatch, environment: str) -> None:
    monkeypatch.setenv("APP_ENV", environment)
    monkeypatch.setenv("SECRET_KEY", "a-shared-environment-secret-key-of-length")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-shared-environment-key")
    monkeypatch.setenv("LOCAL_MODEL_PRICES", json.dumps({LLAMA: ROW}))

    with pytest.raises(
        ConfigurationError, match=f"LOCAL_MODEL_PRICES: local model prices are refused in {environment}"
    ):
        get_settings()


def test_settings_refuse_a_local_row_that_reprices_a_shipped_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCAL_MODEL_PRICES", json.dumps({"gpt-4o-mini": {**ROW, "output": "0"}}))

    with pytest.raises(ConfigurationError, match="LOCAL_MODEL_PRICES: gpt-4o-mini: already priced"):
        get_settings()
