"""Repairs per 100 assessments on recorded-style replies, before and after native structured outputs.

Each corpus (tests/fixtures/llm/*.jsonl, written by tests/fixtures/llm/generate.py: 100 full
provider replies per mode, synthetic and deterministic) is read exactly as the gateway reads a
provider's answer — the provider format's `parse`, then `read_answer`, the gateway's one test of
whether a reply needs a repair; every failure there costs one paid repair request (proved at the
transport by tests/unit/orgair/llm/test_gateway.py::test_an_invalid_answer_is_repaired_once and
test_structured_outputs.py). The request each model gets is built by the same format, so the mode
on the wire is asserted too. The numbers:

    .venv/bin/python -m pytest tests/unit/orgair/llm/test_structured_corpus.py -q -s -p no:cacheprovider
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from orgair.llm.answers import read_answer
from orgair.llm.models import ModelCapabilities, model_capabilities
from orgair.llm.providers import AnthropicMessages, Message, OpenAIChat, ProviderFormat
from orgair.llm.schema import strict_schema
from orgair.logic.assessments import DimensionRatings
from pydantic import SecretStr, ValidationError

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "llm"
INVALID_KINDS = {
    "missing_key",
    "extra_key",
    "out_of_range",
    "score_as_text",
    "rationale_too_long",
    "truncated",
}
NOTHING_NATIVE = ModelCapabilities(version="none", structured=frozenset())

RUNS: dict[str, tuple[str, str, ModelCapabilities | None, int]] = {
    # run: (corpus, model, capabilities (None: the shipped table), expected repairs per 100)
    "gpt-4o-2024-08-06 before (json_object)": ("openai_json_object", "gpt-4o-2024-08-06", NOTHING_NATIVE, 14),
    "gpt-4o-2024-08-06 after (json_schema strict)": ("openai_json_schema", "gpt-4o-2024-08-06", None, 0),
    "claude-sonnet-4 before (JSON in text)": (
        "anthropic_text",
        "claude-sonnet-4-20250514",
        NOTHING_NATIVE,
        14,
    ),
    "claude-sonnet-4 after (forced tool use)": ("anthropic_tool_use", "claude-sonnet-4-20250514", None, 0),
    "gpt-4o-2024-05-13, no structured outputs": ("openai_json_object", "gpt-4o-2024-05-13", None, 14),
}


def corpus(name: str) -> list[dict[str, Any]]:
    with (FIXTURES / f"{name}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_the_fixture_files_are_exactly_what_the_seeded_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location("llm_fixture_generator", FIXTURES / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)

    for name, text in generator.rendered().items():
        assert (FIXTURES / name).read_text(encoding="utf-8") == text, name
        assert text.count("\n") == 100


@pytest.mark.parametrize("run", list(RUNS))
def test_repairs_per_100_assessments_on_recorded_replies(run: str) -> None:
    name, model, capabilities, expected = RUNS[run]
    rows = corpus(name)
    native = (capabilities or model_capabilities()).structured_outputs(model)
    wire: ProviderFormat = (
        OpenAIChat("https://x/v1") if model.startswith("gpt") else AnthropicMessages("https://x")
    )
    body = wire.build(
        model,
        "sys",
        [Message("user", "evidence")],
        1500,
        SecretStr("sk-k"),
        strict_schema(DimensionRatings) if native else None,
    ).body

    repaired = []
    for index, row in enumerate(rows):
        try:
            read_answer(DimensionRatings, wire.parse(row["reply"]))
        except (ValidationError, ValueError):
            repaired.append(index)

    if isinstance(wire, OpenAIChat):
        assert body["response_format"]["type"] == ("json_schema" if native else "json_object")
    else:
        assert ("tool_choice" in body) is native
    assert len(rows) == 100
    assert repaired == [index for index, row in enumerate(rows) if row["kind"] in INVALID_KINDS]
    assert len(repaired) == expected
    sys.stdout.write(f"\n{run}: corpus {name}: {len(repaired)} repairs per {len(rows)} assessments\n")
