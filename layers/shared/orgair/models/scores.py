"""Request and response models of the score, portfolio, simulation and review endpoints.

Responses that differ by stage carry a union discriminated by `param_version` (v1.0 composite on
stage v1, v2.0 Org-AI-R on stage v2).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from orgair.jsontypes import JsonNumber
from orgair.scoring import (
    CompanyScoreInput,
    CompositeResult,
    OrgAirV2Result,
    ParameterOverrides,
    ReviewReason,
)
from orgair.timestamps import Timestamp

MAX_PORTFOLIO_COMPANIES = 500

ScoreResult = Annotated[CompositeResult | OrgAirV2Result, Field(discriminator="param_version")]


class SimulateRequest(CompanyScoreInput):
    """A company plus optional what-if parameter overrides; nothing is stored."""

    parameters: ParameterOverrides | None = None


class PortfolioRequest(BaseModel):
    """Up to 500 companies; each is validated on its own, so one bad item does not fail the rest."""

    model_config = ConfigDict(extra="forbid")

    companies: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_PORTFOLIO_COMPANIES)


class ReviewSummary(BaseModel):
    review_id: str
    status: Literal["pending", "approved", "rejected"]
    reasons: list[ReviewReason]


class StoredScore(BaseModel):
    """A stored score: inputs as submitted, the full breakdown with its parameters, review state."""

    score_id: str
    company_id: str
    param_version: Literal["v1.0", "v2.0"]
    created_at: Timestamp
    inputs: dict[str, Any]
    result: ScoreResult
    requires_review: bool
    review: ReviewSummary | None = None
    correlation_id: str
    assessment: dict[str, Any] | None = Field(
        default=None,
        description="For scores produced by POST /assessments: the assessment's cost and ledger ids.",
    )


class HistoryPage(BaseModel):
    company_id: str
    param_version: Literal["v1.0", "v2.0"]
    items: list[StoredScore]
    next_cursor: str | None


class ItemProblem(BaseModel):
    """An RFC 9457 problem for one item of a batch."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] = Field(default_factory=list)


class PortfolioItem(BaseModel):
    index: int
    company_id: str | None
    status: Literal["stored", "invalid", "failed"]
    score: StoredScore | None = None
    problem: ItemProblem | None = None


class PortfolioSummary(BaseModel):
    count: int = Field(description="Companies submitted.")
    stored: int
    invalid: int
    failed: int
    mean: JsonNumber | None
    min: JsonNumber | None
    max: JsonNumber | None
    requiring_review: list[str] = Field(description="Company ids whose new score opened a review.")


class PortfolioResult(BaseModel):
    param_version: Literal["v1.0", "v2.0"]
    results: list[PortfolioItem]
    summary: PortfolioSummary


class ReviewItem(BaseModel):
    review_id: str
    score_id: str
    company_id: str
    param_version: Literal["v1.0", "v2.0"]
    status: Literal["pending", "approved", "rejected"]
    reasons: list[ReviewReason]
    created_at: Timestamp
    decision: Literal["approve", "reject"] | None = None
    comment: str | None = None
    reviewer_key_id: str | None = None
    decided_at: Timestamp | None = None


class ReviewPage(BaseModel):
    items: list[ReviewItem]
    next_cursor: str | None


class ReviewDecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    comment: str = Field(default="", max_length=2000)
