"""OpenAI's usage and costs reports of one day, read from recorded payloads at the transport level."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from orgair.costs.reconciliation.figures import UNATTRIBUTED, ProviderReportError
from orgair.costs.reconciliation.openai import OpenAIAdmin, line_item_model
from orgair.records.reconciliations import Tokens
from orgair.transport import reset_http_client
from pydantic import SecretStr
from support.costs import OPENAI_TEST_URL
from support.reconciliation import (
    DAY,
    OPENAI_COSTS_URL,
    OPENAI_USAGE_URL,
    deadline,
    fixture,
    recorded_openai,
    serve_openai,
)

KEY = SecretStr("sk-admin-test-openai-admin-key")


@pytest.fixture(autouse=True)
def _fresh_client() -> Any:
    reset_http_client()
    yield
    reset_http_client()


def admin() -> OpenAIAdmin:
    return OpenAIAdmin(OPENAI_TEST_URL, KEY)


def test_the_recorded_day_is_read_per_model_with_cached_tokens_taken_out_of_input() -> None:
    with respx.mock(assert_all_called=False) as router:
        recorded_openai(router)
        figures = admin().day(DAY, deadline())

    assert set(figures) == {"gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"}
    assert figures["gpt-4o-2024-08-06"].tokens == Tokens(
        input=1_000_000, cached_input=250_000, output=300_000
    )
    assert figures["gpt-4o-mini-2024-07-18"].tokens == Tokens(input=400_000, output=100_000)
    # amount.value is parsed from the JSON text as Decimal: the binary-float tail is kept, not rounded
    assert figures["gpt-4o-2024-08-06"].amount_usd == Decimal("2.5") + Decimal("0.3125") + Decimal(
        "3.0000000000000004"
    )
    assert figures["gpt-4o-mini-2024-07-18"].amount_usd == Decimal("0.12000000000000001")


def test_pages_are_followed_with_next_page_and_every_request_asks_for_the_day_by_model() -> None:
    with respx.mock(assert_all_called=False) as router:
        recorded_openai(router)
        admin().day(DAY, deadline())
        usage_calls = [call.request for call in router.routes[0].calls]
        cost_calls = [call.request for call in router.routes[1].calls]

    assert [request.url.params.get("page") for request in usage_calls] == [
        None,
        "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=",
    ]
    for request in usage_calls:
        assert request.url.params["start_time"] == "1772323200"
        assert request.url.params["end_time"] == "1772409600"
        assert request.url.params["bucket_width"] == "1d"
        assert request.url.params["group_by"] == "model"
        assert request.headers["authorization"] == f"Bearer {KEY.get_secret_value()}"
    assert [request.url.params["group_by"] for request in cost_calls] == ["line_item"]


@pytest.mark.parametrize(
    ("line_item", "model"),
    [
        ("gpt-4o-2024-08-06, input", "gpt-4o-2024-08-06"),
        ("gpt-4o-mini-2024-07-18, cached input", "gpt-4o-mini-2024-07-18"),
        ("priority | gpt-4.1-2025-04-14, output, long context", "gpt-4.1-2025-04-14"),
        ("web search tool calls", UNATTRIBUTED),
        ("gpt-audio-mini-2025-12-15 audio, input", UNATTRIBUTED),
        (None, UNATTRIBUTED),
        (42, UNATTRIBUTED),
    ],
)
def test_a_costs_line_item_names_its_model_or_is_unattributed(line_item: Any, model: str) -> None:
    assert line_item_model(line_item) == model


def _usage_result(**changes: Any) -> list[dict[str, Any]]:
    page = copy.deepcopy(fixture("openai_usage_completions_page1.json"))
    page["has_more"], page["next_page"] = False, None
    page["data"][0]["results"][0].update(changes)
    return [page]


def _costs_value(value: Any) -> list[dict[str, Any]]:
    page = copy.deepcopy(fixture("openai_costs.json"))
    page["data"][0]["results"][0]["amount"]["value"] = value
    return [page]


HOSTILE_USAGE = {
    "huge token count": {"input_tokens": 10**30},
    "negative tokens": {"output_tokens": -1},
    "tokens as a string": {"output_tokens": "300000"},
    "tokens as a float": {"output_tokens": 1.5},
    "tokens as a boolean": {"output_tokens": True},
    "missing tokens": {"output_tokens": None},
    "more cached than input": {"input_cached_tokens": 2_000_000},
    "model not a name": {"model": {"$ne": 1}},
}
HOSTILE_COSTS = {
    "huge amount": Decimal("1e30"),
    "negative amount": Decimal("-3.5"),
    "amount as a string": "2.5",
    "amount as a boolean": True,
    "amount missing": None,
}


@pytest.mark.parametrize("changes", HOSTILE_USAGE.values(), ids=HOSTILE_USAGE.keys())
def test_a_hostile_usage_report_is_refused(changes: dict[str, Any]) -> None:
    with respx.mock(assert_all_called=False) as router:
        serve_openai(router, _usage_result(**changes), [fixture("openai_costs.json")])
        with pytest.raises(ProviderReportError):
            admin().day(DAY, deadline())


@pytest.mark.parametrize("value", HOSTILE_COSTS.values(), ids=HOSTILE_COSTS.keys())
def test_a_hostile_costs_report_is_refused(value: Any) -> None:
    with respx.mock(assert_all_called=False) as router:
        serve_openai(router, _usage_result(), _costs_value(value))
        with pytest.raises(ProviderReportError):
            admin().day(DAY, deadline())


BROKEN_ANSWERS = {
    "not json": httpx.Response(200, content=b"<html>maintenance</html>"),
    "nan": httpx.Response(200, content=b'{"data": [], "has_more": false, "x": NaN}'),
    "a list": httpx.Response(200, json=[]),
    "data not a list": httpx.Response(200, json={"data": {}, "has_more": False}),
    "an integer of a million digits": httpx.Response(
        200, content=b'{"data": [], "n": ' + b"9" * 1_000_000 + b"}"
    ),
    "deeply nested": httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000),
    "too large": httpx.Response(200, content=b" " * (5 * 1024 * 1024)),
    "unauthorised": httpx.Response(401, json={"error": {"message": "invalid admin key"}}),
    "server error": httpx.Response(503),
    "has_more without next_page": httpx.Response(200, json={"data": [], "has_more": True, "next_page": None}),
}


@pytest.mark.parametrize("answer", BROKEN_ANSWERS.values(), ids=BROKEN_ANSWERS.keys())
def test_a_broken_answer_is_a_report_error_that_never_names_the_key(answer: httpx.Response) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.get(OPENAI_USAGE_URL).mock(return_value=answer)
        router.get(OPENAI_COSTS_URL).mock(return_value=answer)
        with pytest.raises(ProviderReportError) as raised:
            admin().day(DAY, deadline())

    assert KEY.get_secret_value() not in str(raised.value)


def test_a_bucket_of_another_day_is_refused() -> None:
    page = _usage_result()
    page[0]["data"][0]["start_time"] -= 86_400
    with respx.mock(assert_all_called=False) as router:
        serve_openai(router, page, [fixture("openai_costs.json")])
        with pytest.raises(ProviderReportError, match="not the requested day"):
            admin().day(DAY, deadline())


def test_a_next_page_that_repeats_is_refused_instead_of_looping() -> None:
    page = copy.deepcopy(fixture("openai_usage_completions_page1.json"))
    with respx.mock(assert_all_called=False) as router:
        router.get(OPENAI_USAGE_URL).mock(side_effect=lambda request: httpx.Response(200, json=page))
        router.get(OPENAI_COSTS_URL).mock(return_value=httpx.Response(200, json=fixture("openai_costs.json")))
        with pytest.raises(ProviderReportError, match="repeats"):
            admin().day(DAY, deadline())
        assert router.routes[0].call_count == 2


def test_a_provider_that_does_not_answer_in_time_is_a_report_error() -> None:
    with respx.mock(assert_all_called=False) as router:
        router.get(OPENAI_USAGE_URL).mock(side_effect=httpx.ReadTimeout("stalled"))
        with pytest.raises(ProviderReportError, match="in time"):
            admin().day(DAY, deadline())


def test_no_time_left_asks_the_provider_nothing() -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.get(OPENAI_USAGE_URL)
        with pytest.raises(ProviderReportError, match="no time left"):
            admin().day(DAY, deadline(0.5))
        assert route.call_count == 0
