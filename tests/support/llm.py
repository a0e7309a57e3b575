"""Provider answers as the real APIs shape them, for respx routes at the HTTP transport level."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
import respx
from orgair.llm.completions import LlmRequest
from orgair.scoring import DIMENSION_NAMES
from orgair.transport import reset_http_client

from support.costs import ANTHROPIC_TEST_URL, OPENAI_TEST_URL

OPENAI_URL = OPENAI_TEST_URL + "/chat/completions"
ANTHROPIC_URL = ANTHROPIC_TEST_URL + "/v1/messages"


def assessment_request(tenant: str = "acme") -> LlmRequest:
    """A tenant's assessment request to the gateway (its prompt and evidence are fixed)."""
    return LlmRequest(
        tenant_id=tenant,
        purpose="assessment",
        correlation_id="corr-1",
        request_id="api-req-1",
        system="You rate readiness.",
        user="Evidence: the company runs a data platform.",
    )


def ratings(scores: int | Sequence[int] = 70) -> dict[str, dict[str, Any]]:
    """The seven dimension ratings a model answers, one score for all or one per dimension in order."""
    values = [scores] * len(DIMENSION_NAMES) if isinstance(scores, int) else list(scores)
    return {
        name: {"score": value, "rationale": f"Evidence on {name}."}
        for name, value in zip(DIMENSION_NAMES, values, strict=True)
    }


@contextmanager
def mocked_providers() -> Iterator[respx.MockRouter]:
    """Every provider call answered by respx routes (an unrouted call fails), on a fresh client."""
    reset_http_client()
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router
    reset_http_client()


def openai_reply(
    content: Any, *, prompt_tokens: int = 1_000, cached: int = 0, completion: int = 200
) -> httpx.Response:
    text = content if isinstance(content, str) else json.dumps(content)
    return httpx.Response(
        200,
        headers={"x-request-id": "req_openai_1"},
        json={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion,
                "total_tokens": prompt_tokens + completion,
                "prompt_tokens_details": {"cached_tokens": cached},
            },
        },
    )


def anthropic_reply(content: Any, *, input_tokens: int = 1_000, output_tokens: int = 200) -> httpx.Response:
    text = content if isinstance(content, str) else json.dumps(content)
    return httpx.Response(
        200,
        headers={"request-id": "req_anthropic_1"},
        json={
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "cache_read_input_tokens": 0,
                "cache_creation_input_tokens": 0,
            },
        },
    )


def provider_error(status: int, retry_after: str | None = None) -> httpx.Response:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return httpx.Response(
        status, headers=headers, json={"error": {"type": "server_error", "message": "unavailable"}}
    )
