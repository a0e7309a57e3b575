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

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from orgair.costs.reconciliation.admin_http import AdminReports
from orgair.costs.reconciliation.figures import (
    MODEL_NAME,
    UNATTRIBUTED,
    ProviderReportError,
    add_model,
    bounded_amount,
    bounded_tokens,
    model_of,
)
from orgair.records.reconciliations import ModelFigures, Tokens
from orgair.transport import Deadline


def day_window(day: date) -> tuple[int, int]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return int(start.timestamp()), int((start + timedelta(days=1)).timestamp())


def line_item_model(line_item: Any) -> str:
    """The model a costs line item names (`"<model>, <kind>"`, optionally `"<tier> | <model>, …"`)."""
    if not isinstance(line_item, str) or "," not in line_item:
        return UNATTRIBUTED
    head = line_item.split(",", 1)[0].rsplit("|", 1)[-1].strip()
    return head if MODEL_NAME.match(head) else UNATTRIBUTED


class OpenAIAdmin(AdminReports):
    """Reads one day of an OpenAI organization with an admin key."""

    provider = "openai"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._key.get_secret_value()}", "Accept": "application/json"}

    def day(self, day: date, deadline: Deadline) -> dict[str, ModelFigures]:
        start, end = day_window(day)
        figures: dict[str, ModelFigures] = {}
        params: dict[str, Any] = {"start_time": start, "end_time": end, "bucket_width": "1d", "limit": 1}

        def is_the_day(bucket: Any) -> bool:
            return bool(bucket.get("start_time") == start)

        what = "openai usage/completions"
        usage = {**params, "group_by": "model"}
        for result in self.day_results("/organization/usage/completions", usage, deadline, what, is_the_day):
            total_input = bounded_tokens(result.get("input_tokens"), f"{what} input_tokens")
            cached = bounded_tokens(result.get("input_cached_tokens", 0), f"{what} input_cached_tokens")
            if cached > total_input:
                raise ProviderReportError(f"{what}: input_cached_tokens exceed input_tokens")
            tokens = Tokens(
                input=total_input - cached,
                cached_input=cached,
                output=bounded_tokens(result.get("output_tokens"), f"{what} output_tokens"),
            )
            add_model(figures, model_of(result.get("model"), what), tokens=tokens)
        what = "openai costs"
        costs = {**params, "group_by": "line_item"}
        for result in self.day_results("/organization/costs", costs, deadline, what, is_the_day):
            amount = result.get("amount")
            if not isinstance(amount, dict) or str(amount.get("currency", "")).lower() != "usd":
                raise ProviderReportError(f"{what}: 'amount' must be a USD amount")
            value = amount.get("value")
            if not isinstance(value, Decimal | int) or isinstance(value, bool):
                raise ProviderReportError(f"{what}: 'amount.value' must be a number")
            model = line_item_model(result.get("line_item"))
            add_model(figures, model, amount_usd=bounded_amount(value, f"{what} amount.value"))
        return figures
