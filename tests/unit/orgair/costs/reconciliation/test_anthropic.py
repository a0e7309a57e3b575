"""Anthropic's usage and cost reports of one day, read from recorded payloads at the transport level."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from orgair.costs.reconciliation.anthropic import AnthropicAdmin
from orgair.costs.reconciliation.figures import UNATTRIBUTED, ProviderReportError
from orgair.records.reconciliations import Tokens
from orgair.transport import reset_http_client
from pydantic import SecretStr
from support.costs import ANTHROPIC_TEST_URL
from support.reconciliation import (
    ANTHROPIC_COSTS_URL,
    ANTHROPIC_USAGE_URL,
    DAY,
    deadline,
    fixture,
    recorded_anthropic,
    serve_anthropic,
)

KEY = SecretStr("sk-ant-admin01-test-anthropic-admin-key")


@pytest.fixture(autouse=True)
def _fresh_client() -> Any:
    reset_http_client()
    yield
    reset_http_client()


def admin() -> AnthropicAdmin:
    return AnthropicAdmin(ANTHROPIC_TEST_URL, KEY)


def test_the_recorded_day_is_read_per_model_with_cache_writes_split_by_ttl_and_cents_as_dollars() -> None:
    with respx.mock(assert_all_called=False) as router:
        recorded_anthropic(router)
        figures = admin().day(DAY, deadline())
        usage_request = router.routes[0].calls[0].request
        cost_request = router.routes[1].calls[0].request

    assert set(figures) == {"claude-sonnet-4-20250514", "claude-3-5-haiku-20241022"}
    assert figures["claude-sonnet-4-20250514"].tokens == Tokens(
        input=800_000, cached_input=200_000, cache_write_5m=40_000, output=150_000
    )
    assert figures["claude-sonnet-4-20250514"].amount_usd == Decimal("4.86")  # 486.0 cents
    assert figures["claude-3-5-haiku-20241022"].amount_usd == Decimal("0.60")
    assert usage_request.url.params["starting_at"] == "2026-03-01T00:00:00Z"
    assert usage_request.url.params["ending_at"] == "2026-03-02T00:00:00Z"
    assert usage_request.url.params["group_by[]"] == "model"
    assert cost_request.url.params["group_by[]"] == "description"
    assert usage_request.headers["x-api-key"] == KEY.get_secret_value()
    assert usage_request.headers["anthropic-version"] == "2023-06-01"


def test_a_one_hour_cache_write_is_kept_apart_from_the_five_minute_ones() -> None:
    usage = copy.deepcopy(fixture("anthropic_usage_messages.json"))
    usage["data"][0]["results"][0]["cache_creation"]["ephemeral_1h_input_tokens"] = 7_000
    with respx.mock(assert_all_called=False) as router:
        serve_anthropic(router, [usage], [fixture("anthropic_cost_report.json")])
        figures = admin().day(DAY, deadline())

    tokens = figures["claude-sonnet-4-20250514"].tokens
    assert (tokens.cache_write_5m, tokens.cache_write_1h, tokens.cache_write) == (40_000, 7_000, 47_000)


def test_pages_are_followed_with_next_page() -> None:
    first = copy.deepcopy(fixture("anthropic_usage_messages.json"))
    second = copy.deepcopy(first)
    first["data"][0]["results"] = first["data"][0]["results"][:1]
    second["data"][0]["results"] = second["data"][0]["results"][1:]
    first["has_more"], first["next_page"] = True, "page_2"
    with respx.mock(assert_all_called=False) as router:
        serve_anthropic(router, [first, second], [fixture("anthropic_cost_report.json")])
        figures = admin().day(DAY, deadline())
        pages = [call.request.url.params.get("page") for call in router.routes[0].calls]

    assert pages == [None, "page_2"]
    assert figures["claude-3-5-haiku-20241022"].tokens.input == 500_000


def test_costs_that_name_no_model_are_compared_as_unattributed() -> None:
    costs = copy.deepcopy(fixture("anthropic_cost_report.json"))
    costs["data"][0]["results"].append(
        {"currency": "USD", "amount": "1000", "cost_type": "web_search", "model": None, "token_type": None}
    )
    with respx.mock(assert_all_called=False) as router:
        serve_anthropic(router, [fixture("anthropic_usage_messages.json")], [costs])
        figures = admin().day(DAY, deadline())

    assert figures[UNATTRIBUTED].amount_usd == Decimal(10)


HOSTILE_USAGE = {
    "huge token count": {"output_tokens": 10**16},
    "negative tokens": {"uncached_input_tokens": -5},
    "tokens as a string": {"output_tokens": "150000"},
    "tokens as a float": {"cache_read_input_tokens": 2.5},
    "cache_creation not an object": {"cache_creation": [1, 2]},
    "negative cache write": {"cache_creation": {"ephemeral_5m_input_tokens": -1}},
    "model not a name": {"model": "claude; DROP TABLE"},
}
HOSTILE_AMOUNTS = {
    "huge amount": "1e40",
    "negative amount": "-240.0",
    "amount as a number": 240.0,
    "not a number": "two hundred",
    "infinite": "Infinity",
    "nan": "NaN",
    "very long": "1" * 100,
}


@pytest.mark.parametrize("changes", HOSTILE_USAGE.values(), ids=HOSTILE_USAGE.keys())
def test_a_hostile_usage_report_is_refused(changes: dict[str, Any]) -> None:
    usage = copy.deepcopy(fixture("anthropic_usage_messages.json"))
    usage["data"][0]["results"][0].update(changes)
    with respx.mock(assert_all_called=False) as router:
        serve_anthropic(router, [usage], [fixture("anthropic_cost_report.json")])
        with pytest.raises(ProviderReportError):
            admin().day(DAY, deadline())


@pytest.mark.parametrize("amount", HOSTILE_AMOUNTS.values(), ids=HOSTILE_AMOUNTS.keys())
def test_a_hostile_cost_amount_is_refused(amount: Any) -> None:
    costs = copy.deepcopy(fixture("anthropic_cost_report.json"))
    costs["data"][0]["results"][0]["amount"] = amount
    with respx.mock(assert_all_called=False) as router:
        serve_anthropic(router, [fixture("anthropic_usage_messages.json")], [costs])
        with pytest.raises(ProviderReportError):
            admin().day(DAY, deadline())


def test_a_bucket_of_another_day_is_refused() -> None:
    usage = copy.deepcopy(fixture("anthropic_usage_messages.json"))
    usage["data"][0]["starting_at"] = "2026-02-28T00:00:00Z"
    with respx.mock(assert_all_called=False) as router:
        serve_anthropic(router, [usage], [fixture("anthropic_cost_report.json")])
        with pytest.raises(ProviderReportError, match="not the requested day"):
            admin().day(DAY, deadline())


def test_a_refused_admin_key_is_a_report_error_that_never_names_the_key() -> None:
    with respx.mock(assert_all_called=False) as router:
        router.get(ANTHROPIC_USAGE_URL).mock(
            return_value=httpx.Response(403, json={"error": {"type": "permission_error"}})
        )
        router.get(ANTHROPIC_COSTS_URL).mock(return_value=httpx.Response(403))
        with pytest.raises(ProviderReportError, match="refused") as raised:
            admin().day(DAY, deadline())

    assert KEY.get_secret_value() not in str(raised.value)
