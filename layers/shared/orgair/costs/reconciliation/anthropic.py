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

from orgair.costs.money import MONEY_CONTEXT
from orgair.costs.reconciliation.admin_http import AdminReports
from orgair.costs.reconciliation.figures import (
    ProviderReportError,
    add_model,
    bounded_amount,
    bounded_tokens,
    model_of,
)
from orgair.records.reconciliations import ModelFigures, Tokens
from orgair.transport import ANTHROPIC_VERSION, Deadline

CENTS_PER_USD: Final = Decimal(100)


def _rfc3339(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _starts_at(bucket: Any, start: datetime) -> bool:
    text = bucket.get("starting_at")
    try:
        return isinstance(text, str) and len(text) <= 40 and datetime.fromisoformat(text) == start
    except ValueError:
        return False


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


def _tokens(result: Any, what: str) -> Tokens:
    """A usage result's tokens: uncached input, cache reads, cache writes by TTL, output."""
    creation = result.get("cache_creation", {})
    if not isinstance(creation, dict):
        raise ProviderReportError(f"{what}: 'cache_creation' must be an object")
    return Tokens(
        input=bounded_tokens(result.get("uncached_input_tokens"), f"{what} uncached_input_tokens"),
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


class AnthropicAdmin(AdminReports):
    """Reads one day of an Anthropic organization with an admin key."""

    provider = "anthropic"

    def headers(self) -> dict[str, str]:
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

        def is_the_day(bucket: Any) -> bool:
            return _starts_at(bucket, start)

        figures: dict[str, ModelFigures] = {}
        what = "anthropic usage_report/messages"
        usage = {**params, "group_by[]": "model"}
        path = "/v1/organizations/usage_report/messages"
        for result in self.day_results(path, usage, deadline, what, is_the_day):
            add_model(figures, model_of(result.get("model"), what), tokens=_tokens(result, what))
        what = "anthropic cost_report"
        costs = {**params, "group_by[]": "description"}
        for result in self.day_results("/v1/organizations/cost_report", costs, deadline, what, is_the_day):
            cents = result.get("amount")
            if not isinstance(cents, str):
                raise ProviderReportError(f"{what}: 'amount' must be a decimal string of cents")
            if str(result.get("currency", "USD")).upper() != "USD":
                raise ProviderReportError(f"{what}: 'currency' must be USD")
            add_model(figures, model_of(result.get("model"), what), amount_usd=usd_of_cents(cents, what))
        return figures
