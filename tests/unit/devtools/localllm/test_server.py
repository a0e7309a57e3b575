"""The stand-in over real loopback HTTP: routes, latency and every failure mode as an HTTP client
(httpx, like orgair's gateway) sees it, set at start or through POST /_control."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from orgair.llm.providers import AnthropicMessages, OpenAIChat

from devtools.localllm.faults import Fault, FaultPlan
from devtools.localllm.server import LocalLlm

pytestmark = pytest.mark.network  # serves and calls real HTTP on loopback

CHAT = {
    "model": "gpt-4o",
    "messages": [{"role": "user", "content": "Answer in JSON."}],
    "response_format": {"type": "json_object"},
}
MESSAGES = {
    "model": "claude-sonnet-4-20250514",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "Hi"}],
}
OPENAI_HEADERS = {"Authorization": "Bearer sk-local"}
ANTHROPIC_HEADERS = {"x-api-key": "local", "anthropic-version": "2023-06-01"}


@pytest.fixture
def llm() -> Iterator[LocalLlm]:
    with LocalLlm() as server:
        yield server


def chat(llm: LocalLlm, timeout: float = 5.0) -> httpx.Response:
    return httpx.post(
        f"{llm.openai_base_url}/chat/completions", json=CHAT, headers=OPENAI_HEADERS, timeout=timeout
    )


def control(llm: LocalLlm, body: object) -> httpx.Response:
    return httpx.post(f"{llm.url}/_control", json=body, timeout=5)


def test_both_providers_answer_at_the_paths_orgair_calls(llm: LocalLlm) -> None:
    openai = chat(llm)
    anthropic = httpx.post(f"{llm.anthropic_base_url}/v1/messages", json=MESSAGES, headers=ANTHROPIC_HEADERS)

    assert openai.status_code == anthropic.status_code == 200
    assert openai.headers["x-request-id"].startswith("req_")
    assert anthropic.headers["request-id"].startswith("req_")
    assert OpenAIChat(llm.openai_base_url).parse(openai.json()).usage.output_tokens > 0
    assert AnthropicMessages(llm.anthropic_base_url).parse(anthropic.json()).usage.input_tokens > 0


def test_an_injected_429_carries_retry_after_then_the_next_call_succeeds(llm: LocalLlm) -> None:
    assert control(llm, {"fail": [{"mode": "429", "retry_after": 7}]}).status_code == 200

    refused = chat(llm)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "7"
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"
    assert chat(llm).status_code == 200


def test_an_injected_5xx_answers_the_chosen_status_for_the_chosen_provider_only(llm: LocalLlm) -> None:
    control(llm, {"fail": [{"mode": "5xx", "status": 529, "provider": "anthropic", "count": 2}]})

    assert chat(llm).status_code == 200
    overloaded = httpx.post(f"{llm.url}/v1/messages", json=MESSAGES, headers=ANTHROPIC_HEADERS)
    assert overloaded.status_code == 529
    assert overloaded.json()["error"]["type"] == "overloaded_error"
    assert control(llm, {}).json()["pending"][0]["count"] == 1


@pytest.mark.wallclock
def test_a_hang_holds_the_call_until_the_client_times_out(llm: LocalLlm) -> None:
    control(llm, {"fail": [{"mode": "hang", "hang_seconds": 5}]})

    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        chat(llm, timeout=0.3)
    assert time.monotonic() - started < 2


def test_a_malformed_body_is_a_200_that_is_not_json(llm: LocalLlm) -> None:
    control(llm, {"fail": [{"mode": "malformed"}]})

    response = chat(llm)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_a_truncated_body_closes_the_connection_mid_answer(llm: LocalLlm) -> None:
    control(llm, {"fail": [{"mode": "truncated"}]})

    with pytest.raises(httpx.RemoteProtocolError):
        chat(llm)


def test_an_invalid_answer_is_well_formed_wire_with_json_outside_the_schema(llm: LocalLlm) -> None:
    control(llm, {"fail": [{"mode": "invalid"}]})

    reply = OpenAIChat(llm.openai_base_url).parse(chat(llm).json())
    assert reply.text.startswith('{"note": "local stand-in: a deliberately invalid answer')


def test_latency_is_added_to_every_provider_call() -> None:
    plan = FaultPlan(latency_ms=300)
    with LocalLlm(plan=plan) as llm:
        started = time.monotonic()
        assert chat(llm).status_code == 200
        assert time.monotonic() - started >= 0.3


def test_failures_given_at_start_are_served_first() -> None:
    with LocalLlm(plan=FaultPlan(pending=[Fault("5xx", status=502)])) as llm:
        assert chat(llm).status_code == 502
        assert chat(llm).status_code == 200


def test_the_control_route_reports_and_clears_and_refuses_bad_input(llm: LocalLlm) -> None:
    control(llm, {"fail": [{"mode": "429", "count": 3}], "latency_ms": 5})
    chat(llm)

    state = httpx.get(f"{llm.url}/_control").json()
    assert state["latency_ms"] == 5
    assert state["pending"][0]["count"] == 2
    assert state["calls"] == {"openai": 1}
    assert state["injected"] == {"429": 1}
    assert control(llm, {"clear": True}).json()["pending"] == []
    assert control(llm, {"fail": [{"mode": "teapot"}]}).status_code == 400
    assert control(llm, {"latency_ms": -1}).status_code == 400
    assert control(llm, {"surprise": 1}).status_code == 400


def test_unknown_routes_and_oversized_bodies_are_refused(llm: LocalLlm) -> None:
    assert httpx.post(f"{llm.url}/v1/embeddings", json={}).status_code == 404
    big = httpx.post(
        f"{llm.openai_base_url}/chat/completions",
        content=b"x" * (1_048_576 + 1),
        headers={**OPENAI_HEADERS, "Content-Type": "application/json"},
    )
    assert big.status_code == 413


@pytest.mark.wallclock
def test_stop_releases_a_hanging_call() -> None:
    llm = LocalLlm(plan=FaultPlan(pending=[Fault("hang", hang_seconds=60)])).start()
    errors: list[BaseException] = []

    def call() -> None:
        try:
            chat(llm, timeout=30)
        except httpx.HTTPError as error:
            errors.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.2)
    started = time.monotonic()
    llm.stop()
    caller.join(timeout=10)
    assert not caller.is_alive()
    assert time.monotonic() - started < 6
    assert errors
