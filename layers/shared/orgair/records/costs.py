"""The records of cost governance: usage, holds, ledger lines, budget counters, alert claims,
tenant budget settings and their history, and usage-report markers.

Plain immutable data shared by the domain services and the data-access module; amounts are integer
micro-USD, instants are aware UTC datetimes, days are UTC calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final, Literal

Provider = Literal["openai", "anthropic"]
PROVIDERS: Final[tuple[Provider, ...]] = ("openai", "anthropic")


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens of one call by price class. `input_tokens` excludes cached and cache-write tokens."""

    input_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0

    def __post_init__(self) -> None:
        for name in ("input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.cached_input_tokens + self.cache_write_tokens + self.output_tokens


HoldStatus = Literal["held", "settled"]
LineStatus = Literal["settled", "uncertain"]
LineKind = Literal["charge", "correction"]
AlertState = Literal["claimed", "published"]


DegradeReason = Literal["soft_threshold", "default_not_admissible"]


@dataclass(frozen=True, slots=True)
class Degradation:
    """Why a call went to DEGRADED_LLM_MODEL instead of the model it would have used.

    `soft_threshold`: `scope` had committed at least `threshold` percent (DEGRADE_AT_PCT) of its
    limit; `default_not_admissible`: the requested model's reservation no longer fitted in `scope`
    (threshold `100`). The cheaper model's reservation is still admitted by the same transaction.
    """

    reason: DegradeReason
    scope: str
    threshold: str
    requested_model: str


@dataclass(frozen=True, slots=True)
class CallMeta:
    """Who a call is for and why: stamped on its hold and its ledger line."""

    tenant_id: str
    purpose: str
    correlation_id: str
    request_id: str
    parent_request_id: str
    attempt: int = 1
    degradation: Degradation | None = None
    """Set when the call was routed to the cheaper model (the routing decision and its reason)."""


@dataclass(frozen=True, slots=True)
class Hold:
    """A reservation of the worst-case cost of one call, charged to the day it was admitted."""

    call_id: str
    meta: CallMeta
    provider: str
    model: str
    pricing_version: str
    day: date
    scopes: tuple[str, ...]
    estimate_micros: int
    reserved_at: datetime
    expires_at: datetime
    status: HoldStatus = "held"
    price_row_id: str | None = None
    """The price row in force at admission (`<model>@<effective_from>`): the call is settled at it."""
    funded_by: str | None = None
    """`job:<id>` when the call draws from a job's reservation (`orgair.costs.job_budget`): its
    estimate was admitted in that job's scope only, because the job already committed its whole
    budget in `scopes` when it was created; settling corrects the job's scope and adds the cost to
    the settled amount of `scopes`."""


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One billed (or possibly billed) call. Append-only; a correction is a new compensating line."""

    call_id: str
    meta: CallMeta
    day: date
    timestamp: datetime
    provider: str
    model: str
    usage: Usage
    cost_micros: int
    pricing_version: str
    status: LineStatus
    outcome: str
    source: Literal["gateway", "external"]
    estimate_micros: int | None = None
    provider_request_id: str | None = None
    anomalous: bool = False
    """The provider reported usage above what was reserved: settled at the reservation instead."""
    price_row_id: str | None = None
    """The price row that priced this line (None on lines written before rows had ids)."""
    kind: LineKind = "charge"
    """`correction`: appended later to restate `corrects` at `price_row_id`; its cost is the
    difference, its usage the corrected line's tokens (not new consumption)."""
    corrects: str | None = None
    """A correction's target: the ledger sort key of the charge line it restates."""
    reason: str | None = None
    """A correction's audit note: who appended it and why."""


@dataclass(frozen=True, slots=True)
class Counter:
    """One scope's budget item for one day (missing counters count as zero)."""

    scope: str
    day: date
    committed_micros: int = 0
    settled_micros: int = 0
    limit_micros: int | None = None
    settled_by_hour: dict[int, int] = field(default_factory=dict)

    @property
    def held_micros(self) -> int:
        return self.committed_micros - self.settled_micros


@dataclass(frozen=True, slots=True)
class AlertRecord:
    scope: str
    day: date
    threshold: str
    state: AlertState
    claimed_at: datetime
    claim_token: str
    utilisation: str | None
    committed_micros: int
    limit_micros: int
    forecast_micros: int | None
    published_at: datetime | None = None
    channels: frozenset[str] = frozenset()
    """The channels (`sns`, `events`) this alert was confirmed published to, each recorded on its own."""


@dataclass(frozen=True, slots=True)
class BudgetSetting:
    """An operator-set tenant budget and who set it when (empty/None for items older than the audit)."""

    limit_micros: int
    updated_at: datetime | None
    updated_by: str


@dataclass(frozen=True, slots=True)
class BudgetChange:
    """One change of a tenant budget: the new limit (None = removed), when and by whom."""

    limit_micros: int | None
    changed_at: datetime
    changed_by: str


@dataclass(frozen=True, slots=True)
class ExternalMarker:
    """A reported usage's idempotency marker: the key's body fingerprint and the line it recorded."""

    tenant_id: str
    idempotency_key: str
    fingerprint: str
    call_id: str
    day: date
    ledger_sk: str
