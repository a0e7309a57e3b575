"""`make run` with no provider configured: the local LLM stand-in answers POST /v2/assessments with
ledger lines visible through the costs routes, and its injected failures make the gateway retry,
repair and fall back, visibly in the answer and the ledger. And the Ollama-style swap: with
OPENAI_BASE_URL pointed at a loopback server replaying a recorded OpenAI-compatible reply (model
llama3.1:8b, priced by a development-only LOCAL_MODEL_PRICES row), an assessment completes and is
priced."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from orgair.costs.money import format_usd
from orgair.costs.pricing import Usage, effective_price_table, price_table
from support.local_runner import ROOT, QuietHandler, Runner, local_runner, serve_http

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_local-llm-integration-0123456789abcdefghijk"
EVIDENCE = "Acme runs a governed data platform, an AI council chaired by the CFO and two ML teams."
FIXTURE = ROOT / "tests" / "fixtures" / "ollama" / "chat_completions_llama3.1_8b.json"
LLAMA = "llama3.1:8b"
LLAMA_PRICE = {"provider": "openai", "input": "0.10", "cached_input": "0.10", "output": "0.40"}


def assess(runner: Runner, company: str) -> httpx.Response:
    return httpx.post(
        f"{runner.url}/v2/assessments",
        json={"company_id": company, "sector": "technology", "evidence": EVIDENCE},
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=60,
    )


def entries(runner: Runner) -> dict[str, dict[str, Any]]:
    response = httpx.get(
        f"{runner.url}/v2/costs/entries",
        params={"limit": "100"},
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return {entry["call_id"]: entry for entry in response.json()["items"]}


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    # A 1 s provider timeout lets an injected hang end in a client timeout quickly.
    settings = {"LLM_TIMEOUT_SECONDS": "1"}
    directory: Path = tmp_path_factory.mktemp("localllm")
    with local_runner(admin_key=ADMIN_KEY, env_vars=settings, directory=directory) as running:
        yield running


@pytest.fixture(scope="module")
def standin_url(runner: Runner) -> str:
    line = next(line for line in runner.lines if line.startswith("LLM: "))
    found = re.search(r" on (http://127\.0\.0\.1:\d+);", line)
    assert found, line
    return found.group(1)


@pytest.fixture
def control(standin_url: str) -> Iterator[str]:
    url = f"{standin_url}/_control"
    yield url
    httpx.post(url, json={"clear": True}, timeout=5)


def test_startup_says_the_llm_is_a_local_stand_in_with_its_url(runner: Runner, standin_url: str) -> None:
    line = next(line for line in runner.lines if line.startswith("LLM: "))

    assert "NOT a real model" in line
    assert httpx.get(f"{standin_url}/_control", timeout=5).status_code == 200


def test_an_assessment_is_stored_and_its_ledger_line_is_visible_through_the_costs_routes(
    runner: Runner,
) -> None:
    response = assess(runner, "acme-local")

    assert response.status_code == 201, response.text
    llm = response.json()["assessment"]["llm"]
    [attempt] = llm["attempts"]
    assert (attempt["provider"], attempt["model"], attempt["outcome"]) == (
        "openai",
        "gpt-4o-2024-08-06",
        "ok",
    )
    line = entries(runner)[attempt["call_id"]]
    assert line["status"] == "settled"
    assert line["input_tokens"] > 100
    assert line["output_tokens"] > 100
    expected = (
        price_table()
        .price("gpt-4o-2024-08-06")
        .cost_micros(Usage(input_tokens=line["input_tokens"], output_tokens=line["output_tokens"]))
    )
    assert line["cost"] == attempt["cost"] == llm["cost"] == format_usd(expected)
    again = assess(runner, "acme-local-again").json()["inputs"]["dimensions"]
    assert again == response.json()["inputs"]["dimensions"], "the same evidence gives the same ratings"


def test_injected_failures_make_the_gateway_retry_then_fall_back_on_the_ledger(
    runner: Runner, control: str
) -> None:
    failures = [
        {"mode": "429", "provider": "openai", "retry_after": 0},
        {"mode": "malformed", "provider": "openai"},
        {"mode": "hang", "provider": "openai", "hang_seconds": 5},
    ]
    assert httpx.post(control, json={"fail": failures}, timeout=5).status_code == 200

    response = assess(runner, "acme-fallback")

    assert response.status_code == 201, response.text
    llm = response.json()["assessment"]["llm"]
    outcomes = [(item["provider"], item["outcome"]) for item in llm["attempts"]]
    assert outcomes == [
        ("openai", "http_429"),
        ("openai", "malformed_reply"),
        ("openai", "no_answer:ReadTimeout"),
        ("anthropic", "ok"),
    ]
    assert llm["model"] == "claude-sonnet-4-20250514"
    ledger = entries(runner)
    lines = [ledger[item["call_id"]] for item in llm["attempts"]]
    assert [line["status"] for line in lines] == ["settled", "uncertain", "uncertain", "settled"]
    assert [line["attempt"] for line in lines] == [1, 2, 3, 4]
    assert {line["parent_request_id"] for line in lines} == {llm["parent_request_id"]}
    assert sum(Decimal(line["cost"]) for line in lines) == Decimal(llm["cost"])
    assert httpx.get(control, timeout=5).json()["injected"] == {"429": 1, "malformed": 1, "hang": 1}


def test_an_injected_invalid_answer_is_repaired_and_both_calls_are_on_the_ledger(
    runner: Runner, control: str
) -> None:
    httpx.post(control, json={"fail": [{"mode": "invalid", "provider": "openai"}]}, timeout=5)

    response = assess(runner, "acme-repair")

    assert response.status_code == 201, response.text
    attempts = response.json()["assessment"]["llm"]["attempts"]
    assert [(item["provider"], item["outcome"]) for item in attempts] == [("openai", "ok"), ("openai", "ok")]
    ledger = entries(runner)
    assert all(Decimal(ledger[item["call_id"]]["cost"]) > 0 for item in attempts)


# ------------------------------------------------------------------ the Ollama-style base URL swap


@dataclass
class Replay:
    url: str
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@pytest.fixture(scope="module")
def recorded_ollama() -> Iterator[Replay]:
    """A loopback server answering every POST with the recorded Ollama reply."""
    recorded = json.loads(FIXTURE.read_text(encoding="utf-8"))
    body = json.dumps(recorded["body"]).encode()
    replay = Replay(url="")

    class Handler(QuietHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server dispatches to do_<METHOD>
            length = int(self.headers.get("Content-Length") or 0)
            replay.requests.append((self.path, json.loads(self.rfile.read(length))))
            if self.path != recorded["path"]:
                self.reply(404, b"")
                return
            self.reply(recorded["status"], body, recorded["headers"])

    with serve_http(Handler) as url:
        replay.url = url
        yield replay


def test_with_openai_base_url_on_an_ollama_style_server_an_assessment_completes_and_is_priced(
    recorded_ollama: Replay, tmp_path: Path
) -> None:
    settings = {
        "OPENAI_BASE_URL": f"{recorded_ollama.url}/v1",
        "OPENAI_API_KEY": "sk-ollama-ignores-this",
        "DEFAULT_LLM_MODEL": LLAMA,
        "FALLBACK_LLM_MODEL": LLAMA,
        "DEGRADED_LLM_MODEL": "",
        "LOCAL_MODEL_PRICES": json.dumps({LLAMA: LLAMA_PRICE}),
    }
    with local_runner(admin_key=ADMIN_KEY, env_vars=settings, directory=tmp_path) as running:
        banner = next(line for line in running.lines if line.startswith("LLM providers: "))
        assert "set by you; no local stand-in" in banner
        response = assess(running, "acme-ollama")
        ledger = entries(running)

    assert response.status_code == 201, response.text
    [(path, sent)] = recorded_ollama.requests
    assert path == "/v1/chat/completions"
    assert sent["model"] == LLAMA
    [attempt] = response.json()["assessment"]["llm"]["attempts"]
    assert (attempt["model"], attempt["outcome"]) == (LLAMA, "ok")
    usage = json.loads(FIXTURE.read_text(encoding="utf-8"))["body"]["usage"]
    line = ledger[attempt["call_id"]]
    assert (line["input_tokens"], line["output_tokens"]) == (
        usage["prompt_tokens"],
        usage["completion_tokens"],
    )
    table = effective_price_table({LLAMA: LLAMA_PRICE})
    expected = table.price(LLAMA).cost_micros(
        Usage(input_tokens=usage["prompt_tokens"], output_tokens=usage["completion_tokens"])
    )
    assert expected > 0
    assert line["cost"] == attempt["cost"] == format_usd(expected)
    assert line["pricing_version"] == table.version == price_table().version + "+local"
