"""`make run`'s LLM: the local stand-in (devtools/localllm) unless the developer names a provider.

When neither OPENAI_BASE_URL nor ANTHROPIC_BASE_URL is set (shell or --env-vars file), the runner
starts the stand-in on loopback, points both base URLs at it and gives the functions local dummy
keys, so POST /assessments works with no key and no network. `LOCAL_LLM_PORT` fixes its port (else
any free one), `LOCAL_LLM_LATENCY_MS` and `LOCAL_LLM_FAIL` (`429:2,openai/hang`) set its latency and
first failures; `POST <url>/_control` changes them while it runs. docs/local-llm.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

from devtools.localllm.faults import FaultPlan, FaultSpecError, parse_fault_spec
from devtools.localllm.server import BANNER, CONTROL_PATH, LocalLlm

BASE_URL_VARIABLES: Final = ("OPENAI_BASE_URL", "ANTHROPIC_BASE_URL")
LOCAL_OPENAI_KEY: Final = "sk-local-standin-not-a-real-key"
LOCAL_ANTHROPIC_KEY: Final = "local-standin-not-a-real-key"
"""Dummy keys, clearly local: the stand-in only checks that a key is sent, as the real APIs do."""


class LocalLlmError(ValueError):
    """A LOCAL_LLM_* setting the stand-in cannot follow (the message names it)."""


@dataclass
class RunnerLlm:
    """What the runner serves the functions as their LLM providers, and the line it prints."""

    line: str
    environment: dict[str, str] = field(default_factory=dict)
    standin: LocalLlm | None = None

    def stop(self) -> None:
        if self.standin is not None:
            self.standin.stop()


def _host(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return "an unreadable URL"


def _number(process: Mapping[str, str], name: str, high: int) -> int:
    raw = process.get(name, "").strip()
    if not raw:
        return 0
    if not raw.isdigit() or int(raw) > high:
        raise LocalLlmError(f"{name}={raw!r}: must be a whole number from 0 to {high}")
    return int(raw)


def start_llm(host: str, environment: Mapping[str, str], process: Mapping[str, str]) -> RunnerLlm:
    """The developer's providers when a base URL is set; else the stand-in, started, with its environment."""
    named = {name: environment.get(name) or process.get(name) for name in BASE_URL_VARIABLES}
    given = {name: url for name, url in named.items() if url}
    if given:
        where = ", ".join(f"{name}={_host(url)}" for name, url in given.items())
        return RunnerLlm(line=f"LLM providers: {where} (set by you; no local stand-in started)")
    plan = FaultPlan()
    try:
        plan.set_latency(_number(process, "LOCAL_LLM_LATENCY_MS", 60_000))
        plan.add(parse_fault_spec(process.get("LOCAL_LLM_FAIL", "")))
    except FaultSpecError as error:
        raise LocalLlmError(f"LOCAL_LLM_FAIL / LOCAL_LLM_LATENCY_MS: {error}") from None
    try:
        standin = LocalLlm(host, _number(process, "LOCAL_LLM_PORT", 65_535), plan=plan).start()
    except OSError as error:
        raise LocalLlmError(f"LLM stand-in: cannot listen ({error.strerror}); set LOCAL_LLM_PORT") from None
    return RunnerLlm(
        line=(
            f"LLM: {BANNER} on {standin.url}; OPENAI_BASE_URL and ANTHROPIC_BASE_URL point at it and the "
            f"provider keys are local dummies. Failures/latency: POST {standin.url}{CONTROL_PATH}. "
            "A real or OpenAI-compatible server (Ollama, llama.cpp, vLLM): set OPENAI_BASE_URL (docs/local-llm.md)."
        ),
        environment={
            "OPENAI_BASE_URL": standin.openai_base_url,
            "ANTHROPIC_BASE_URL": standin.anthropic_base_url,
            "OPENAI_API_KEY": LOCAL_OPENAI_KEY,
            "ANTHROPIC_API_KEY": LOCAL_ANTHROPIC_KEY,
        },
        standin=standin,
    )
