"""Anthropic's Usage & Cost Admin API for one UTC day, reduced to per-model figures.

- `GET {ANTHROPIC_BASE_URL}/v1/organizations/usage_report/messages?starting_at&ending_at&bucket_width=1d&group_by[]=model`:
  daily buckets (`starting_at`/`ending_at`, RFC 3339) whose `results` carry `model`,
  `uncached_input_tokens`, `cache_read_input_tokens`, `cache_creation` split by TTL
  (`ephemeral_5m_input_tokens`, `ephemeral_1h_input_tokens`) and `output_tokens`.
- `GET {ANTHROPIC_BASE_URL}/v1/organizations/cost_report?starting_at&ending_at&bucket_width=1d&group_by[]=description`:
  daily buckets whose `results` carry `amount` — a decimal string in cents (`"123.45"` is $1.23) —
  `currency` (`USD`) and `model` (null for costs that are not tokens: compared under `(unattributed)`).

Both need `x-api-key` (an admin key) and `anthropic-version`, and follow `next_page` while `has_more`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from pydantic import SecretStr

from orgair.costs.money import MONEY_CONTEXT
from orgair.costs.reconciliation.admin_http import pages, results_of
from orgair.costs.reconciliation.figures import (
    UNATTRIBUTED,
    ProviderReportError,
    add_model,
    bounded_amount,
    bounded_tokens,
)
from orgair.costs.reconciliation.openai import MODEL_NAME
from orgair.records.reconciliations import ModelFigures, Tokens
from orgair.transport import ANTHROPIC_VERSION, Deadline

CENTS_PER_USD: Final = Decimal(100)


def _rfc3339(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _starts_at(bucket: Any, start: datetime, what: str) -> None:
    text = bucket.get("starting_at") if isinstance(bucket, dict) else None
    try:
        ok = isinstance(text, str) and len(text) <= 40 and datetime.fromisoformat(text) == start
    except ValueError:
        ok = False
    if not ok:
        raise ProviderReportError(f"{what}: a bucket that is not the requested day")


def usd_of_cents(cents: str, what: str) -> Decimal:
    """A cost report amount (a decimal string in cents) as exact, bounded USD."""
    if len(cents) > 40:
        raise ProviderReportError(f"{what}: 'amount' is too long")
    try:
        value = Decimal(cents)
    except ArithmeticError:
        raise ProviderReportError(f"{what}: 'amount' must be a decimal string of cents") from None
    if not value.is_finite():
        raise ProviderReportError(f"{what}: 'amount' must be finite")
    return bounded_amount(MONEY_CONTEXT.divide(value, CENTS_PER_USD), f"{what} amount")


def _model(value: Any, what: str) -> str:
    if value is None:
        return UNATTRIBUTED
    if not isinstance(value, str) or not MODEL_NAME.match(value):
        raise ProviderReportError(f"{what}: 'model' must be a model name")
    return value


class AnthropicAdmin:
    """Reads one day of an Anthropic organization with an admin key."""

    provider = "anthropic"

    def __init__(self, base_url: str, key: SecretStr) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key

    def _headers(self) -> dict[str, str]:
        return {
            "x-api-key": self._key.get_secret_value(),
            "anthropic-version": ANTHROPIC_VERSION,
            "Accept": "application/json",
        }

    def day(self, day: date, deadline: Deadline) -> dict[str, ModelFigures]:
        start = datetime.combine(day, time(), tzinfo=UTC)
        params: dict[str, Any] = {
            "starting_at": _rfc3339(start),
            "ending_at": _rfc3339(start + timedelta(days=1)),
            "bucket_width": "1d",
            "limit": 1,
        }
        figures: dict[str, ModelFigures] = {}
        what = "anthropic usage_report/messages"
        for data in pages(
            f"{self.base_url}/v1/organizations/usage_report/messages",
            {**params, "group_by[]": "model"},
            self._headers(),
            deadline,
            what,
        ):
            for bucket in data:
                _starts_at(bucket, start, what)
                for result in results_of(bucket, what):
                    creation = result.get("cache_creation", {})
                    if not isinstance(creation, dict):
                        raise ProviderReportError(f"{what}: 'cache_creation' must be an object")
                    tokens = Tokens(
                        input=bounded_tokens(
                            result.get("uncached_input_tokens"), f"{what} uncached_input_tokens"
                        ),
                        cached_input=bounded_tokens(
                            result.get("cache_read_input_tokens", 0), f"{what} cache_read_input_tokens"
                        ),
                        cache_write_5m=bounded_tokens(
                            creation.get("ephemeral_5m_input_tokens", 0), f"{what} ephemeral_5m_input_tokens"
                        ),
                        cache_write_1h=bounded_tokens(
                            creation.get("ephemeral_1h_input_tokens", 0), f"{what} ephemeral_1h_input_tokens"
                        ),
                        output=bounded_tokens(result.get("output_tokens"), f"{what} output_tokens"),
                    )
                    add_model(figures, _model(result.get("model"), what), tokens=tokens)
        what = "anthropic cost_report"
        for data in pages(
            f"{self.base_url}/v1/organizations/cost_report",
            {**params, "group_by[]": "description"},
            self._headers(),
            deadline,
            what,
        ):
            for bucket in data:
                _starts_at(bucket, start, what)
                for result in results_of(bucket, what):
                    cents = result.get("amount")
                    if not isinstance(cents, str):
                        raise ProviderReportError(f"{what}: 'amount' must be a decimal string of cents")
                    if str(result.get("currency", "USD")).upper() != "USD":
                        raise ProviderReportError(f"{what}: 'currency' must be USD")
                    add_model(
                        figures, _model(result.get("model"), what), amount_usd=usd_of_cents(cents, what)
                    )
        return figures
