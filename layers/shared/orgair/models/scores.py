"""Request and response models of the score, portfolio, simulation and review endpoints.

Responses that differ by stage carry a union discriminated by `param_version` (v1.0 composite on
stage v1, v2.0 Org-AI-R on stage v2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from orgair import response_examples as ex
from orgair.jsontypes import DocumentedAs, JsonNumber
from orgair.scoring import (
    CompanyScoreInput,
    CompositeResult,
    OrgAirV2Result,
    ParameterOverrides,
    ReviewReason,
)
from orgair.scoring.models import COMPANY_EXAMPLE, V2_ONLY_INPUTS, mark_only_in
from orgair.timestamps import Timestamp

if TYPE_CHECKING:
    from orgair.records.costs import Degradation

MAX_PORTFOLIO_COMPANIES = 500


class _Model(BaseModel):
    """Validators and serializers built on first use, not at import: a function imports this module
    for the one or two models its routes use (measured: docs/performance.md)."""

    model_config = ConfigDict(defer_build=True)


ScoreResult = Annotated[CompositeResult | OrgAirV2Result, Field(discriminator="param_version")]


_WHAT_IF_WEIGHTS: Final = {
    "data_infrastructure": 0.25,
    "ai_governance": 0.15,
    "technology_stack": 0.15,
    "talent": 0.15,
    "leadership": 0.10,
    "use_case_portfolio": 0.10,
    "culture": 0.10,
}
"""A what-if both versions accept: data infrastructure weighed up (v2's alpha, beta... are v2-only)."""


def _simulate_schema(schema: dict[str, Any]) -> None:
    """The company's inputs (v2-only ones marked, as for CompanyScoreInput) with a what-if example."""
    mark_only_in("v2.0", V2_ONLY_INPUTS)(schema)
    schema["examples"] = [{**COMPANY_EXAMPLE, "parameters": {"dimension_weights": _WHAT_IF_WEIGHTS}}]


class SimulateRequest(CompanyScoreInput):
    """A company plus optional what-if parameter overrides; nothing is stored."""

    model_config = ConfigDict(json_schema_extra=_simulate_schema, defer_build=True)

    parameters: ParameterOverrides | None = None


_V1_COMPANY_EXAMPLE: Final = {
    key: value for key, value in COMPANY_EXAMPLE.items() if key not in V2_ONLY_INPUTS
}
"""The example company without v2-only inputs: valid on both stages (a list item's example is not
filtered per version the way a schema's own `examples` are)."""


_INPUTS_OF: Final = {"v1.0": _V1_COMPANY_EXAMPLE, "v2.0": COMPANY_EXAMPLE}
_VERSIONS: Final = ("v1.0", "v2.0")


def _stored_score_example(version: str) -> dict[str, Any]:
    """The example company stored on the stage of `version`, opening a review (its score moved)."""
    return {
        "score_id": ex.SCORE_IDS[version],
        "company_id": "acme-logistics",
        "param_version": version,
        "created_at": ex.AT,
        "inputs": _INPUTS_OF[version],
        "result": ex.RESULTS[version],
        "requires_review": True,
        "review": ex.review_summary(version),
        "correlation_id": ex.CORRELATION_ID,
        "assessment": None,
    }


def _portfolio_example(version: str) -> dict[str, Any]:
    """Two companies submitted: one stored, one refused on its own (a dimension out of range)."""
    score = _stored_score_example(version)
    return {
        "param_version": version,
        "results": [
            {"index": 0, "company_id": "acme-logistics", "status": "stored", "score": score, "problem": None},
            {
                "index": 1,
                "company_id": "globex-retail",
                "status": "invalid",
                "score": None,
                "problem": {
                    "type": "https://api.orgair.io/problems/validation-error",
                    "title": "Validation failed",
                    "status": 422,
                    "detail": "The company does not match the schema.",
                    "errors": [{"field": "dimensions.talent", "message": "must be a number from 0 to 100"}],
                },
            },
        ],
        "summary": {
            "count": 2,
            "stored": 1,
            "invalid": 1,
            "failed": 0,
            "mean": ex.CURRENT_SCORES[version],
            "min": ex.CURRENT_SCORES[version],
            "max": ex.CURRENT_SCORES[version],
            "requiring_review": ["acme-logistics"],
        },
    }


class PortfolioRequest(_Model):
    """Up to 500 companies; each is validated on its own, so one bad item does not fail the rest."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "companies": [
                        _V1_COMPANY_EXAMPLE,
                        {**_V1_COMPANY_EXAMPLE, "company_id": "globex-retail", "sector": "retail"},
                    ]
                }
            ]
        },
    )

    companies: list[Annotated[dict[str, Any], DocumentedAs(CompanyScoreInput)]] = Field(
        min_length=1,
        max_length=MAX_PORTFOLIO_COMPANIES,
        description="Each item is a company as POST /scores takes it. An item that does not match is "
        "reported in its result (status `invalid`, with its problem); the others are still stored.",
    )


class ReviewSummary(_Model):
    review_id: str
    status: Literal["pending", "approved", "rejected"]
    reasons: list[ReviewReason]


class DimensionRatingView(_Model):
    score: int = Field(ge=0, le=100)
    rationale: str


class DimensionRatingsView(_Model):
    """The model's rating of each dimension, with its rationale."""

    data_infrastructure: DimensionRatingView
    ai_governance: DimensionRatingView
    technology_stack: DimensionRatingView
    talent: DimensionRatingView
    leadership: DimensionRatingView
    use_case_portfolio: DimensionRatingView
    culture: DimensionRatingView


class AssessmentAttemptView(_Model):
    attempt: int
    call_id: str = Field(description="The ledger line of this attempt (GET /costs/entries).")
    provider: str
    model: str
    outcome: str
    status: Literal["settled", "uncertain", "unsettled"]
    cost: str = Field(description="USD, a decimal string with 6 places.")


class DegradedView(_Model):
    """Why an assessment (and each of its ledger lines) ran on the cheaper DEGRADED_LLM_MODEL: which
    scope passed which threshold (percent of its limit; `100` when the requested model's worst case
    no longer fitted)."""

    reason: Literal["soft_threshold", "default_not_admissible"]
    scope: str
    threshold: str
    requested_model: str

    @classmethod
    def of(cls, degradation: Degradation | None) -> DegradedView | None:
        """A call's recorded degradation as shown; None where the call was not degraded."""
        if degradation is None:
            return None
        return cls(
            reason=degradation.reason,
            scope=degradation.scope,
            threshold=degradation.threshold,
            requested_model=degradation.requested_model,
        )


class AssessmentLlmView(_Model):
    """Where the assessment's spend is on the ledger: one line per attempt, under one parent request."""

    provider: str
    model: str
    parent_request_id: str
    cost: str = Field(description="USD, a decimal string with 6 places.")
    attempts: list[AssessmentAttemptView]
    degraded: DegradedView | None = Field(
        default=None, description="Present when the assessment ran on the cheaper model, and why."
    )


class EvidenceProvenanceView(_Model):
    """Which evidence an assessment read: the document kept in EvidenceBucket and the hash of its bytes."""

    evidence_id: str
    source: Literal["inline", "upload"] = Field(
        description="`inline`: the request's `evidence` text, kept by the service; `upload`: a "
        "document uploaded through POST /evidence."
    )
    location: str = Field(
        description="The document's key in the evidence bucket: `evidence/<tenant>/<evidence_id>`."
    )
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the document's bytes, hex.")
    size_bytes: int = Field(ge=1)
    content_type: str


class AssessmentView(_Model):
    """For scores produced by POST /assessments: the ratings, the evidence read, the prompt version
    and the LLM spend."""

    ratings: DimensionRatingsView
    evidence_chars: int
    evidence: EvidenceProvenanceView | None = Field(
        default=None,
        description="The evidence the model read (absent on scores assessed before evidence was kept).",
    )
    prompt_version: str | None = Field(
        default=None,
        description="The version of the assessment prompt that produced the ratings (absent on scores "
        "assessed before prompts were versioned).",
    )
    llm: AssessmentLlmView


class StoredScore(_Model):
    """A stored score: inputs as submitted, the full breakdown with its parameters, review state."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [_stored_score_example(version) for version in _VERSIONS]}
    )

    score_id: str
    company_id: str
    param_version: Literal["v1.0", "v2.0"]
    created_at: Timestamp
    inputs: Annotated[dict[str, Any], DocumentedAs(CompanyScoreInput)] = Field(
        description="The company as submitted (validated; optional fields left out stay out)."
    )
    result: ScoreResult
    requires_review: bool
    review: ReviewSummary | None = None
    correlation_id: str
    assessment: AssessmentView | None = Field(
        default=None,
        description="For scores produced by POST /assessments: the assessment's cost and ledger ids.",
    )


class HistoryPage(_Model):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "company_id": "acme-logistics",
                    "param_version": version,
                    "items": [_stored_score_example(version)],
                    "next_cursor": None,
                }
                for version in _VERSIONS
            ]
        }
    )

    company_id: str
    param_version: Literal["v1.0", "v2.0"]
    items: list[StoredScore]
    next_cursor: str | None


class ItemFieldProblem(_Model):
    field: str
    message: str


class ItemProblem(_Model):
    """An RFC 9457 problem for one item of a batch."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ItemFieldProblem] = Field(default_factory=list)


class PortfolioItem(_Model):
    index: int
    company_id: str | None
    status: Literal["stored", "invalid", "failed"]
    score: StoredScore | None = None
    problem: ItemProblem | None = None


class PortfolioSummary(_Model):
    count: int = Field(description="Companies submitted.")
    stored: int
    invalid: int
    failed: int
    mean: JsonNumber | None
    min: JsonNumber | None
    max: JsonNumber | None
    requiring_review: list[str] = Field(description="Company ids whose new score opened a review.")


class PortfolioResult(_Model):
    model_config = ConfigDict(
        json_schema_extra={"examples": [_portfolio_example(version) for version in _VERSIONS]}
    )

    param_version: Literal["v1.0", "v2.0"]
    results: list[PortfolioItem]
    summary: PortfolioSummary


class ReviewItem(_Model):
    model_config = ConfigDict(
        json_schema_extra={"examples": [ex.review_item(version, decided=True) for version in _VERSIONS]}
    )

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


class ReviewPage(_Model):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"items": [ex.review_item(version, decided=False)], "next_cursor": None}
                for version in _VERSIONS
            ]
        }
    )

    items: list[ReviewItem]
    next_cursor: str | None


class ReviewDecisionRequest(_Model):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"decision": "approve", "comment": "Checked against the latest board pack."}]
        },
    )

    decision: Literal["approve", "reject"]
    comment: str = Field(default="", max_length=2000)
