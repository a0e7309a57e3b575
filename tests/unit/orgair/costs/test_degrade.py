"""The degrade decision: which scope passed the soft threshold, or no longer fits the requested model."""

from __future__ import annotations

from decimal import Decimal

from orgair.costs.degrade import ScopePosition, degradation_for
from orgair.records.costs import Degradation


def decide(*positions: ScopePosition, estimate: int = 10) -> Degradation | None:
    return degradation_for(
        positions,
        threshold=Decimal("0.8"),
        requested_model="gpt-4o-2024-08-06",
        requested_estimate_micros=estimate,
    )


def test_below_the_threshold_in_every_scope_nothing_is_degraded() -> None:
    assert decide(ScopePosition("global", 799, 1_000), ScopePosition("tenant:acme", 0, None)) is None


def test_at_exactly_the_threshold_of_the_tenant_budget_the_call_is_degraded_naming_it() -> None:
    assert decide(
        ScopePosition("global", 10, 1_000), ScopePosition("tenant:acme", 800, 1_000)
    ) == Degradation("soft_threshold", "tenant:acme", "80", "gpt-4o-2024-08-06")


def test_the_most_used_scope_past_the_threshold_is_named() -> None:
    decision = decide(
        ScopePosition("global", 850, 1_000),
        ScopePosition("tenant:acme", 900, 1_000),
        ScopePosition("global-share:acme", 810, 1_000),
    )
    assert decision is not None
    assert decision.scope == "tenant:acme"


def test_a_scope_the_requested_model_no_longer_fits_wins_with_threshold_100() -> None:
    decision = decide(
        ScopePosition("global", 900, 1_000),
        ScopePosition("global-share:acme", 100, 150),
        estimate=60,
    )
    assert decision == Degradation("default_not_admissible", "global-share:acme", "100", "gpt-4o-2024-08-06")


def test_unlimited_scopes_never_degrade() -> None:
    assert decide(ScopePosition("tenant:acme", 10**12, None)) is None
