"""The records of a reconciliation run: each side's figures, the comparison and its alert claim.

One result per provider, day and stage; amounts are exact `Decimal` USD, tokens integers. The totals
in whole micro-USD are computed once by the comparison (`orgair.costs.reconciliation.compare`) and
stored with the result.
"""

from __future__ import annotations

from dataclasses import asdict, astuple, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal

Stage = Literal["provisional", "close"]
"""T+1: the provider's figures may still move (provisional); T+2: the day is closed."""
STAGES: Final[tuple[Stage, ...]] = ("provisional", "close")

TokenType = Literal["input", "cached_input", "cache_write", "output"]
TOKEN_TYPES: Final[tuple[TokenType, ...]] = ("input", "cached_input", "cache_write", "output")
"""The token types compared: uncached input, cache reads, cache writes (every TTL), output."""

Status = Literal["matched", "flagged", "error"]
ClaimState = Literal["claimed", "published"]


@dataclass(frozen=True, slots=True)
class Tokens:
    """Tokens of one model and day by type; the provider's cache writes keep their TTL split."""

    input: int = 0
    cached_input: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0
    output: int = 0

    @property
    def cache_write(self) -> int:
        return self.cache_write_5m + self.cache_write_1h

    def of(self, token_type: TokenType) -> int:
        return self.cache_write if token_type == "cache_write" else int(getattr(self, token_type))  # noqa: S105 - a token type, not a secret

    def __add__(self, other: Tokens) -> Tokens:
        return Tokens(*(mine + theirs for mine, theirs in zip(astuple(self), astuple(other), strict=True)))

    def as_dict(self) -> dict[str, int]:
        """Each count by its field's name (the TTL split kept)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ModelFigures:
    """One side's figures for one model and day: tokens and dollars (exact USD)."""

    tokens: Tokens = field(default_factory=Tokens)
    amount_usd: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class ModelComparison:
    """One model's figures on both sides and why it is flagged (empty: within the thresholds)."""

    model: str
    ledger: ModelFigures
    provider: ModelFigures
    reasons: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


@dataclass(frozen=True, slots=True)
class ReconciliationResult:
    """One provider, day and stage: matched, flagged (with the breakdown) or error (with the reason)."""

    day: date
    provider: str
    stage: Stage
    status: Status
    checked_at: datetime
    rows: tuple[ModelComparison, ...] = ()
    error: str | None = None
    ledger_total_micros: int = 0
    """Σ of the rows' ledger dollars, each in whole micro-USD rounded half-even."""
    provider_total_micros: int = 0
    """Σ of the rows' provider dollars, each in whole micro-USD rounded half-even."""

    @property
    def flagged_rows(self) -> tuple[ModelComparison, ...]:
        return tuple(row for row in self.rows if row.flagged)


@dataclass(frozen=True, slots=True)
class AlertClaim:
    """The one claim of a (day, provider, stage) reconciliation alert."""

    day: date
    provider: str
    stage: Stage
    state: ClaimState
    claim_token: str
    claimed_at: datetime
    published_at: datetime | None = None
