"""bench/independent_ratios.py: the paired ratios of `make bench-independent` and its within-15 % verdict against bench/results.json,
on fixed numbers."""

from __future__ import annotations

import pytest

from bench.independent_ratios import FLOOR_LABEL, compare, paired_median_ratio, published_ratios


def test_a_ratio_within_15_percent_of_the_published_one_agrees() -> None:
    assert compare(0.55, 0.50) == {"difference_pct": 10.0, "agrees": True}
    assert compare(0.45, 0.50) == {"difference_pct": -10.0, "agrees": True}


def test_a_ratio_exactly_15_percent_away_agrees_and_one_beyond_does_not() -> None:
    assert compare(1.15, 1.0)["agrees"] is True
    assert compare(0.85, 1.0)["agrees"] is True
    assert compare(1.16, 1.0) == {"difference_pct": 16.0, "agrees": False}
    assert compare(0.84, 1.0) == {"difference_pct": -16.0, "agrees": False}


def test_the_issue_s_own_disagreement_is_reported_as_one() -> None:
    # issue #15: independently 0.89x the peer, bench/results.md 0.53x
    verdict = compare(0.89, 0.53)

    assert verdict["agrees"] is False
    assert verdict["difference_pct"] == pytest.approx(67.9)


@pytest.mark.parametrize(("independent", "published"), [(None, 0.5), (0.5, None), (0.5, 0.0)])
def test_a_missing_ratio_never_agrees(independent: float | None, published: float | None) -> None:
    assert compare(independent, published) == {"difference_pct": None, "agrees": False}


def test_a_paired_ratio_is_the_median_of_same_round_ratios_only() -> None:
    ours = {0: 100.0, 1: 300.0, 2: 120.0, 3: 999.0}
    theirs = {0: 200.0, 1: 400.0, 2: 200.0}  # round 3 has no pair and is left out

    assert paired_median_ratio(ours, theirs) == pytest.approx(0.6)  # median of 0.5, 0.75, 0.6


def test_no_common_round_gives_no_ratio() -> None:
    assert paired_median_ratio({0: 1.0}, {1: 1.0}) is None


def test_published_ratios_are_recomputed_from_the_per_round_times_of_results_json() -> None:
    results = {
        "cold": [
            {"label": "SimulateFunction POST /v2/scores/simulate", "cold_ms_by_round": {"0": 300, "1": 360}},
            {"label": "peer POST /scores/simulate", "cold_ms_by_round": {"0": 600, "1": 600}},
            {"label": "HealthFunction GET /v2/health/liveness", "cold_ms_by_round": {"0": 280, "1": 300}},
            {"label": "peer GET /health", "cold_ms_by_round": {"0": 700, "1": 600}},
            {"label": FLOOR_LABEL, "cold_ms_by_round": {"0": 300, "1": 300}},
        ]
    }

    ratios = published_ratios(results)

    assert ratios["SimulateFunction POST /v2/scores/simulate / peer POST /scores/simulate"] == pytest.approx(
        0.55
    )
    assert ratios[f"SimulateFunction POST /v2/scores/simulate / {FLOOR_LABEL}"] == pytest.approx(1.1)
    assert ratios["HealthFunction GET /v2/health/liveness / peer GET /health"] == pytest.approx(0.45)
    assert ratios[f"HealthFunction GET /v2/health/liveness / {FLOOR_LABEL}"] == pytest.approx(29 / 30)
