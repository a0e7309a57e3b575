"""Settings: defaults, every validation rule, and secrets never leaking into errors or reprs."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from orgair.errors import ConfigurationError
from orgair.settings import DEV_SECRET_KEY, get_settings, load_settings
from support.configuration import refused_settings

GOOD_SECRET = "a-production-secret-key-of-enough-length-42"
OPENAI_SECRET = "sk-test-openai-secret-value-123456"


def test_defaults_are_valid_and_money_is_decimal() -> None:
    settings = load_settings()
    assert Decimal("500") == settings.DAILY_COST_BUDGET_USD
    assert isinstance(settings.DAILY_COST_BUDGET_USD, Decimal)
    assert settings.DEFAULT_LLM_MODEL == "gpt-4o-2024-08-06"
    assert settings.FALLBACK_LLM_MODEL == "claude-sonnet-4-20250514"
    assert sum(settings.dimension_weights) == Decimal("1.00")


def test_get_settings_is_cached_until_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    first = get_settings()
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "42")
    assert get_settings() is first
    get_settings.cache_clear()
    assert get_settings().RATE_LIMIT_PER_MINUTE == 42


def test_dimension_weights_not_summing_to_one_name_the_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("W_TALENT", "0.5")
    message = refused_settings()
    assert "W_TALENT" in message
    assert "dimension weights must sum to 1" in message
    assert "\\n" not in message


def test_individual_weights_not_summing_to_one_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="W_FLUENCY, W_DOMAIN, W_ADAPTIVE: individual weights"):
        load_settings(W_FLUENCY=Decimal("0.5"))


def test_weights_within_tolerance_are_accepted() -> None:
    settings = load_settings(W_CULTURE=Decimal("0.1009"))
    assert Decimal("0.1009") == settings.W_CULTURE


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ALPHA_VR_WEIGHT", "0.54"),
        ("ALPHA_VR_WEIGHT", "0.71"),
        ("BETA_SYNERGY_WEIGHT", "0.21"),
        ("LAMBDA_PENALTY", "0.51"),
        ("DELTA_POSITION", "0.09"),
        ("EBITDA_GAMMA", "0.06"),
        ("BETA_SYNERGY_COEF", "0.04"),
        ("GAMMA_EXPERIENCE", "0.26"),
        ("HITL_SCORE_CHANGE_THRESHOLD", "31"),
        ("HITL_EBITDA_PROJECTION_THRESHOLD", "4"),
        ("DAILY_COST_BUDGET_USD", "-1"),
        ("COST_ALERT_THRESHOLD_PCT", "1.5"),
    ],
)
def test_parameters_outside_their_range_are_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, field: str, value: str
) -> None:
    monkeypatch.setenv(field, value)
    with pytest.raises(ConfigurationError, match=field):
        get_settings()


def test_production_refuses_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_SECRET)
    with pytest.raises(ConfigurationError, match="DEBUG: must be false"):
        get_settings()


def test_production_requires_a_long_secret_key_and_an_llm_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "too-short")
    message = refused_settings()
    assert "SECRET_KEY: must be set to at least 32 characters" in message
    assert "at least one LLM key is required" in message
    assert "too-short" not in message


def test_production_refuses_the_development_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "anthropic-secret-value")
    monkeypatch.setenv("SECRET_KEY", DEV_SECRET_KEY)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        get_settings()


def test_valid_production_configuration_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "anthropic-secret-value")
    assert get_settings().APP_ENV == "production"


def test_openai_key_must_start_with_sk_and_the_error_hides_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "pk-leaky-secret-value")
    with pytest.raises(ConfigurationError) as raised:
        get_settings()
    assert "OPENAI_API_KEY: must start with 'sk-'" in str(raised.value)
    assert "leaky-secret-value" not in str(raised.value)
    assert raised.value.__cause__ is None


def test_secrets_are_masked_in_repr_str_and_logs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "anthropic-secret-value")
    settings = get_settings()
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("settings loaded: %s %r", settings, settings.model_dump())
    rendered = repr(settings) + str(settings) + caplog.text
    for secret in (GOOD_SECRET, OPENAI_SECRET, "anthropic-secret-value", DEV_SECRET_KEY):
        assert secret not in rendered
    assert settings.OPENAI_API_KEY is not None
    assert settings.OPENAI_API_KEY.get_secret_value() == OPENAI_SECRET


def test_cors_origins_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example.com, https://b.example.com")
    assert get_settings().CORS_ORIGINS == ["https://a.example.com", "https://b.example.com"]


def test_a_structured_setting_reads_json_from_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECTOR_HR_BASELINES", '{"technology": 72, "retail": "61.5"}')
    assert {"technology": Decimal(72), "retail": Decimal("61.5")} == get_settings().SECTOR_HR_BASELINES


def test_a_structured_setting_that_is_not_json_names_the_setting_not_its_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECTOR_HR_BASELINES", "technology=72-private")
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert str(raised.value) == "invalid configuration: SECTOR_HR_BASELINES: is not valid JSON"


def test_variables_are_read_by_their_exact_name_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("app_env", "production")
    monkeypatch.setenv("Daily_Cost_Budget_Usd", "1")
    settings = load_settings()
    assert settings.APP_ENV == "development"
    assert Decimal(500) == settings.DAILY_COST_BUDGET_USD


def test_explicit_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAILY_COST_BUDGET_USD", "250")
    assert Decimal(100) == load_settings(DAILY_COST_BUDGET_USD="100").DAILY_COST_BUDGET_USD


def test_secret_is_fetched_from_ssm_by_parameter_name_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    monkeypatch.setenv("OPENAI_API_KEY_SSM_PARAMETER", "/orgair/test/openai")
    with mock_aws():
        import boto3

        boto3.client("ssm", region_name="us-east-1").put_parameter(
            Name="/orgair/test/openai", Value=OPENAI_SECRET, Type="SecureString"
        )
        settings = get_settings()
        assert settings.OPENAI_API_KEY is None
        value = settings.secret("OPENAI_API_KEY")
    assert value is not None
    assert value.get_secret_value() == OPENAI_SECRET
    assert OPENAI_SECRET not in repr(settings)


def test_secret_is_fetched_from_secrets_manager_by_id(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    monkeypatch.setenv("SECRET_KEY_SECRET_ID", "orgair/test/secret-key")
    with mock_aws():
        import boto3

        boto3.client("secretsmanager", region_name="us-east-1").create_secret(
            Name="orgair/test/secret-key", SecretString=GOOD_SECRET
        )
        assert get_settings().signing_key() == GOOD_SECRET.encode()


def test_production_accepts_secrets_configured_by_reference_without_reading_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY_SSM_PARAMETER", "/orgair/prod/secret-key")
    monkeypatch.setenv("ANTHROPIC_API_KEY_SSM_PARAMETER", "/orgair/prod/anthropic")
    monkeypatch.setenv("OPENAI_API_KEY_SSM_PARAMETER", "")
    settings = get_settings()
    assert settings.configured("SECRET_KEY")
    assert not settings.configured("OPENAI_API_KEY")


def test_a_fetched_secret_is_checked_like_a_direct_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY_SSM_PARAMETER", "/orgair/prod/secret-key")
    monkeypatch.setenv("OPENAI_API_KEY_SSM_PARAMETER", "/orgair/prod/openai")
    with mock_aws():
        import boto3

        ssm = boto3.client("ssm", region_name="us-east-1")
        ssm.put_parameter(Name="/orgair/prod/secret-key", Value="short-secret", Type="SecureString")
        ssm.put_parameter(Name="/orgair/prod/openai", Value="pk-wrong-prefix-secret", Type="SecureString")
        settings = get_settings()
        with pytest.raises(ConfigurationError, match="SECRET_KEY: must be set to at least 32") as short:
            settings.signing_key()
        with pytest.raises(ConfigurationError, match="OPENAI_API_KEY: must start with 'sk-'") as prefix:
            settings.secret("OPENAI_API_KEY")
    assert "short-secret" not in str(short.value)
    assert "wrong-prefix-secret" not in str(prefix.value)


def test_an_unreadable_secret_is_a_configuration_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    monkeypatch.setenv("ANTHROPIC_API_KEY_SSM_PARAMETER", "/orgair/missing")
    with mock_aws(), pytest.raises(ConfigurationError, match="ANTHROPIC_API_KEY: could not be read"):
        get_settings().secret("ANTHROPIC_API_KEY")


def test_development_signs_cursors_with_the_development_key() -> None:
    assert get_settings().signing_key() == DEV_SECRET_KEY.encode()
