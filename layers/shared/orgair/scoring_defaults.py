"""The scoring specification's defaults and allowed ranges, written once.

The deployment's settings (`orgair.settings`, what an operator may configure) and the scoring
models (`orgair.scoring.parameters` and `orgair.scoring.review`, what a request may override and
what a score is checked against) are both built from these, so they cannot drift apart
(tests/unit/orgair/logic/test_scoring_config.py). Decimal literals as the specification writes them.
Imports nothing of ours: settings load it in every function, where the scoring package stays
unloaded unless something is scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Tunable:
    """A parameter's default and the closed range [low, high] it may be set to."""

    default: str
    low: str
    high: str


ALPHA: Final = Tunable("0.60", "0.55", "0.70")
BETA: Final = Tunable("0.12", "0.08", "0.20")
LAMBDA: Final = Tunable("0.25", "0", "0.50")
DELTA: Final = Tunable("0.15", "0.10", "0.20")
EBITDA_GAMMA: Final = Tunable("0.035", "0.02", "0.05")
BETA_SYNERGY_COEF: Final = Tunable("0.15", "0.05", "0.20")
GAMMA_EXPERIENCE: Final = Tunable("0.15", "0.10", "0.25")
SCORE_CHANGE_THRESHOLD: Final = Tunable("15", "5", "30")
"""Review threshold: points of score change."""
EBITDA_CHANGE_THRESHOLD: Final = Tunable("10", "5", "25")
"""Review threshold: percent of EBITDA projection change."""

DIMENSION_WEIGHTS: Final[Mapping[str, str]] = {
    "data_infrastructure": "0.18",
    "ai_governance": "0.15",
    "technology_stack": "0.15",
    "talent": "0.17",
    "leadership": "0.13",
    "use_case_portfolio": "0.12",
    "culture": "0.10",
}
"""Weight of each dimension in the weighted mean, in specification order (they sum to 1)."""
INDIVIDUAL_WEIGHTS: Final[Mapping[str, str]] = {"fluency": "0.45", "domain": "0.35", "adaptive": "0.20"}
"""Weights of AI fluency, domain expertise and adaptive capacity in an individual's V^R."""
