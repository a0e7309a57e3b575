"""The models a completion may be served by, in order: DEFAULT_LLM_MODEL, then FALLBACK_LLM_MODEL (and
DEGRADED_LLM_MODEL when the gateway degrades), each priced (else 422 before any call) and served by a
provider whose key is configured."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from orgair.costs.ledger import CostLedger
from orgair.errors import DependencyUnavailable
from orgair.llm.models import ModelCapabilities
from orgair.llm.providers import AnthropicMessages, OpenAIChat, ProviderFormat
from orgair.records.costs import Provider
from orgair.settings import Settings


@dataclass(frozen=True, slots=True)
class Candidate:
    model: str
    format: ProviderFormat
    key: SecretStr
    structured: bool
    """The model takes the schema natively (OpenAI strict json_schema, Anthropic forced tool use)."""


class Candidates:
    """The gateway's candidate models: each with its provider's request format and key."""

    def __init__(self, settings: Settings, ledger: CostLedger, capabilities: ModelCapabilities) -> None:
        self._settings = settings
        self._ledger = ledger
        self._capabilities = capabilities
        self._formats: dict[Provider, ProviderFormat] = {
            "openai": OpenAIChat(settings.OPENAI_BASE_URL),
            "anthropic": AnthropicMessages(settings.ANTHROPIC_BASE_URL),
        }

    def model(self, model: str) -> Candidate | None:
        """The model as a candidate: priced (else 422 before any call), None without a configured key."""
        provider = self._ledger.price(model).provider
        key = self._settings.secret("OPENAI_API_KEY" if provider == "openai" else "ANTHROPIC_API_KEY")
        if key is None or not key.get_secret_value():
            return None
        return Candidate(
            model=model,
            format=self._formats[provider],
            key=key,
            structured=self._capabilities.structured_outputs(model),
        )

    def ordered(self) -> list[Candidate]:
        """Default then fallback model, each priced (else 422 before any call) and with a configured key."""
        found = [
            candidate
            for model in dict.fromkeys((self._settings.DEFAULT_LLM_MODEL, self._settings.FALLBACK_LLM_MODEL))
            if (candidate := self.model(model)) is not None
        ]
        if not found:
            raise DependencyUnavailable(
                "No LLM provider is configured: set OPENAI_API_KEY or ANTHROPIC_API_KEY "
                "(in AWS, their *_SSM_PARAMETER names) for the configured models.",
                retry_after_seconds=300,
            )
        return found
