"""The stand-in's wire formats: what orgair's gateway sends gets a reply its parsers read and its
schema accepts; strict json_schema and forced tools are honoured; the same evidence gives the same
answer; usage grows with the text; requests the real APIs refuse are refused in their shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from orgair.llm.answers import instructions
from orgair.llm.providers import AnthropicMessages, Message, OpenAIChat
from orgair.logic.assessments import SYSTEM_PROMPT, AssessmentRequest, DimensionRatings, user_prompt
from pydantic import SecretStr

from devtools.localllm.wire import WireError, anthropic_messages, openai_chat

KEY = SecretStr("sk-local-test")


def gateway_body(
    fmt: OpenAIChat | AnthropicMessages, evidence: str, max_tokens: int = 1500
) -> dict[str, Any]:
    request = AssessmentRequest(company_id="acme", sector="technology", evidence=evidence)
    built = fmt.build(
        "gpt-4o",
        instructions(SYSTEM_PROMPT, DimensionRatings),
        [Message("user", user_prompt(request, evidence))],
        max_tokens,
        KEY,
    )
    return built.body


def openai(evidence: str, **changes: Any) -> dict[str, Any]:
    body = {**gateway_body(OpenAIChat("http://x/v1"), evidence), **changes}
    return openai_chat(body, authorization="Bearer sk-local").body


def anthropic(body: dict[str, Any]) -> dict[str, Any]:
    return anthropic_messages(body, api_key="k", version="2023-06-01").body


def test_openai_reply_to_the_gateways_prompt_parses_and_validates_as_dimension_ratings() -> None:
    payload = openai("Acme runs a governed data platform and an AI council.")

    reply = OpenAIChat("http://x/v1").parse(payload)
    ratings = DimensionRatings.model_validate_json(reply.text)
    assert payload["object"] == "chat.completion"
    assert payload["choices"][0]["finish_reason"] == reply.finish_reason == "stop"
    assert all(25 <= score <= 95 for score in ratings.scores().values())
    assert "Local stand-in" in ratings.talent.rationale
    assert (
        payload["usage"]["total_tokens"]
        == payload["usage"]["prompt_tokens"] + payload["usage"]["completion_tokens"]
    )


def test_anthropic_reply_to_the_gateways_prompt_parses_and_validates_as_dimension_ratings() -> None:
    payload = anthropic(gateway_body(AnthropicMessages("http://x"), "Acme has an AI council."))

    reply = AnthropicMessages("http://x").parse(payload)
    DimensionRatings.model_validate_json(reply.text)
    assert payload["type"] == "message"
    assert payload["stop_reason"] == "end_turn"


def test_the_same_evidence_gives_the_same_ratings_on_both_providers_and_other_evidence_differs() -> None:
    first = json.loads(openai("Evidence A about data.")["choices"][0]["message"]["content"])
    again = json.loads(openai("Evidence A about data.")["choices"][0]["message"]["content"])
    other = json.loads(openai("Evidence B about culture.")["choices"][0]["message"]["content"])
    claude = anthropic(gateway_body(AnthropicMessages("http://x"), "Evidence A about data."))["content"][0][
        "text"
    ]

    assert first == again == json.loads(claude)
    assert first != other


def test_usage_is_derived_from_the_texts_length() -> None:
    short = openai("Short.")["usage"]
    long = openai("A much longer piece of evidence. " * 100)["usage"]

    assert long["prompt_tokens"] - short["prompt_tokens"] == pytest.approx(3300 / 4, abs=3)
    assert short["prompt_tokens"] > 0
    assert short["completion_tokens"] > 0


def test_strict_json_schema_response_format_answers_an_instance_of_that_schema() -> None:
    schema = {
        "type": "object",
        "properties": {
            "label": {"type": "string", "enum": ["low", "high"]},
            "count": {"type": "integer", "minimum": 3, "maximum": 5},
            "ok": {"type": "boolean"},
        },
        "required": ["label", "count", "ok"],
        "additionalProperties": False,
    }
    body = {
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": "Classify this."}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "c", "strict": True, "schema": schema},
        },
    }

    answer = json.loads(openai_chat(body, authorization="Bearer k").body["choices"][0]["message"]["content"])

    assert set(answer) == {"label", "count", "ok"}
    assert answer["label"] in ("low", "high")
    assert 3 <= answer["count"] <= 5
    assert isinstance(answer["ok"], bool)


def test_openai_forced_function_tool_answers_a_tool_call() -> None:
    body = {
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": "Rate it."}],
        "tools": [
            {
                "type": "function",
                "function": {"name": "rate", "parameters": DimensionRatings.model_json_schema()},
            }
        ],
        "tool_choice": {"type": "function", "function": {"name": "rate"}},
    }

    choice = openai_chat(body, authorization="Bearer k").body["choices"][0]

    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    call = choice["message"]["tool_calls"][0]
    assert call["function"]["name"] == "rate"
    DimensionRatings.model_validate_json(call["function"]["arguments"])


def test_anthropic_forced_tool_choice_answers_one_tool_use_block_with_valid_input() -> None:
    body = {
        "model": "claude-sonnet-4-20250514",
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "<<<EVIDENCE\nAcme has a data team.\nEVIDENCE>>>"}],
        "tools": [{"name": "record_ratings", "input_schema": DimensionRatings.model_json_schema()}],
        "tool_choice": {"type": "tool", "name": "record_ratings"},
    }

    payload = anthropic(body)

    assert payload["stop_reason"] == "tool_use"
    [block] = payload["content"]
    assert block["type"] == "tool_use"
    assert block["name"] == "record_ratings"
    assert block["id"].startswith("toolu_")
    DimensionRatings.model_validate(block["input"])


def test_max_tokens_truncates_the_answer_and_says_so() -> None:
    payload = openai_chat(
        {**gateway_body(OpenAIChat("http://x/v1"), "Evidence."), "max_completion_tokens": 10},
        authorization="Bearer k",
    ).body

    choice = payload["choices"][0]
    assert choice["finish_reason"] == "length"
    assert len(choice["message"]["content"]) == 40
    assert payload["usage"]["completion_tokens"] == 10


@pytest.mark.parametrize(
    ("body", "authorization", "status", "param"),
    [
        ({"model": "m", "messages": [{"role": "user", "content": "x"}]}, None, 401, None),
        ({"messages": [{"role": "user", "content": "x"}]}, "Bearer k", 400, "model"),
        ({"model": "m", "messages": []}, "Bearer k", 400, "messages"),
        (
            {
                "model": "m",
                "messages": [{"role": "user", "content": "x"}],
                "response_format": {"type": "json_object"},
            },
            "Bearer k",
            400,
            "messages",
        ),
    ],
)
def test_openai_refuses_what_the_real_api_refuses_in_its_error_shape(
    body: dict[str, Any], authorization: str | None, status: int, param: str | None
) -> None:
    with pytest.raises(WireError) as raised:
        openai_chat(body, authorization=authorization)

    assert raised.value.status == status
    assert raised.value.body["error"]["param"] == param
    assert raised.value.body["error"]["message"]


@pytest.mark.parametrize(
    ("api_key", "version", "body", "status", "kind"),
    [
        (None, "2023-06-01", {}, 401, "authentication_error"),
        ("k", None, {}, 400, "invalid_request_error"),
        (
            "k",
            "2023-06-01",
            {"model": "m", "messages": [{"role": "user", "content": "x"}]},
            400,
            "invalid_request_error",
        ),
    ],
)
def test_anthropic_refuses_what_the_real_api_refuses_in_its_error_shape(
    api_key: str | None, version: str | None, body: dict[str, Any], status: int, kind: str
) -> None:
    with pytest.raises(WireError) as raised:
        anthropic_messages(body, api_key=api_key, version=version)

    assert raised.value.status == status
    assert raised.value.body["type"] == "error"
    assert raised.value.body["error"]["type"] == kind


def test_a_repair_request_still_answers_the_schema_of_the_original_prompt() -> None:
    body = gateway_body(OpenAIChat("http://x/v1"), "Evidence.")
    body["messages"] += [
        {"role": "assistant", "content": '{"note": "wrong"}'},
        {
            "role": "user",
            "content": "Your previous answer was not valid against the JSON Schema:\n- talent: Field required",
        },
    ]

    payload = openai_chat(body, authorization="Bearer k").body

    DimensionRatings.model_validate_json(payload["choices"][0]["message"]["content"])
