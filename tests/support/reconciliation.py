"""The providers' admin reports for reconciliation tests: recorded fixtures and reports built from
figures in the same documented shapes, served at the HTTP transport level with respx."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import httpx
import respx
from orgair.records.reconciliations import Tokens
from orgair.transport import Deadline

from support.costs import ANTHROPIC_TEST_URL, OPENAI_TEST_URL
from support.lambda_events import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "reconciliation"
DAY = date(2026, 3, 1)
OPENAI_USAGE_URL = f"{OPENAI_TEST_URL}/organization/usage/completions"
OPENAI_COSTS_URL = f"{OPENAI_TEST_URL}/organization/costs"
ANTHROPIC_USAGE_URL = f"{ANTHROPIC_TEST_URL}/v1/organizations/usage_report/messages"
ANTHROPIC_COSTS_URL = f"{ANTHROPIC_TEST_URL}/v1/organizations/cost_report"


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return loaded


def deadline(seconds: float = 30.0) -> Deadline:
    return Deadline.within(seconds)


def _json(document: Any) -> httpx.Response:
    """A JSON answer whose Decimal amounts are written exactly as JSON numbers (as OpenAI sends them)."""

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"__decimal__{format(value, 'f')}__"
        raise TypeError(type(value).__name__)

    text = re.sub(r'"__decimal__([0-9.Ee+-]+)__"', r"\1", json.dumps(document, default=default))
    return httpx.Response(200, content=text.encode(), headers={"content-type": "application/json"})


def paged(*documents: Mapping[str, Any]) -> Any:
    """A respx side effect answering the first document, then the one its `page` parameter names."""
    by_token: dict[str | None, Mapping[str, Any]] = {None: documents[0]}
    for previous, document in itertools.pairwise(documents):
        by_token[str(previous["next_page"])] = document

    def answer(request: httpx.Request) -> httpx.Response:
        return _json(by_token[request.url.params.get("page")])

    return answer


def serve_openai(
    router: respx.Router, usage: Sequence[Mapping[str, Any]], costs: Sequence[Mapping[str, Any]]
) -> None:
    router.get(OPENAI_USAGE_URL).mock(side_effect=paged(*usage))
    router.get(OPENAI_COSTS_URL).mock(side_effect=paged(*costs))


def serve_anthropic(
    router: respx.Router, usage: Sequence[Mapping[str, Any]], costs: Sequence[Mapping[str, Any]]
) -> None:
    router.get(ANTHROPIC_USAGE_URL).mock(side_effect=paged(*usage))
    router.get(ANTHROPIC_COSTS_URL).mock(side_effect=paged(*costs))


def recorded_openai(router: respx.Router) -> None:
    serve_openai(
        router,
        [fixture("openai_usage_completions_page1.json"), fixture("openai_usage_completions_page2.json")],
        [fixture("openai_costs.json")],
    )


def recorded_anthropic(router: respx.Router) -> None:
    serve_anthropic(
        router, [fixture("anthropic_usage_messages.json")], [fixture("anthropic_cost_report.json")]
    )


Report = Mapping[str, tuple[Tokens, Mapping[str, Decimal]]]
"""Per model: the tokens the provider counts and its cost per token kind in USD."""


def openai_reports(day: date, report: Report) -> tuple[dict[str, Any], dict[str, Any]]:
    """A usage/completions page and a costs page of one day, in OpenAI's documented shapes."""
    start = int(datetime.combine(day, time(), tzinfo=UTC).timestamp())
    bucket = {"object": "bucket", "start_time": start, "end_time": start + 86_400}
    usage = {
        "object": "page",
        "data": [
            {
                **bucket,
                "results": [
                    {
                        "object": "organization.usage.completions.result",
                        "input_tokens": tokens.input + tokens.cached_input,
                        "input_cached_tokens": tokens.cached_input,
                        "output_tokens": tokens.output,
                        "num_model_requests": 1,
                        "model": model,
                    }
                    for model, (tokens, _) in report.items()
                ],
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    kinds = {"input": "input", "cached_input": "cached input", "output": "output"}
    costs = {
        "object": "page",
        "data": [
            {
                **bucket,
                "results": [
                    {
                        "object": "organization.costs.result",
                        "amount": {"value": amount, "currency": "usd"},
                        "line_item": f"{model}, {kinds[kind]}",
                        "project_id": None,
                    }
                    for model, (_, amounts) in report.items()
                    for kind, amount in amounts.items()
                ],
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    return usage, costs


def anthropic_reports(day: date, report: Report) -> tuple[dict[str, Any], dict[str, Any]]:
    """A usage_report/messages page and a cost_report page, in Anthropic's documented shapes."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    bucket = {
        "starting_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ending_at": (start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    usage = {
        "data": [
            {
                **bucket,
                "results": [
                    {
                        "model": model,
                        "uncached_input_tokens": tokens.input,
                        "cache_read_input_tokens": tokens.cached_input,
                        "cache_creation": {
                            "ephemeral_5m_input_tokens": tokens.cache_write_5m,
                            "ephemeral_1h_input_tokens": tokens.cache_write_1h,
                        },
                        "output_tokens": tokens.output,
                        "server_tool_use": {"web_search_requests": 0},
                    }
                    for model, (tokens, _) in report.items()
                ],
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    token_types = {
        "input": "uncached_input_tokens",
        "cached_input": "cache_read_input_tokens",
        "cache_write": "cache_creation.ephemeral_5m_input_tokens",
        "output": "output_tokens",
    }
    costs = {
        "data": [
            {
                **bucket,
                "results": [
                    {
                        "currency": "USD",
                        "amount": format(amount * 100, "f"),
                        "description": f"{model} {kind}",
                        "cost_type": "tokens",
                        "model": model,
                        "token_type": token_types[kind],
                        "service_tier": "standard",
                        "context_window": "0-200k",
                        "workspace_id": None,
                    }
                    for model, (_, amounts) in report.items()
                    for kind, amount in amounts.items()
                ],
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    return usage, costs
