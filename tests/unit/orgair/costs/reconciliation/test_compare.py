"""The thresholds, and the acceptance: over the documented admin reports of both providers (served at
the transport level), an injected 1 % drift is always flagged and noise under the thresholds never is.

Hypothesis draws the models (from the price table), their tokens per type, the drift's magnitude,
sign, model and token type, and the noise of every figure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orgair.costs.pricing import Usage, price_table
from orgair.costs.reconciliation.anthropic import AnthropicAdmin
from orgair.costs.reconciliation.compare import (
    compare,
    dollar_tolerance,
    dollars_differ,
    result_of,
    tokens_differ,
)
from orgair.costs.reconciliation.openai import OpenAIAdmin
from orgair.costs.reconciliation.run import ledger_figures
from orgair.records.costs import CallMeta, LedgerLine
from orgair.records.reconciliations import ModelFigures, Tokens
from orgair.transport import reset_http_client
from pydantic import SecretStr
from support.costs import ANTHROPIC_TEST_URL, OPENAI_TEST_URL
from support.reconciliation import (
    DAY,
    anthropic_reports,
    deadline,
    openai_reports,
    serve_anthropic,
    serve_openai,
)

ONE_PERCENT = Decimal("0.01")
MILLION = Decimal(1_000_000)
CHECKED_AT = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)


# ---------------------------------------------------------------------- the thresholds themselves


def test_dollars_differ_above_half_a_percent_or_a_quarter_whichever_is_more() -> None:
    assert dollar_tolerance(Decimal(10)) == Decimal("0.25")
    assert dollar_tolerance(Decimal(1000)) == Decimal("5.000")
    assert not dollars_differ(Decimal("9.75"), Decimal(10))
    assert dollars_differ(Decimal("9.749999"), Decimal(10))
    assert not dollars_differ(Decimal(995), Decimal(1000))
    assert dollars_differ(Decimal("994.99"), Decimal(1000))
    assert dollars_differ(Decimal("0.26"), Decimal(0))


def test_tokens_differ_above_a_tenth_of_a_percent_of_the_providers_count() -> None:
    assert not tokens_differ(999_000, 1_000_000)
    assert tokens_differ(998_999, 1_000_000)
    assert not tokens_differ(0, 0)
    assert tokens_differ(1, 0)


def test_a_model_only_one_side_knows_is_compared_against_nothing() -> None:
    rows = compare({"a": ModelFigures(Tokens(output=10), Decimal(1))}, {"b": ModelFigures(Tokens(input=5))})

    assert [(row.model, row.reasons) for row in rows] == [
        ("a", ("dollars", "tokens:output")),
        ("b", ("tokens:input",)),
    ]


# ---------------------------------------------------------------------- drift and noise, end to end


def models_of(provider: str) -> list[str]:
    return sorted(model for model, rows in price_table().rows.items() if rows[-1].provider == provider)


KINDS = ("input", "cached_input", "cache_write", "output")
PROVIDERS = ("openai", "anthropic")
counts = st.one_of(st.just(0), st.integers(min_value=10_000, max_value=50_000_000))


@st.composite
def ledger_days(draw: st.DrawFn, provider: str, large: bool = False) -> dict[str, Usage]:
    """1 to 5 models of the provider, each with tokens per type (the ledger's truth of the day)."""
    models = draw(st.lists(st.sampled_from(models_of(provider)), min_size=1, max_size=5, unique=True))
    day: dict[str, Usage] = {}
    for model in models:
        day[model] = Usage(
            input_tokens=draw(counts),
            cached_input_tokens=draw(counts),
            cache_write_tokens=draw(counts) if provider == "anthropic" else 0,  # OpenAI bills no writes
            # large: over $25 of output even for the cheapest priced output ($0.40 per million)
            output_tokens=draw(st.integers(min_value=70_000_000, max_value=500_000_000))
            if large
            else draw(st.integers(min_value=10_000, max_value=50_000_000)),
        )
    return day


def lines(provider: str, day: dict[str, Usage]) -> list[LedgerLine]:
    """The ledger lines of the day, priced as the gateway prices them (one line per model)."""
    meta = CallMeta("acme", "assessment", "corr", "req", "req")
    return [
        LedgerLine(
            call_id=f"call-{model}",
            meta=meta,
            day=DAY,
            timestamp=datetime(2026, 3, 1, 12, tzinfo=UTC),
            provider=provider,
            model=model,
            usage=usage,
            cost_micros=price_table().price(model).cost_micros(usage),
            pricing_version=price_table().version,
            status="settled",
            outcome="ok",
            source="gateway",
        )
        for model, usage in day.items()
    ]


def counted(usage: Usage) -> dict[str, int]:
    return {
        "input": usage.input_tokens,
        "cached_input": usage.cached_input_tokens,
        "cache_write": usage.cache_write_tokens,
        "output": usage.output_tokens,
    }


def billed(
    provider: str,
    day: dict[str, Usage],
    tokens_factor: Callable[[str, str], Decimal],
    amount_factor: Callable[[str, str], Decimal],
) -> dict[str, tuple[Tokens, dict[str, Decimal]]]:
    """What the provider reports: each model's tokens and per-kind dollars, scaled by the factors."""
    report: dict[str, tuple[Tokens, dict[str, Decimal]]] = {}
    for model, usage in day.items():
        price = price_table().price(model)
        prices = {
            "input": price.input,
            "cached_input": price.cached_input,
            "cache_write": price.cache_write,
            "output": price.output,
        }
        reported = {
            kind: int((Decimal(count) * tokens_factor(model, kind)).to_integral_value())
            for kind, count in counted(usage).items()
        }
        amounts = {
            kind: Decimal(reported[kind]) * prices[kind] / MILLION * amount_factor(model, kind)
            for kind in KINDS
            if reported[kind]
        }
        report[model] = (
            Tokens(
                input=reported["input"],
                cached_input=reported["cached_input"],
                cache_write_5m=reported["cache_write"],
                output=reported["output"],
            ),
            amounts,
        )
    return report


def reconcile(
    provider: str, day: dict[str, Usage], report: dict[str, tuple[Tokens, dict[str, Decimal]]]
) -> Any:
    """The provider's reports served over HTTP, read by the real client, compared with the ledger."""
    reset_http_client()
    with respx.mock(assert_all_called=False) as router:
        if provider == "openai":
            usage, costs = openai_reports(DAY, report)
            serve_openai(router, [usage], [costs])
            theirs = OpenAIAdmin(OPENAI_TEST_URL, SecretStr("sk-admin-test")).day(DAY, deadline())
        else:
            usage, costs = anthropic_reports(DAY, report)
            serve_anthropic(router, [usage], [costs])
            theirs = AnthropicAdmin(ANTHROPIC_TEST_URL, SecretStr("sk-ant-admin-test")).day(DAY, deadline())
    ours = ledger_figures(lines(provider, day)).get(provider, {})
    return result_of(DAY, provider, "close", CHECKED_AT, ours, theirs)


def exact(_model: str, _kind: str) -> Decimal:
    return Decimal(1)


EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
drifts = st.decimals(min_value=ONE_PERCENT, max_value=Decimal("0.05"), places=4)
signs = st.sampled_from((Decimal(1), Decimal(-1)))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_recorded_shapes_of_an_unchanged_day_match_exactly(provider: str) -> None:
    @EXAMPLES
    @given(day=ledger_days(provider))
    def check(day: dict[str, Usage]) -> None:
        result = reconcile(provider, day, billed(provider, day, exact, exact))
        assert result.status == "matched", result.flagged_rows

    check()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_drift_of_one_percent_or_more_in_any_token_type_is_always_flagged(provider: str) -> None:
    @EXAMPLES
    @given(data=st.data(), day=ledger_days(provider), drift=drifts, sign=signs)
    def check(data: st.DataObject, day: dict[str, Usage], drift: Decimal, sign: Decimal) -> None:
        model = data.draw(st.sampled_from(sorted(day)))
        kind = data.draw(st.sampled_from([kind for kind, count in counted(day[model]).items() if count]))

        def drifted(at_model: str, at_kind: str) -> Decimal:
            return 1 + sign * drift if (at_model, at_kind) == (model, kind) else Decimal(1)

        result = reconcile(provider, day, billed(provider, day, drifted, exact))

        assert result.status == "flagged"
        (row,) = [row for row in result.rows if row.model == model]
        assert f"tokens:{kind}" in row.reasons
        assert all(not other.flagged for other in result.rows if other.model != model)

    check()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_dollar_drift_of_one_percent_on_a_model_billed_over_25_dollars_is_always_flagged(
    provider: str,
) -> None:
    @EXAMPLES
    @given(data=st.data(), day=ledger_days(provider, large=True), drift=drifts, sign=signs)
    def check(data: st.DataObject, day: dict[str, Usage], drift: Decimal, sign: Decimal) -> None:
        model = data.draw(st.sampled_from(sorted(day)))

        def priced_differently(at_model: str, _kind: str) -> Decimal:
            return 1 + sign * drift if at_model == model else Decimal(1)

        result = reconcile(provider, day, billed(provider, day, exact, priced_differently))

        (row,) = [row for row in result.rows if row.model == model]
        assert row.provider.amount_usd > 25
        assert row.reasons == ("dollars",)

    check()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_noise_of_two_tenths_of_a_percent_in_dollars_and_under_a_tenth_in_tokens_is_never_flagged(
    provider: str,
) -> None:
    noise = st.decimals(min_value=Decimal("-0.002"), max_value=Decimal("0.002"), places=5)
    token_noise = st.decimals(min_value=Decimal("-0.0009"), max_value=Decimal("0.0009"), places=6)

    @EXAMPLES
    @given(data=st.data(), day=ledger_days(provider))
    def check(data: st.DataObject, day: dict[str, Usage]) -> None:
        dollar_noise = {(model, kind): data.draw(noise) for model in day for kind in KINDS}
        count_noise = {(model, kind): data.draw(token_noise) for model in day for kind in KINDS}

        result = reconcile(
            provider,
            day,
            billed(
                provider,
                day,
                lambda model, kind: 1 + count_noise[(model, kind)],
                lambda model, kind: 1 + dollar_noise[(model, kind)],
            ),
        )

        assert result.status == "matched", result.flagged_rows

    check()
