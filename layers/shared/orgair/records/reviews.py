"""A human review of one stored score, and the one decision it takes.

Instants are the RFC 3339 strings the review was stored with; `reasons` are the review rule's
reasons as stored (plain JSON-like mappings, numbers as Decimal).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Final, Literal

ReviewStatus = Literal["pending", "approved", "rejected"]
Decision = Literal["approve", "reject"]
DECIDED_STATUS: Final[dict[Decision, ReviewStatus]] = {"approve": "approved", "reject": "rejected"}


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    decision: Decision
    reviewer_key_id: str
    decided_at: str
    comment: str | None = None

    @property
    def status(self) -> ReviewStatus:
        return DECIDED_STATUS[self.decision]


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    review_id: str
    tenant_id: str
    score_id: str
    company_id: str
    param_version: str
    status: ReviewStatus
    reasons: tuple[dict[str, Any], ...]
    created_at: str
    decision: Decision | None = None
    comment: str | None = None
    reviewer_key_id: str | None = None
    decided_at: str | None = None

    def decided(self, decision: ReviewDecision) -> ReviewRecord:
        """This review once `decision` is recorded."""
        return replace(
            self,
            status=decision.status,
            decision=decision.decision,
            comment=decision.comment,
            reviewer_key_id=decision.reviewer_key_id,
            decided_at=decision.decided_at,
        )
