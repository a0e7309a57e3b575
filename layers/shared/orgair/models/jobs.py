"""The API's shapes for background assessment jobs (POST /portfolios/assessments, /jobs)."""

from __future__ import annotations

from decimal import Decimal
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from orgair.logic.assessments import MAX_EVIDENCE_CHARS
from orgair.models.scores import ItemProblem
from orgair.scoring.models import CompanyId, SectorName
from orgair.timestamps import Timestamp

MAX_JOB_COMPANIES: Final = 500
MAX_JOB_BUDGET_PLACES: Final = 6

_EXAMPLE_EVIDENCE = (
    "Board minutes (2025-03): a data platform team of 12 runs a governed lakehouse; an AI policy was "
    "approved in January; three models are in production for demand forecasting."
)


class JobCompany(BaseModel):
    """One company of a job with its evidence inline (the same limit as POST /assessments).

    Evidence is one field today; a reference to an uploaded evidence document will be an
    alternative to it (`evidence_id`, exactly one of the two), so this object forbids other fields.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    company_id: CompanyId
    sector: SectorName
    evidence: str = Field(min_length=1, max_length=MAX_EVIDENCE_CHARS)


class PortfolioAssessmentRequest(BaseModel):
    """The body of POST /portfolios/assessments."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "companies": [
                        {
                            "company_id": "acme-logistics",
                            "sector": "technology",
                            "evidence": _EXAMPLE_EVIDENCE,
                        },
                        {"company_id": "globex-retail", "sector": "retail", "evidence": _EXAMPLE_EVIDENCE},
                    ],
                    "budget_usd": "5.00",
                    "notify": False,
                }
            ]
        },
    )

    companies: list[JobCompany] = Field(min_length=1, max_length=MAX_JOB_COMPANIES)
    budget_usd: Decimal = Field(
        gt=Decimal(0),
        max_digits=12,
        decimal_places=MAX_JOB_BUDGET_PLACES,
        description="The most the whole job may spend, reserved up front against the daily budgets "
        "(at most JOB_MAX_BUDGET_USD); unused reservation is released when the job ends.",
    )
    model: str | None = Field(
        default=None,
        max_length=100,
        description="One of the configured models (DEFAULT_LLM_MODEL, FALLBACK_LLM_MODEL); "
        "default: the configured default, then its fallback.",
    )
    notify: bool = Field(
        default=False, description="Also publish the job's completion to its SNS topic (JOBS_TOPIC_ARN)."
    )

    @field_validator("budget_usd", mode="before")
    @classmethod
    def _no_float_money(cls, value: object) -> object:
        """Money is a decimal string or an integer; a JSON float would be rounded before we see it."""
        if isinstance(value, float):
            raise ValueError('give the budget as a decimal string (e.g. "5.00") or an integer')
        return value


class JobCountsView(BaseModel):
    total: int
    pending: int
    succeeded: int
    failed: int
    budget_exhausted: int
    cancelled: int


class JobBudgetView(BaseModel):
    """USD as decimal strings (6 places). `spent`: settled attempts; `held`: attempts in flight."""

    reserved: str
    spent: str
    held: str
    released: bool


class JobCompanyView(BaseModel):
    index: int
    company_id: str
    status: Literal["pending", "running", "succeeded", "failed", "budget_exhausted", "cancelled"]
    score_id: str | None = None
    problem: ItemProblem | None = None


class JobView(BaseModel):
    """A job: status, companies by outcome, its budget, and (GET /jobs/{job_id}) each company."""

    job_id: str
    status: Literal["queued", "running", "succeeded", "partially_failed", "failed", "cancelled"]
    param_version: str
    model: str | None
    notify: bool
    created_at: Timestamp
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None
    companies: JobCountsView
    budget: JobBudgetView
    results: list[JobCompanyView] | None = None


class JobList(BaseModel):
    items: list[JobView]
    next_cursor: str | None = None
