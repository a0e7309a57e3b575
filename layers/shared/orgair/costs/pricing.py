"""The versioned price table shipped in the layer, loaded once per container.

A model without a price is refused before any call (`UnknownModelPrice`): pricing an unknown model at
zero is how spend disappears from a ledger. The table's version id is stamped on every ledger line
so any cost can be recomputed from the prices that were in force.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any, Final, Literal

from orgair.costs.money import MONEY_CONTEXT, ceil_micros
from orgair.errors import ConfigurationError, FieldError, UnknownModelPrice

Provider = Literal["openai", "anthropic"]
PROVIDERS: Final[tuple[Provider, ...]] = ("openai", "anthropic")
CHARS_PER_TOKEN_BOUND: Final = 3
"""Input tokens are bounded by characters / 3 (no tokenizer in the layer); a deliberate overestimate."""
MESSAGE_OVERHEAD_TOKENS: Final = 8
REQUEST_OVERHEAD_TOKENS: Final = 16


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens of one call by price class. `input_tokens` excludes cached and cache-write tokens."""

    input_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0

    def __post_init__(self) -> None:
        for name in ("input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.cached_input_tokens + self.cache_write_tokens + self.output_tokens


def _exact_sum(*terms: tuple[int, Decimal]) -> Decimal:
    """Σ tokens × price in micro-USD, in the wide money context so nothing is rounded early."""
    total = Decimal(0)
    for tokens, price in terms:
        total = MONEY_CONTEXT.add(total, MONEY_CONTEXT.multiply(Decimal(tokens), price))
    return total


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """USD per million tokens of one model. A million tokens at $p cost p micro-USD per token."""

    model: str
    provider: Provider
    input: Decimal
    cached_input: Decimal
    output: Decimal
    cache_write: Decimal

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
    version: str
    prices: Mapping[str, ModelPrice]

    def price(self, model: str) -> ModelPrice:
        """The model's price, or `UnknownModelPrice` (422 / configuration error) — never zero."""
        found = self.prices.get(model)
        if found is None:
            raise UnknownModelPrice(
                f"Model '{model}' has no price in pricing table {self.version}; it cannot be called or recorded.",
                errors=[FieldError("model", "no price is configured for this model")],
            )
        return found


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


def parse_price_table(document: Mapping[str, Any]) -> PriceTable:
    """Validate the pricing document; a malformed table stops the container instead of mispricing."""
    version = document.get("version")
    models = document.get("models")
    if not isinstance(version, str) or not version or not isinstance(models, dict) or not models:
        raise ConfigurationError("pricing: a non-empty 'version' and 'models' are required")
    prices: dict[str, ModelPrice] = {}
    for model, entry in models.items():
        provider = entry.get("provider")
        if provider not in PROVIDERS:
            raise ConfigurationError(f"pricing: {model}.provider must be one of {', '.join(PROVIDERS)}")
        input_price = _price(entry.get("input"), f"{model}.input")
        prices[model] = ModelPrice(
            model=model,
            provider=provider,
            input=input_price,
            cached_input=_price(entry.get("cached_input"), f"{model}.cached_input"),
            output=_price(entry.get("output"), f"{model}.output"),
            cache_write=_price(entry.get("cache_write", entry.get("input")), f"{model}.cache_write"),
        )
    return PriceTable(version=version, prices=prices)


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
    try:
        added = parse_price_table({"version": table.version, "models": dict(rows)}).prices
    except (ConfigurationError, ArithmeticError) as error:
        detail = (
            str(error).removeprefix("pricing: ") if isinstance(error, ConfigurationError) else "not a decimal"
        )
        raise ConfigurationError(f"LOCAL_MODEL_PRICES: {detail}") from None
    shipped = sorted(set(added) & set(table.prices))
    if shipped:
        raise ConfigurationError(
            f"LOCAL_MODEL_PRICES: {', '.join(shipped)}: already priced by pricing table {table.version}; "
            "local rows may only add models"
        )
    return PriceTable(version=table.version + LOCAL_VERSION_SUFFIX, prices={**table.prices, **added})


@lru_cache(maxsize=4)
def _with_local_rows(canonical: str) -> PriceTable:
    return with_local_prices(price_table(), json.loads(canonical))


def effective_price_table(local_rows: Mapping[str, Any]) -> PriceTable:
    """The layer's table, plus the settings' local rows when there are any (parsed once per value)."""
    if not local_rows:
        return price_table()
    return _with_local_rows(json.dumps(local_rows, sort_keys=True))


def require_priced(models: Mapping[str, str], table: PriceTable | None = None) -> None:
    """A ConfigurationError naming every setting (never its value) whose model has no price.

    `models` maps a setting's name to the model it configures. For a function's init: a deployment
    with a typo in DEFAULT_LLM_MODEL or FALLBACK_LLM_MODEL fails to start instead of answering every
    assessment with an error while health says 200 (the gateway still refuses per call as well).
    """
    table = table or price_table()
    unpriced = [name for name, model in models.items() if model not in table.prices]
    if unpriced:
        raise ConfigurationError(
            f"invalid configuration: {', '.join(unpriced)}: no price in pricing table {table.version}"
        )
