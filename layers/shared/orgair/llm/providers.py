"""Wire formats of the two providers: OpenAI Chat Completions and Anthropic Messages.

Only request building and response reading live here; retries, budgets and fallback are the
gateway's. API keys are read with `get_secret_value()` at the header and nowhere else.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import SecretStr

from orgair.llm.schema import OutputSchema
from orgair.records.costs import Provider, Usage
from orgair.transport import ANTHROPIC_VERSION

Role = Literal["user", "assistant"]


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class HttpRequest:
    url: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Reply:
    """What a provider answered: the text, the usage it will bill, and why it stopped."""

    text: str
    usage: Usage
    finish_reason: str


class MalformedReply(ValueError):
    """A 2xx answer we cannot read (no text or no usage): it may have been billed."""


@dataclass(frozen=True, slots=True)
class Prompt:
    """What one completion asks for, whatever the provider."""

    model: str
    system: str
    messages: Sequence[Message]
    max_tokens: int
    structure: OutputSchema | None


class ProviderFormat(ABC):
    """One provider's wire format: the path under its base URL, its key's headers, the body it is
    asked with and how its answer reads. A request is assembled here, the same way for both."""

    name: Provider
    request_id_header: str
    path: ClassVar[str]

    def __init__(self, base_url: str) -> None:
        self.url = base_url.rstrip("/") + self.path

    def build(
        self,
        model: str,
        system: str,
        messages: Sequence[Message],
        max_tokens: int,
        key: SecretStr,
        structure: OutputSchema | None = None,
    ) -> HttpRequest:
        """The request; with `structure`, the provider's native structured output is asked for."""
        return HttpRequest(
            url=self.url,
            headers={**self.key_headers(key), "Content-Type": "application/json"},
            body=self.body(Prompt(model, system, messages, max_tokens, structure)),
        )

    @abstractmethod
    def key_headers(self, key: SecretStr) -> dict[str, str]:
        """The headers that carry the API key (the only place its value is read)."""

    @abstractmethod
    def body(self, prompt: Prompt) -> dict[str, Any]: ...

    @abstractmethod
    def parse(self, payload: Mapping[str, Any]) -> Reply: ...


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedReply("usage counts must be non-negative integers")
    return value


class OpenAIChat(ProviderFormat):
    """`POST {OPENAI_BASE_URL}/chat/completions`: `response_format` is the strict `json_schema`
    when a structure is given, else `json_object` (the schema is then in the prompt)."""

    name: Provider = "openai"
    request_id_header = "x-request-id"
    path = "/chat/completions"

    def key_headers(self, key: SecretStr) -> dict[str, str]:
        return {"Authorization": f"Bearer {key.get_secret_value()}"}

    def body(self, prompt: Prompt) -> dict[str, Any]:
        structure = prompt.structure
        response_format: dict[str, Any] = (
            {"type": "json_object"}
            if structure is None
            else {
                "type": "json_schema",
                "json_schema": {"name": structure.name, "strict": True, "schema": structure.schema},
            }
        )
        return {
            "model": prompt.model,
            "messages": [{"role": "system", "content": prompt.system}]
            + [{"role": message.role, "content": message.content} for message in prompt.messages],
            "response_format": response_format,
            "max_completion_tokens": prompt.max_tokens,
        }

    def parse(self, payload: Mapping[str, Any]) -> Reply:
        try:
            choice = payload["choices"][0]
            text = choice["message"]["content"]
            usage = payload["usage"]
            prompt = _int(usage["prompt_tokens"])
            details = usage.get("prompt_tokens_details") or {}
            cached = _int(details.get("cached_tokens") or 0)
            output = _int(usage["completion_tokens"])
        except (KeyError, IndexError, TypeError, AttributeError) as error:
            raise MalformedReply(f"unexpected Chat Completions payload: {type(error).__name__}") from None
        if cached > prompt:
            raise MalformedReply("cached tokens exceed prompt tokens")
        return Reply(
            text=text if isinstance(text, str) else "",
            usage=Usage(input_tokens=prompt - cached, cached_input_tokens=cached, output_tokens=output),
            finish_reason=str(choice.get("finish_reason") or ""),
        )


class AnthropicMessages(ProviderFormat):
    """`POST {ANTHROPIC_BASE_URL}/v1/messages` with `x-api-key` and `anthropic-version`; a structure
    is sent as the one tool (`input_schema`) the model is forced to call, and read from `tool_use`."""

    name: Provider = "anthropic"
    request_id_header = "request-id"
    path = "/v1/messages"

    def key_headers(self, key: SecretStr) -> dict[str, str]:
        return {"x-api-key": key.get_secret_value(), "anthropic-version": ANTHROPIC_VERSION}

    def body(self, prompt: Prompt) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": prompt.model,
            "system": prompt.system,
            "max_tokens": prompt.max_tokens,
            "messages": [{"role": message.role, "content": message.content} for message in prompt.messages],
        }
        structure = prompt.structure
        if structure is not None:
            body["tools"] = [
                {
                    "name": structure.name,
                    "description": f"Record the answer as one {structure.name} object.",
                    "input_schema": structure.schema,
                }
            ]
            body["tool_choice"] = {"type": "tool", "name": structure.name}
        return body

    def parse(self, payload: Mapping[str, Any]) -> Reply:
        try:
            blocks = [block for block in payload["content"] if isinstance(block, dict)]
            tool_inputs = [block.get("input") for block in blocks if block.get("type") == "tool_use"]
            if tool_inputs:
                # A forced tool call: the answer is the tool's input, whatever text precedes it.
                text = json.dumps(tool_inputs[0], ensure_ascii=False)
            else:
                text = "".join(str(block.get("text", "")) for block in blocks if block.get("type") == "text")
            usage = payload["usage"]
            result = Usage(
                input_tokens=_int(usage["input_tokens"]),
                cached_input_tokens=_int(usage.get("cache_read_input_tokens") or 0),
                cache_write_tokens=_int(usage.get("cache_creation_input_tokens") or 0),
                output_tokens=_int(usage["output_tokens"]),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise MalformedReply(f"unexpected Messages payload: {type(error).__name__}") from None
        return Reply(text=text, usage=result, finish_reason=str(payload.get("stop_reason") or ""))
