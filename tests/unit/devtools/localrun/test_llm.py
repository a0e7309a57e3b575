"""`make run`'s LLM: the stand-in with local dummy keys unless the developer names a base URL."""

from __future__ import annotations

import httpx
import pytest

from devtools.localrun.llm import LOCAL_ANTHROPIC_KEY, LOCAL_OPENAI_KEY, LocalLlmError, start_llm


@pytest.mark.network
def test_without_a_base_url_the_stand_in_serves_with_local_dummy_keys_and_says_so() -> None:
    llm = start_llm("127.0.0.1", {}, {"LOCAL_LLM_FAIL": "openai/429:2", "LOCAL_LLM_LATENCY_MS": "5"})
    try:
        assert llm.standin is not None
        assert llm.environment == {
            "OPENAI_BASE_URL": f"{llm.standin.url}/v1",
            "ANTHROPIC_BASE_URL": llm.standin.url,
            "OPENAI_API_KEY": LOCAL_OPENAI_KEY,
            "ANTHROPIC_API_KEY": LOCAL_ANTHROPIC_KEY,
        }
        assert "NOT a real model" in llm.line
        assert llm.standin.url in llm.line
        state = httpx.get(f"{llm.standin.url}/_control").json()
        assert state["latency_ms"] == 5
        assert state["pending"][0] == {**state["pending"][0], "mode": "429", "count": 2, "provider": "openai"}
    finally:
        llm.stop()


@pytest.mark.parametrize(
    ("environment", "process"),
    [
        ({"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}, {}),
        ({}, {"ANTHROPIC_BASE_URL": "https://api.anthropic.com"}),
    ],
)
def test_a_base_url_set_by_the_developer_starts_no_stand_in_and_changes_nothing(
    environment: dict[str, str], process: dict[str, str]
) -> None:
    llm = start_llm("127.0.0.1", environment, process)

    assert llm.standin is None
    assert llm.environment == {}
    assert "set by you; no local stand-in" in llm.line


@pytest.mark.parametrize(
    "process", [{"LOCAL_LLM_FAIL": "teapot"}, {"LOCAL_LLM_LATENCY_MS": "soon"}, {"LOCAL_LLM_PORT": "70000"}]
)
def test_unusable_local_llm_settings_stop_the_runner_naming_them(process: dict[str, str]) -> None:
    with pytest.raises(LocalLlmError, match="LOCAL_LLM_"):
        start_llm("127.0.0.1", {}, process)
