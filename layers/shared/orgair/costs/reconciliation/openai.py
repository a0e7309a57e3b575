"""OpenAI's organization usage and costs of one UTC day, reduced to per-model figures.

- `GET {OPENAI_BASE_URL}/organization/usage/completions?start_time&end_time&bucket_width=1d&group_by=model`:
  daily buckets (`start_time`/`end_time` in Unix seconds) whose `results` carry `model`,
  `input_tokens` (cached tokens included), `input_cached_tokens` and `output_tokens`.
- `GET {OPENAI_BASE_URL}/organization/costs?start_time&end_time&bucket_width=1d&group_by=line_item`:
  daily buckets whose `results` carry `amount: {value, currency}` (`value` in dollars) and a
  `line_item` such as `"gpt-4o-2024-08-06, cached input"`; an item naming no model
  (`"web search tool calls"`) is compared under `(unattributed)`.

Both follow `next_page` while `has_more`. Uncached input = `input_tokens − input_cached_tokens`
(the ledger's `input_tokens` excludes cached ones); OpenAI bills no cache writes.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from pydantic import SecretStr

from orgair.costs.reconciliation.admin_http import pages, results_of
from orgair.costs.reconciliation.figures import (
    UNATTRIBUTED,
    ProviderReportError,
    add_model,
    bounded_amount,
    bounded_tokens,
)
from orgair.records.reconciliations import ModelFigures, Tokens
from orgair.transport import Deadline

MODEL_NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def day_window(day: date) -> tuple[int, int]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return int(start.timestamp()), int((start + timedelta(days=1)).timestamp())


def line_item_model(line_item: Any) -> str:
    """The model a costs line item names (`"<model>, <kind>"`, optionally `"<tier> | <model>, …"`)."""
    if not isinstance(line_item, str) or "," not in line_item:
        return UNATTRIBUTED
    head = line_item.split(",", 1)[0].rsplit("|", 1)[-1].strip()
    return head if MODEL_NAME.match(head) else UNATTRIBUTED


def _model(value: Any, what: str) -> str:
    if value is None:
        return UNATTRIBUTED
    if not isinstance(value, str) or not MODEL_NAME.match(value):
        raise ProviderReportError(f"{what}: 'model' must be a model name")
    return value


def _check_bucket(bucket: Any, start: int, what: str) -> None:
    if not isinstance(bucket, dict) or bucket.get("start_time") != start:
        raise ProviderReportError(f"{what}: a bucket that is not the requested day")


class OpenAIAdmin:
    """Reads one day of an OpenAI organization with an admin key."""

    provider = "openai"

    def __init__(self, base_url: str, key: SecretStr) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._key.get_secret_value()}", "Accept": "application/json"}

    def day(self, day: date, deadline: Deadline) -> dict[str, ModelFigures]:
        start, end = day_window(day)
        figures: dict[str, ModelFigures] = {}
        params: dict[str, Any] = {"start_time": start, "end_time": end, "bucket_width": "1d", "limit": 1}
        what = "openai usage/completions"
        for data in pages(
            f"{self.base_url}/organization/usage/completions",
            {**params, "group_by": "model"},
            self._headers(),
            deadline,
            what,
        ):
            for bucket in data:
                _check_bucket(bucket, start, what)
                for result in results_of(bucket, what):
                    total_input = bounded_tokens(result.get("input_tokens"), f"{what} input_tokens")
                    cached = bounded_tokens(
                        result.get("input_cached_tokens", 0), f"{what} input_cached_tokens"
                    )
                    if cached > total_input:
                        raise ProviderReportError(f"{what}: input_cached_tokens exceed input_tokens")
                    tokens = Tokens(
                        input=total_input - cached,
                        cached_input=cached,
                        output=bounded_tokens(result.get("output_tokens"), f"{what} output_tokens"),
                    )
                    add_model(figures, _model(result.get("model"), what), tokens=tokens)
        what = "openai costs"
        for data in pages(
            f"{self.base_url}/organization/costs",
            {**params, "group_by": "line_item"},
            self._headers(),
            deadline,
            what,
        ):
            for bucket in data:
                _check_bucket(bucket, start, what)
                for result in results_of(bucket, what):
                    amount = result.get("amount")
                    if not isinstance(amount, dict) or str(amount.get("currency", "")).lower() != "usd":
                        raise ProviderReportError(f"{what}: 'amount' must be a USD amount")
                    value = amount.get("value")
                    if not isinstance(value, Decimal | int) or isinstance(value, bool):
                        raise ProviderReportError(f"{what}: 'amount.value' must be a number")
                    add_model(
                        figures,
                        line_item_model(result.get("line_item")),
                        amount_usd=bounded_amount(value, f"{what} amount.value"),
                    )
        return figures
