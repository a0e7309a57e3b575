"""The ratios `make bench-independent` compares: each the median of per-round ratios, from its own raw
times and from bench/results.json's, and whether the two agree within the acceptance's tolerance."""

from __future__ import annotations

import statistics
from typing import Any

TOLERANCE = 0.15
"""The acceptance's bound on |independent − published| / published."""


# (our subject, the bench's label for it, the peer's subject) for each compared ratio.
COMPARED = (
    ("SimulateFunction POST /v2/scores/simulate", "peer POST /scores/simulate"),
    ("HealthFunction GET /v2/health/liveness", "peer GET /health"),
)
FLOOR_LABEL = "floor: boto3 + DynamoDB client"


def paired_median_ratio(ours: dict[int, float], theirs: dict[int, float]) -> float | None:
    """Median over rounds of ours / theirs, pairs from the same round only."""
    ratios = [ours[key] / theirs[key] for key in sorted(ours) if key in theirs and theirs[key] > 0]
    return statistics.median(ratios) if ratios else None


def compare(
    independent: float | None, published: float | None, tolerance: float = TOLERANCE
) -> dict[str, Any]:
    """Relative difference of the independent ratio from the published one, and whether it is
    within `tolerance` (inclusive). A missing side cannot agree."""
    if independent is None or published is None or published <= 0:
        return {"difference_pct": None, "agrees": False}
    difference = (independent - published) / published
    return {"difference_pct": round(difference * 100, 1), "agrees": abs(difference) <= tolerance + 1e-12}


def published_ratios(results: dict[str, Any]) -> dict[str, float | None]:
    """The compared ratios recomputed from bench/results.json's per-round cold times."""
    cold = {
        entry["label"]: {int(k): v for k, v in entry["cold_ms_by_round"].items()} for entry in results["cold"]
    }
    ratios: dict[str, float | None] = {}
    for ours, peer in COMPARED:
        if ours in cold:
            ratios[f"{ours} / {peer}"] = paired_median_ratio(cold[ours], cold.get(peer, {}))
            ratios[f"{ours} / {FLOOR_LABEL}"] = paired_median_ratio(cold[ours], cold.get(FLOOR_LABEL, {}))
    return ratios
