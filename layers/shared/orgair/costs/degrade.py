"""Degrade before refusing: route the next LLM call to a cheaper model once a scope nears its limit.

For each scope a tenant's call is admitted in (`global`, `tenant:<id>`, `global-share:<id>`) the
decision reads today's `committed` against the limit: at or above DEGRADE_AT_PCT, or when the
requested model's worst case no longer fits, the call goes to DEGRADED_LLM_MODEL. The decision is
advisory only: the cheaper model's reservation is still admitted (or refused with 429) by the one
conditional transaction of `CostLedger.reserve`, so no call is ever admitted past a limit and no
call is made without its reservation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from orgair.costs.budget import day_of, threshold_id
from orgair.costs.ledger import CostLedger
from orgair.records.costs import Degradation

FULL: str = "100"
"""The threshold named when the requested model no longer fits at all."""


@dataclass(frozen=True, slots=True)
class ScopePosition:
    """One scope's committed amount and limit today (limit None: the scope has no limit)."""

    scope: str
    committed_micros: int
    limit_micros: int | None


def scope_positions(ledger: CostLedger, tenant_id: str) -> list[ScopePosition]:
    """Today's position of every scope a call of this tenant is admitted in (two reads)."""
    limits = ledger.call_scope_limits(tenant_id)
    counters = ledger.store.counters([scope for scope, _ in limits], day_of(ledger.clock()))
    return [ScopePosition(scope, counters[scope].committed_micros, limit) for scope, limit in limits]


def degradation_for(
    positions: Sequence[ScopePosition],
    *,
    threshold: Decimal,
    requested_model: str,
    requested_estimate_micros: int,
) -> Degradation | None:
    """Whether (and why) the call should run on the cheaper model, or None.

    A scope where the requested model's worst case no longer fits wins over one past the soft
    threshold (it would refuse the call outright); among several, the most used scope is named.
    """
    not_admissible: list[tuple[Fraction, ScopePosition]] = []
    soft: list[tuple[Fraction, ScopePosition]] = []
    for position in positions:
        limit = position.limit_micros
        if limit is None:
            continue
        used = Fraction(position.committed_micros, limit) if limit > 0 else Fraction(1)
        if position.committed_micros + requested_estimate_micros > limit:
            not_admissible.append((used, position))
        elif Fraction(position.committed_micros) >= Fraction(threshold) * limit:
            soft.append((used, position))
    if not_admissible:
        _, position = max(not_admissible, key=lambda entry: entry[0])
        return Degradation("default_not_admissible", position.scope, FULL, requested_model)
    if soft:
        _, position = max(soft, key=lambda entry: entry[0])
        return Degradation("soft_threshold", position.scope, threshold_id(threshold), requested_model)
    return None
