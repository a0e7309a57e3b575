"""The two wire formats, request in and answer out, with no I/O: OpenAI Chat Completions and
Anthropic Messages as their public API references shape them.

The answer is derived from the evidence (the text between orgair's `<<<EVIDENCE` markers, else the
first user message): the same evidence gives the same answer on both providers. A schema comes
from `response_format.json_schema` (OpenAI strict structured outputs), a forced tool's
`input_schema` / `parameters`, or the "JSON Schema:" a prompt embeds (the orgair gateway's way).
Usage is counted like a tokenizer would roughly count it: about four characters a token, plus
per-message overhead, so a longer prompt costs more, the same prompt always the same.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from devtools.localllm.schema import UnsupportedSchema, digest, embedded_schema, instance

CHARS_PER_TOKEN: Final = 4
MESSAGE_OVERHEAD_TOKENS: Final = 4
REQUEST_OVERHEAD_TOKENS: Final = 3
SYSTEM_FINGERPRINT: Final = "fp_orgair_local_standin"
EVIDENCE_START: Final = "<<<EVIDENCE\n"
EVIDENCE_END: Final = "\nEVIDENCE>>>"
INVALID_ANSWER: Final = {"note": "local stand-in: a deliberately invalid answer (failure mode 'invalid')"}


class WireError(Exception):
    """A request the real API would refuse: the status and the provider's own error body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(json.dumps(body))
        self.status = status
        self.body = body


@dataclass(frozen=True, slots=True)
class WireReply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def _text_of(content: Any) -> str:
    """A message's text: a string, or the text of its parts/blocks (OpenAI parts, Anthropic blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, Mapping):
                if isinstance(block.get("text"), str):
                    parts.append(block["text"])
                elif "content" in block:
                    parts.append(_text_of(block["content"]))
                elif "input" in block:
                    parts.append(json.dumps(block["input"], sort_keys=True))
        return "\n".join(parts)
    return ""


def evidence_of(user_texts: list[str]) -> str:
    for text in user_texts:
        start = text.find(EVIDENCE_START)
        end = text.find(EVIDENCE_END, start + len(EVIDENCE_START)) if start != -1 else -1
        if start != -1 and end != -1:
            return text[start + len(EVIDENCE_START) : end]
    return user_texts[0] if user_texts else ""


def _answer(schema: Mapping[str, Any] | None, evidence: str, json_mode: bool) -> Any:
    seed = digest(evidence)
    if schema is not None:
        try:
            return instance(schema, seed=seed, evidence=evidence)
        except UnsupportedSchema:
            pass
    words = len(evidence.split())
    summary = (
        f"Local stand-in answer (not a real model) for {words} word(s) of input, digest {seed.hex()[:12]}."
    )
    return {"answer": summary} if json_mode else summary


def _truncate(text: str, max_tokens: int) -> tuple[str, bool]:
    if tokens(text) <= max_tokens:
        return text, False
    return text[: max_tokens * CHARS_PER_TOKEN], True


def _request_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:24]}"


# ------------------------------------------------------------------ OpenAI Chat Completions


def _openai_error(status: int, message: str, param: str | None, code: str | None = None) -> WireError:
    kind = "invalid_request_error" if status < 500 else "server_error"
    return WireError(status, {"error": {"message": message, "type": kind, "param": param, "code": code}})


def openai_chat(request: Any, *, authorization: str | None, invalid: bool = False) -> WireReply:
    """`POST /v1/chat/completions`. `invalid` answers well-formed JSON that misses the schema."""
    if not authorization or not authorization.startswith("Bearer ") or not authorization[7:].strip():
        raise _openai_error(
            401, "You didn't provide an API key (Authorization: Bearer ...).", None, "invalid_api_key"
        )
    if not isinstance(request, Mapping):
        raise _openai_error(400, "The request body must be a JSON object.", None)
    model = request.get("model")
    if not isinstance(model, str) or not model:
        raise _openai_error(400, "you must provide a model parameter", "model")
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _openai_error(400, "'messages' must be a non-empty array", "messages")
    texts: list[str] = []
    user_texts: list[str] = []
    for index, entry in enumerate(messages):
        if not isinstance(entry, Mapping) or entry.get("role") not in (
            "system",
            "developer",
            "user",
            "assistant",
            "tool",
        ):
            raise _openai_error(400, f"Invalid message at messages[{index}]", f"messages[{index}]")
        text = _text_of(entry.get("content"))
        texts.append(text)
        if entry["role"] == "user":
            user_texts.append(text)
    max_tokens = request.get("max_completion_tokens", request.get("max_tokens"))
    if max_tokens is not None and (
        isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1
    ):
        raise _openai_error(400, "max_completion_tokens must be a positive integer", "max_completion_tokens")
    response_format = request.get("response_format") or {"type": "text"}
    kind = response_format.get("type") if isinstance(response_format, Mapping) else None
    schema: Mapping[str, Any] | None = None
    if kind == "json_schema":
        wrapper = response_format.get("json_schema")
        if not isinstance(wrapper, Mapping) or not isinstance(wrapper.get("schema"), Mapping):
            raise _openai_error(400, "response_format.json_schema.schema is required", "response_format")
        schema = wrapper["schema"]
    elif kind == "json_object":
        if not any("json" in text.lower() for text in texts):
            raise _openai_error(
                400,
                "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
                "messages",
            )
    elif kind != "text":
        raise _openai_error(
            400, "response_format.type must be text, json_object or json_schema", "response_format"
        )
    if schema is None:
        schema = embedded_schema("\n".join(texts))
    evidence = evidence_of(user_texts)
    tool = _forced_openai_tool(request)
    answer: Any = (
        INVALID_ANSWER
        if invalid
        else _answer(
            tool[1] if tool else schema,
            evidence,
            json_mode=kind != "text" or schema is not None or tool is not None,
        )
    )
    output = answer if isinstance(answer, str) else json.dumps(answer)
    output, cut = _truncate(output, max_tokens) if max_tokens else (output, False)
    message: dict[str, Any] = {"role": "assistant", "content": output, "refusal": None}
    finish = "length" if cut else "stop"
    if tool is not None and not cut:
        message["content"] = None
        message["tool_calls"] = [
            {
                "id": _request_id("call_"),
                "type": "function",
                "function": {"name": tool[0], "arguments": output},
            }
        ]
        finish = "tool_calls"
    extra = json.dumps(request.get("tools") or []) if request.get("tools") else ""
    prompt_tokens = (
        REQUEST_OVERHEAD_TOKENS
        + sum(tokens(text) + MESSAGE_OVERHEAD_TOKENS for text in texts)
        + tokens(extra)
    )
    completion_tokens = max(1, tokens(output))
    return WireReply(
        200,
        {
            "id": _request_id("chatcmpl-"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": SYSTEM_FINGERPRINT,
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
                "prompt_tokens_details": {"cached_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0},
            },
        },
        {"x-request-id": _request_id("req_")},
    )


def _forced_openai_tool(request: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    """(name, parameters) of the function tool `tool_choice` forces, if it forces one."""
    tools = [tool for tool in request.get("tools") or [] if isinstance(tool, Mapping)]
    choice = request.get("tool_choice")
    functions = {
        str(tool["function"].get("name")): tool["function"].get("parameters") or {}
        for tool in tools
        if isinstance(tool.get("function"), Mapping)
    }
    if isinstance(choice, Mapping) and isinstance(choice.get("function"), Mapping):
        name = str(choice["function"].get("name"))
        if name not in functions:
            raise _openai_error(400, f"tool_choice names an unknown function {name!r}", "tool_choice")
        return name, functions[name]
    if choice == "required" and functions:
        name = next(iter(functions))
        return name, functions[name]
    return None


# ------------------------------------------------------------------ Anthropic Messages


def _anthropic_error(status: int, kind: str, message: str) -> WireError:
    return WireError(status, {"type": "error", "error": {"type": kind, "message": message}})


def anthropic_messages(
    request: Any, *, api_key: str | None, version: str | None, invalid: bool = False
) -> WireReply:
    """`POST /v1/messages`, with tools: a forced `tool_choice` answers one `tool_use` block."""
    if not api_key:
        raise _anthropic_error(401, "authentication_error", "x-api-key header is required")
    if not version:
        raise _anthropic_error(400, "invalid_request_error", "anthropic-version: header is required")
    if not isinstance(request, Mapping):
        raise _anthropic_error(400, "invalid_request_error", "The request body must be a JSON object.")
    model = request.get("model")
    if not isinstance(model, str) or not model:
        raise _anthropic_error(400, "invalid_request_error", "model: Field required")
    max_tokens = request.get("max_tokens")
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise _anthropic_error(
            400, "invalid_request_error", "max_tokens: Field required (a positive integer)"
        )
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _anthropic_error(400, "invalid_request_error", "messages: at least one message is required")
    texts = [_text_of(request.get("system", ""))]
    user_texts: list[str] = []
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping) or message.get("role") not in ("user", "assistant"):
            raise _anthropic_error(
                400, "invalid_request_error", f"messages.{index}.role: must be 'user' or 'assistant'"
            )
        text = _text_of(message.get("content"))
        texts.append(text)
        if message["role"] == "user":
            user_texts.append(text)
    tools = {
        str(tool.get("name")): tool.get("input_schema") or {}
        for tool in request.get("tools") or []
        if isinstance(tool, Mapping)
    }
    forced = _forced_anthropic_tool(request.get("tool_choice"), tools)
    evidence = evidence_of(user_texts)
    content: list[dict[str, Any]]
    if forced is not None:
        answer = INVALID_ANSWER if invalid else _answer(tools[forced], evidence, json_mode=True)
        output = json.dumps(answer)
        content = [{"type": "tool_use", "id": _request_id("toolu_"), "name": forced, "input": answer}]
        stop = "tool_use"
    else:
        schema = embedded_schema("\n".join(texts))
        answer = INVALID_ANSWER if invalid else _answer(schema, evidence, json_mode=schema is not None)
        output = answer if isinstance(answer, str) else json.dumps(answer)
        output, cut = _truncate(output, max_tokens)
        content = [{"type": "text", "text": output}]
        stop = "max_tokens" if cut else "end_turn"
    extra = json.dumps(request.get("tools")) if request.get("tools") else ""
    input_tokens = (
        REQUEST_OVERHEAD_TOKENS
        + sum(tokens(text) + MESSAGE_OVERHEAD_TOKENS for text in texts)
        + tokens(extra)
    )
    return WireReply(
        200,
        {
            "id": _request_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": max(1, tokens(output)),
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        },
        {"request-id": _request_id("req_")},
    )


def _forced_anthropic_tool(choice: Any, tools: Mapping[str, Any]) -> str | None:
    if not isinstance(choice, Mapping):
        return None
    if choice.get("type") == "tool":
        name = str(choice.get("name"))
        if name not in tools:
            raise _anthropic_error(400, "invalid_request_error", f"tool_choice: unknown tool {name!r}")
        return name
    if choice.get("type") == "any":
        if not tools:
            raise _anthropic_error(400, "invalid_request_error", "tool_choice 'any' needs tools")
        return next(iter(tools))
    return None


def error_reply(provider: str, status: int, *, retry_after: int | None = None) -> WireReply:
    """A 429 or 5xx as that provider shapes it."""
    headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
    if provider == "anthropic":
        kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
        body = _anthropic_error(status, kind, "local stand-in: injected failure").body
    else:
        body = {
            "error": {
                "message": "local stand-in: injected failure",
                "type": "requests" if status == 429 else "server_error",
                "param": None,
                "code": "rate_limit_exceeded" if status == 429 else None,
            }
        }
    return WireReply(status, body, headers)
