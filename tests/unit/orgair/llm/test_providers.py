"""Wire formats: what we send each provider and how their usage maps onto our price classes."""

from __future__ import annotations

import json

import pytest
from orgair.costs.pricing import Usage
from orgair.llm.providers import AnthropicMessages, MalformedReply, Message, OpenAIChat
from orgair.llm.schema import strict_schema
from orgair.logic.assessments import DimensionRatings
from pydantic import SecretStr


def test_openai_cached_tokens_are_split_out_of_prompt_tokens() -> None:
    reply = OpenAIChat("https://x/v1").parse(
        {
            "choices": [{"message": {"content": "{}"}, "finish_reason": "length"}],
            "usage": {
                "prompt_tokens": 900,
                "completion_tokens": 10,
                "prompt_tokens_details": {"cached_tokens": 300},
            },
        }
    )
    assert reply.usage == Usage(input_tokens=600, cached_input_tokens=300, output_tokens=10)
    assert reply.finish_reason == "length"


def test_anthropic_cache_reads_and_writes_have_their_own_classes() -> None:
    reply = AnthropicMessages("https://x").parse(
        {
            "content": [{"type": "text", "text": "{"}, {"type": "text", "text": "}"}],
            "usage": {
                "input_tokens": 50,
                "output_tokens": 7,
                "cache_read_input_tokens": 20,
                "cache_creation_input_tokens": 5,
            },
        }
    )
    assert reply.text == "{}"
    assert reply.usage == Usage(
        input_tokens=50, cached_input_tokens=20, cache_write_tokens=5, output_tokens=7
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 1}},
        {"choices": [{"message": {"content": "{}"}}]},
        {"choices": [{"message": {"content": "{}"}}], "usage": {"prompt_tokens": -1, "completion_tokens": 1}},
        {
            "choices": [{"message": {"content": "{}"}}],
            "usage": {"prompt_tokens": 1.5, "completion_tokens": 1},
        },
    ],
)
def test_an_unreadable_openai_payload_is_malformed(payload: dict[str, object]) -> None:
    with pytest.raises(MalformedReply):
        OpenAIChat("https://x/v1").parse(payload)


def test_requests_carry_the_model_the_bound_and_the_key_only_in_headers() -> None:
    key = SecretStr("sk-secret")
    openai = OpenAIChat("https://api.test/v1/").build("gpt-4o", "sys", [Message("user", "hi")], 1500, key)
    anthropic = AnthropicMessages("https://anthropic.test").build(
        "claude-sonnet-4-20250514", "sys", [Message("user", "hi")], 1500, key
    )
    assert openai.url == "https://api.test/v1/chat/completions"
    assert openai.body["messages"][0] == {"role": "system", "content": "sys"}
    assert anthropic.url == "https://anthropic.test/v1/messages"
    assert anthropic.body["max_tokens"] == 1500
    assert anthropic.body["system"] == "sys"
    assert "sk-secret" not in repr(openai.body) + repr(anthropic.body)


def test_openai_with_a_structure_asks_for_strict_json_schema() -> None:
    structure = strict_schema(DimensionRatings)

    body = (
        OpenAIChat("https://x/v1")
        .build("gpt-4o-2024-08-06", "sys", [Message("user", "hi")], 1500, SecretStr("sk-k"), structure)
        .body
    )

    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "DimensionRatings", "strict": True, "schema": structure.schema},
    }


def test_openai_without_a_structure_asks_for_a_json_object() -> None:
    body = OpenAIChat("https://x/v1").build("gpt-4o-2024-05-13", "sys", [], 1500, SecretStr("sk-k")).body

    assert body["response_format"] == {"type": "json_object"}


def test_anthropic_with_a_structure_forces_the_one_tool_whose_input_schema_is_the_structure() -> None:
    structure = strict_schema(DimensionRatings)

    body = (
        AnthropicMessages("https://x")
        .build("claude-sonnet-4-20250514", "sys", [Message("user", "hi")], 1500, SecretStr("k"), structure)
        .body
    )

    assert [tool["name"] for tool in body["tools"]] == ["DimensionRatings"]
    assert body["tools"][0]["input_schema"] == structure.schema
    assert body["tool_choice"] == {"type": "tool", "name": "DimensionRatings"}


def test_anthropic_without_a_structure_sends_no_tools() -> None:
    body = (
        AnthropicMessages("https://x").build("claude-sonnet-4-20250514", "sys", [], 1500, SecretStr("k")).body
    )

    assert "tools" not in body
    assert "tool_choice" not in body


def test_anthropic_answer_is_read_from_the_tool_use_block_not_the_text_before_it() -> None:
    reply = AnthropicMessages("https://x").parse(
        {
            "content": [
                {"type": "text", "text": "I'll record the ratings {now}."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "DimensionRatings",
                    "input": {"a": "é", "b": 1},
                },
            ],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": 10, "output_tokens": 5},
        }
    )

    assert json.loads(reply.text) == {"a": "é", "b": 1}
    assert reply.finish_reason == "tool_use"
