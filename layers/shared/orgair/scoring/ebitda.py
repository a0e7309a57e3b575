"""EBITDA projection: what closing the gap to a target Org-AI-R is worth, in percent of EBITDA."""

from __future__ import annotations

from decimal import Decimal

from orgair.scoring.numbers import HUNDRED


def ebitda_impact_pct(target_org_air: Decimal, org_air: Decimal, hr: Decimal, gamma: Decimal) -> Decimal:
    """γ·(target − Org-AI-R)·H^R/100, not rounded.

    The readiness gap is scaled by the systematic opportunity: closing a gap is worth more where the
    sector offers more. A target below the current score gives a negative impact.
    """
    return gamma * (target_org_air - org_air) * hr / HUNDRED
