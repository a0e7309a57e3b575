"""EBITDA projection: γ·(target − Org-AI-R)·H^R/100, in percent of EBITDA."""

from __future__ import annotations

from decimal import Decimal

import pytest
from orgair.scoring.ebitda import ebitda_impact_pct
from orgair.scoring.numbers import q4

D = Decimal


def test_gap_is_scaled_by_gamma_and_opportunity() -> None:
    assert ebitda_impact_pct(D(80), D(60), D(50), D("0.035")) == D("0.35")


def test_worked_example_projection_is_not_rounded_until_reported() -> None:
    value = ebitda_impact_pct(D(85), D("72.63903477563392"), D("75.2752"), D("0.035"))
    assert value == D("0.035") * D("12.36096522436608") * D("0.752752")
    assert q4(value) == D("0.3257")


@pytest.mark.parametrize(("target", "sign"), [(90, 1), (40, -1), (60, 0)])
def test_sign_follows_the_gap(target: int, sign: int) -> None:
    value = ebitda_impact_pct(D(target), D(60), D(70), D("0.02"))
    assert (value > 0) - (value < 0) == sign


def test_no_opportunity_means_no_impact() -> None:
    assert ebitda_impact_pct(D(100), D(0), D(0), D("0.05")) == 0


def test_largest_possible_projection_is_five_percent() -> None:
    assert ebitda_impact_pct(D(100), D(0), D(100), D("0.05")) == 5
