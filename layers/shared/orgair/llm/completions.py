"""What a caller asks the LLM gateway (`LlmRequest`) and what it gets back: the validated answer and
every attempt with its ledger line and cost (`StructuredCompletion`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel

from orgair.records.costs import Degradation

T = TypeVar("T", bound=BaseModel)

AttemptStatus = Literal["settled", "uncertain", "unsettled"]


@dataclass(frozen=True, slots=True)
class LlmRequest:
    """One logical completion: who it is for, why, and the prompt."""

    tenant_id: str
    purpose: str
    correlation_id: str
    request_id: str
    system: str
    user: str
    parent_request_id: str | None = None
    """The parent id every attempt's ledger line carries (a job's id); None: a fresh one per request."""


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    attempt: int
    call_id: str
    provider: str
    model: str
    outcome: str
    status: AttemptStatus
    cost_micros: int


@dataclass(frozen=True, slots=True)
class StructuredCompletion(Generic[T]):
    value: T
    provider: str
    model: str
    parent_request_id: str
    attempts: tuple[AttemptRecord, ...]
    degradation: Degradation | None = None
    """Set when the request ran on DEGRADED_LLM_MODEL instead of the model it asked for."""

    @property
    def cost_micros(self) -> int:
        return sum(attempt.cost_micros for attempt in self.attempts)
