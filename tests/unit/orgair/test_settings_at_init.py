"""Settings that could only fail requests are refused when the settings load (at every function's
init), with one line naming the setting and never its value."""

from __future__ import annotations

import pytest
from orgair.settings import load_settings
from support.configuration import refused_settings


@pytest.mark.parametrize("url", ["openai.example/v1", "ftp://api.example", "https://", "http://[::1/v1"])
@pytest.mark.parametrize("setting", ["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"])
def test_a_provider_url_that_cannot_be_called_is_refused_naming_it(setting: str, url: str) -> None:
    message = refused_settings(**{setting: url})

    assert f"{setting}: must be an absolute http(s) URL" in message
    assert url not in message


@pytest.mark.parametrize("table", ["", "qz", "Scores Table", "scores/table", "x" * 256])
@pytest.mark.parametrize(
    "setting",
    [
        "SCORES_TABLE_NAME",
        "REVIEWS_TABLE_NAME",
        "COSTS_TABLE_NAME",
        "IDEMPOTENCY_TABLE_NAME",
        "API_KEYS_TABLE_NAME",
    ],
)
def test_a_table_name_dynamodb_would_refuse_is_refused_naming_it(setting: str, table: str) -> None:
    message = refused_settings(**{setting: table})

    assert f"{setting}: must be 3 to 255 letters" in message
    if table:
        assert table not in message


def test_valid_urls_and_table_names_load() -> None:
    settings = load_settings(
        OPENAI_BASE_URL="http://127.0.0.1:8080/v1",
        ANTHROPIC_BASE_URL="https://api.anthropic.com",
        SCORES_TABLE_NAME="orgair-prod.Scores_v2",
    )

    assert settings.SCORES_TABLE_NAME == "orgair-prod.Scores_v2"


def test_every_bad_setting_is_named_on_the_one_line() -> None:
    message = refused_settings(OPENAI_BASE_URL="nope", COSTS_TABLE_NAME="x", W_TALENT="0.5")

    named = [part.split(":")[0].strip() for part in message.removeprefix("invalid configuration:").split(";")]
    assert "OPENAI_BASE_URL" in named
    assert "COSTS_TABLE_NAME" in named
    assert any("W_TALENT" in name for name in named)
