"""The versioned, effective-dated price table shipped in the layer, loaded once per container.

Each model has price rows, each in force from its `effective_from` (UTC) until the next row's, with
the `source` it was read from. A call is priced by the row in force when it was admitted, and its
ledger line names that row (`ModelPrice.row_id`, `<model>@<effective_from>`), so any cost can be
recomputed from the prices that applied. Rows are appended, never edited: a late price change is a
new row plus correction lines (`orgair.costs.corrections`), never a rewrite of what was recorded.

A model without a row in force is refused before any call (`UnknownModelPrice`): pricing an unknown
model at zero is how spend disappears from a ledger.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any, Final

from orgair.costs.money import MONEY_CONTEXT, ceil_micros
from orgair.errors import ConfigurationError, FieldError, UnknownModelPrice
from orgair.records.costs import PROVIDERS as PROVIDERS
from orgair.records.costs import Provider as Provider
from orgair.records.costs import Usage as Usage

CHARS_PER_TOKEN_BOUND: Final = 3
"""Input tokens are bounded by characters / 3 (no tokenizer in the layer); a deliberate overestimate."""
MESSAGE_OVERHEAD_TOKENS: Final = 8
REQUEST_OVERHEAD_TOKENS: Final = 16
PRICES_EPOCH: Final = datetime(2000, 1, 1, tzinfo=UTC)
"""The `effective_from` of a price built in code without one (tests, simulations)."""
_INSTANT_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"


def format_instant(instant: datetime) -> str:
    """An aware instant as `2026-03-01T00:00:00Z` (whole seconds, UTC): price row ids and exports."""
    return instant.astimezone(UTC).strftime(_INSTANT_FORMAT)


@lru_cache(maxsize=1024)
def _row_id(model: str, effective_from: datetime) -> str:
    """Formatted once per row: a day's export and restatement look rows up by id per ledger line."""
    return f"{model}@{format_instant(effective_from)}"


def parse_instant(text: str) -> datetime:
    """`2026-03-01T00:00:00Z` as an aware UTC datetime; anything else is a ValueError."""
    return datetime.strptime(text, _INSTANT_FORMAT).replace(tzinfo=UTC)


def _exact_sum(*terms: tuple[int, Decimal]) -> Decimal:
    """Σ tokens × price in micro-USD, in the wide money context so nothing is rounded early."""
    total = Decimal(0)
    for tokens, price in terms:
        total = MONEY_CONTEXT.add(total, MONEY_CONTEXT.multiply(Decimal(tokens), price))
    return total


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """One price row: USD per million tokens of one model, in force from `effective_from` (UTC).

    A million tokens at $p cost p micro-USD per token.
    """

    model: str
    provider: Provider
    input: Decimal
    cached_input: Decimal
    output: Decimal
    cache_write: Decimal
    effective_from: datetime = PRICES_EPOCH
    source: str = ""

    @property
    def row_id(self) -> str:
        """The row's stable id, recorded on every ledger line it priced: `<model>@<effective_from>`."""
        return _row_id(self.model, self.effective_from)

    def cost_micros(self, usage: Usage) -> int:
        """Exact sum over token classes, rounded up once to the micro-dollar (see `money`)."""
        return ceil_micros(
            _exact_sum(
                (usage.input_tokens, self.input),
                (usage.cached_input_tokens, self.cached_input),
                (usage.cache_write_tokens, self.cache_write),
                (usage.output_tokens, self.output),
            )
        )

    def worst_case_micros(self, input_tokens_bound: int, max_output_tokens: int) -> int:
        """The reservation: every input token uncached (or cache-written, if dearer) and full output."""
        dearest_input = max(self.input, self.cache_write)
        return ceil_micros(_exact_sum((input_tokens_bound, dearest_input), (max_output_tokens, self.output)))


@dataclass(frozen=True, slots=True)
class PriceTable:
    """Every model's price rows, oldest first; `price(model, at)` is the row in force at `at`."""

    version: str
    rows: Mapping[str, tuple[ModelPrice, ...]]

    def price(self, model: str, at: datetime | None = None) -> ModelPrice:
        """The row in force at `at` (default: now), or `UnknownModelPrice` (422) — never zero.

        A model whose only rows start later (a price announced for tomorrow) has no price today.
        """
        instant = at or datetime.now(UTC)
        found = None
        for row in self.rows.get(model, ()):
            if row.effective_from <= instant:
                found = row
        if found is None:
            raise UnknownModelPrice(
                f"Model '{model}' has no price in force at {format_instant(instant)} in pricing table "
                f"{self.version}; it cannot be called or recorded.",
                errors=[FieldError("model", "no price is configured for this model")],
            )
        return found

    def row(self, row_id: str) -> ModelPrice:
        """A row by its id (what a ledger line recorded); a ConfigurationError if the table lost it."""
        model, _, _ = row_id.rpartition("@")
        for row in self.rows.get(model, ()):
            if row.row_id == row_id:
                return row
        raise ConfigurationError(f"pricing: row {row_id} is not in pricing table {self.version}")

    def priced_at(self, model: str, at: datetime) -> bool:
        return any(row.effective_from <= at for row in self.rows.get(model, ()))

    def with_row(self, row: ModelPrice, version: str) -> PriceTable:
        """This table plus one appended row (a later `effective_from` than the model's last row)."""
        existing = self.rows.get(row.model, ())
        if existing and row.effective_from <= existing[-1].effective_from:
            raise ConfigurationError(f"pricing: {row.row_id} must start after {existing[-1].row_id}")
        if existing and existing[-1].provider != row.provider:
            raise ConfigurationError(f"pricing: {row.model}.provider cannot change")
        return PriceTable(version=version, rows={**self.rows, row.model: (*existing, row)})


def input_token_bound(texts: Iterable[str]) -> int:
    """Upper bound of the input tokens of a request made of these messages (characters / 3, rounded up)."""
    total = REQUEST_OVERHEAD_TOKENS
    for text in texts:
        total += math.ceil(len(text) / CHARS_PER_TOKEN_BOUND) + MESSAGE_OVERHEAD_TOKENS
    return total


def _price(raw: Any, name: str) -> Decimal:
    if not isinstance(raw, str):
        raise ConfigurationError(f"pricing: {name} must be a decimal string")
    value = Decimal(raw)
    if not value.is_finite() or value < 0:
        raise ConfigurationError(f"pricing: {name} must be a non-negative decimal")
    return value


def _row(model: str, provider: Provider, entry: Any, index: int) -> ModelPrice:
    name = f"{model}.rows[{index}]"
    if not isinstance(entry, dict):
        raise ConfigurationError(f"pricing: {name} must be an object")
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ConfigurationError(f"pricing: {name}.source must name where the price was read")
    try:
        effective_from = parse_instant(str(entry.get("effective_from")))
    except ValueError:
        raise ConfigurationError(
            f"pricing: {name}.effective_from must be like 2026-03-01T00:00:00Z"
        ) from None
    return ModelPrice(
        model=model,
        provider=provider,
        input=_price(entry.get("input"), f"{name}.input"),
        cached_input=_price(entry.get("cached_input"), f"{name}.cached_input"),
        output=_price(entry.get("output"), f"{name}.output"),
        cache_write=_price(entry.get("cache_write", entry.get("input")), f"{name}.cache_write"),
        effective_from=effective_from,
        source=source,
    )


def parse_price_table(document: Mapping[str, Any]) -> PriceTable:
    """Validate the pricing document; a malformed table stops the container instead of mispricing.

    Per model: `provider` and `rows`, each row with `effective_from`, `source` and its prices, in
    strictly increasing `effective_from` order (so each instant has exactly one row in force).
    """
    version = document.get("version")
    models = document.get("models")
    if not isinstance(version, str) or not version or not isinstance(models, dict) or not models:
        raise ConfigurationError("pricing: a non-empty 'version' and 'models' are required")
    table: dict[str, tuple[ModelPrice, ...]] = {}
    for model, entry in models.items():
        provider = entry.get("provider") if isinstance(entry, dict) else None
        if provider not in PROVIDERS:
            raise ConfigurationError(f"pricing: {model}.provider must be one of {', '.join(PROVIDERS)}")
        raw_rows = entry.get("rows")
        if not isinstance(raw_rows, list) or not raw_rows:
            raise ConfigurationError(f"pricing: {model}.rows must be a non-empty list")
        rows = tuple(_row(model, provider, raw, index) for index, raw in enumerate(raw_rows))
        for earlier, later in pairwise(rows):
            if later.effective_from <= earlier.effective_from:
                raise ConfigurationError(f"pricing: {model}.rows must be in increasing effective_from order")
        table[model] = rows
    return PriceTable(version=version, rows=table)


@lru_cache(maxsize=1)
def price_table() -> PriceTable:
    """The layer's price table, parsed once per container."""
    text = resources.files("orgair").joinpath("data/pricing.json").read_text(encoding="utf-8")
    return parse_price_table(json.loads(text))


LOCAL_VERSION_SUFFIX: Final = "+local"


def with_local_prices(table: PriceTable, rows: Mapping[str, Any]) -> PriceTable:
    """`table` plus rows for local models (setting LOCAL_MODEL_PRICES, development only).

    Rows only add models: one naming a model the table prices is a ConfigurationError, so a local
    row can never re-price a provider's model. The version gains "+local", so every ledger line
    priced from this table says so.
    """
    if not rows:
        return table
    if not all(isinstance(row, Mapping) for row in rows.values()):
        raise ConfigurationError("LOCAL_MODEL_PRICES: each model must map to a price row")
    document = {
        model: {
            "provider": row.get("provider"),
            "rows": [
                {
                    **{key: value for key, value in row.items() if key != "provider"},
                    "effective_from": format_instant(PRICES_EPOCH),
                    "source": "LOCAL_MODEL_PRICES (development only)",
                }
            ],
        }
        for model, row in rows.items()
    }
    try:
        added = parse_price_table({"version": table.version, "models": document}).rows
    except (ConfigurationError, ArithmeticError) as error:
        detail = (
            str(error).removeprefix("pricing: ") if isinstance(error, ConfigurationError) else "not a decimal"
        )
        raise ConfigurationError(f"LOCAL_MODEL_PRICES: {detail}") from None
    shipped = sorted(set(added) & set(table.rows))
    if shipped:
        raise ConfigurationError(
            f"LOCAL_MODEL_PRICES: {', '.join(shipped)}: already priced by pricing table {table.version}; "
            "local rows may only add models"
        )
    return PriceTable(version=table.version + LOCAL_VERSION_SUFFIX, rows={**table.rows, **added})


@lru_cache(maxsize=4)
def _with_local_rows(canonical: str) -> PriceTable:
    return with_local_prices(price_table(), json.loads(canonical))


def effective_price_table(local_rows: Mapping[str, Any]) -> PriceTable:
    """The layer's table, plus the settings' local rows when there are any (parsed once per value)."""
    if not local_rows:
        return price_table()
    return _with_local_rows(json.dumps(local_rows, sort_keys=True))


def require_priced(
    models: Mapping[str, str], table: PriceTable | None = None, *, at: datetime | None = None
) -> None:
    """A ConfigurationError naming every setting (never its value) whose model has no price in force.

    `models` maps a setting's name to the model it configures; `at` defaults to now. For a
    function's init: a deployment with a typo in DEFAULT_LLM_MODEL or FALLBACK_LLM_MODEL (or a model
    whose first price only starts tomorrow) fails to start instead of answering every assessment
    with an error while health says 200 (the gateway still refuses per call as well).
    """
    table = table or price_table()
    instant = at or datetime.now(UTC)
    unpriced = [name for name, model in models.items() if not table.priced_at(model, instant)]
    if unpriced:
        raise ConfigurationError(
            f"invalid configuration: {', '.join(unpriced)}: no price in pricing table {table.version}"
        )
