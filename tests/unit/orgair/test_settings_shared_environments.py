"""Staging, like production, never signs pagination cursors with the development key that is in the
source: without its own SECRET_KEY (directly or by SSM/Secrets Manager reference) it refuses to start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from orgair.errors import ConfigurationError
from orgair.settings import DEV_SECRET_KEY, Settings, get_settings

STAGING_SECRET = "a-staging-secret-key-of-enough-length-42"


@pytest.fixture(autouse=True)
def staging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from aws_lambda_powertools.utilities.parameters import clear_caches

    monkeypatch.setenv("APP_ENV", "staging")
    # Powertools declares clear_caches() without annotations.
    clear_caches()  # type: ignore[no-untyped-call]  # fetched secrets are cached for 5 minutes by name
    yield
    clear_caches()  # type: ignore[no-untyped-call]


def test_staging_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(
        ConfigurationError, match="SECRET_KEY: must be set to at least 32 characters in staging"
    ):
        get_settings()


@pytest.mark.parametrize("value", [DEV_SECRET_KEY, "too-short"])
def test_staging_refuses_the_development_key_and_short_keys(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SECRET_KEY", value)

    with pytest.raises(ConfigurationError, match="SECRET_KEY") as raised:
        get_settings()
    assert value not in str(raised.value)


@contextmanager
def settings_with_ssm_secret(monkeypatch: pytest.MonkeyPatch, secret: str) -> Iterator[Settings]:
    """The settings of a staging whose SECRET_KEY is `secret` in its SSM parameter (moto's SSM, live
    while the block runs)."""
    from moto import mock_aws

    monkeypatch.setenv("SECRET_KEY_SSM_PARAMETER", "/orgair/staging/secret-key")
    with mock_aws():
        import boto3

        ssm = boto3.client("ssm", region_name="us-east-1")
        ssm.put_parameter(Name="/orgair/staging/secret-key", Value=secret, Type="SecureString")
        yield get_settings()


def test_staging_signs_cursors_with_the_key_from_its_ssm_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    with settings_with_ssm_secret(monkeypatch, STAGING_SECRET) as settings:
        assert settings.signing_key() == STAGING_SECRET.encode()
        assert settings.signing_key() != DEV_SECRET_KEY.encode()


def test_staging_refuses_the_development_key_fetched_from_ssm(monkeypatch: pytest.MonkeyPatch) -> None:
    with (
        settings_with_ssm_secret(monkeypatch, DEV_SECRET_KEY) as settings,
        pytest.raises(
            ConfigurationError, match="SECRET_KEY: must be set to at least 32 characters in staging"
        ),
    ):
        settings.signing_key()


def test_staging_needs_no_llm_key_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", STAGING_SECRET)

    assert get_settings().APP_ENV == "staging"
