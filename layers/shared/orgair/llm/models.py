"""What each model can do, as configuration: `data/models.json`, next to (not inside) the price table.

`structured_outputs` says the model takes a schema natively: an OpenAI model gets
`response_format: json_schema` with `strict: true`, an Anthropic model a tool whose `input_schema`
is the schema and a forced `tool_choice`. A model without it (or not listed) is asked for JSON in
the prompt, and an invalid answer takes the repair path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from orgair.costs.pricing import PriceTable, effective_price_table, require_priced
from orgair.errors import ConfigurationError
from orgair.settings import Settings


@dataclass(frozen=True, slots=True)
class ModelCapabilities:
    version: str
    structured: frozenset[str]

    def structured_outputs(self, model: str) -> bool:
        return model in self.structured


def parse_capabilities(document: Mapping[str, Any]) -> ModelCapabilities:
    """Validate the capability document; a malformed one stops the container."""
    version = document.get("version")
    models = document.get("models")
    if not isinstance(version, str) or not version or not isinstance(models, dict):
        raise ConfigurationError("models: a non-empty 'version' and a 'models' object are required")
    structured: set[str] = set()
    for model, entry in models.items():
        flag = entry.get("structured_outputs") if isinstance(entry, dict) else None
        if not isinstance(flag, bool):
            raise ConfigurationError(f"models: {model}.structured_outputs must be true or false")
        if flag:
            structured.add(model)
    return ModelCapabilities(version=version, structured=frozenset(structured))


@lru_cache(maxsize=1)
def model_capabilities() -> ModelCapabilities:
    """The layer's capability table, parsed once per container."""
    text = resources.files("orgair").joinpath("data/models.json").read_text(encoding="utf-8")
    return parse_capabilities(json.loads(text))


def require_cheaper(degraded_model: str | None, default_model: str, prices: PriceTable) -> None:
    """A ConfigurationError when DEGRADED_LLM_MODEL is not cheaper than DEFAULT_LLM_MODEL.

    Both must be priced first (`orgair.costs.pricing.require_priced`). Cheaper means no token class
    dearer (input, cache write, output) and the worst case of a call strictly lower: degrading to a
    model that costs as much would only lower the quality.
    """
    if degraded_model is None or degraded_model == default_model:
        return
    cheap, default = prices.price(degraded_model), prices.price(default_model)
    not_dearer = (
        cheap.input <= default.input
        and cheap.cache_write <= default.cache_write
        and cheap.output <= default.output
    )
    if not not_dearer or cheap.worst_case_micros(1_000, 1_000) >= default.worst_case_micros(1_000, 1_000):
        raise ConfigurationError(
            "invalid configuration: DEGRADED_LLM_MODEL: must be cheaper than DEFAULT_LLM_MODEL "
            f"in pricing table {prices.version}"
        )


def require_configured_models(settings: Settings) -> None:
    """For the assessments function's init: every configured model (default, fallback and, when set,
    degraded) has a price in force, and the degraded model is cheaper than the default one; a
    ConfigurationError otherwise, so a misconfigured deployment fails to start."""
    prices = effective_price_table(settings.LOCAL_MODEL_PRICES)
    models = {
        "DEFAULT_LLM_MODEL": settings.DEFAULT_LLM_MODEL,
        "FALLBACK_LLM_MODEL": settings.FALLBACK_LLM_MODEL,
    }
    if settings.DEGRADED_LLM_MODEL:
        models["DEGRADED_LLM_MODEL"] = settings.DEGRADED_LLM_MODEL
    require_priced(models, prices)
    require_cheaper(settings.DEGRADED_LLM_MODEL, settings.DEFAULT_LLM_MODEL, prices)
