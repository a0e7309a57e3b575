"""A stored score: the company's inputs as validated, the full result, the review it opened and, for a
score produced by an assessment, what the model read and what it cost.

Instants are the RFC 3339 strings the score was stored with; `inputs`, `result`, the review reasons,
the ratings and the LLM spend are plain JSON-like mappings as stored (numbers as Decimal), which the
API view validates into its models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

EvidenceSource = Literal["inline", "upload"]
ReviewStatus = Literal["pending", "approved", "rejected"]
"""As `orgair.records.reviews.ReviewStatus` (a record module imports no other module of ours; a
test pins the two equal)."""


@dataclass(frozen=True, slots=True)
class EvidenceProvenance:
    """Which evidence an assessment read: the document kept in EvidenceBucket and its hash."""

    evidence_id: str
    source: EvidenceSource
    location: str
    sha256: str
    size_bytes: int
    content_type: str


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    """What a score produced by POST /assessments keeps of its assessment.

    `evidence` and `prompt_version` are None on scores assessed before they were kept.
    """

    ratings: dict[str, Any]
    evidence_chars: int
    llm: dict[str, Any]
    evidence: EvidenceProvenance | None = None
    prompt_version: str | None = None


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    """One stored score of a company under one parameter version."""

    tenant_id: str
    company_id: str
    score_id: str
    param_version: str
    created_at: str
    inputs: dict[str, Any]
    result: dict[str, Any]
    headline: Decimal
    requires_review: bool = False
    review_id: str | None = None
    review_status: ReviewStatus | None = None
    review_reasons: tuple[dict[str, Any], ...] = field(default=())
    correlation_id: str = ""
    request_id: str | None = None
    key_id: str | None = None
    assessment: AssessmentRecord | None = None

    @property
    def ebitda_impact_pct(self) -> Decimal | None:
        """The EBITDA impact the review rule compares (None when the result has none)."""
        value = self.result.get("ebitda_impact_pct")
        return None if value is None else Decimal(value)
