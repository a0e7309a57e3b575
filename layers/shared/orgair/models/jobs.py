"""The API's shapes for background assessment jobs (POST /portfolios/assessments, /jobs)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from orgair.evidence.documents import EVIDENCE_FIELD, EVIDENCE_ID_PATTERN
from orgair.evidence.models import CompanyEvidence
from orgair.models.scores import ItemProblem
from orgair.scoring.models import mark_only_in
from orgair.timestamps import Timestamp

MAX_JOB_COMPANIES: Final = 500
MAX_JOB_BUDGET_PLACES: Final = 6
MAX_USD_TEXT: Final = 24
"""A budget sent as a string is at most this long (12 digits, a point and some padding): longer text is
refused before it is parsed as a number."""


def _bounded_usd_text(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_USD_TEXT:
        raise ValueError(f"a USD amount is at most {MAX_USD_TEXT} characters")
    return value


def _string_form_bounded(schema: dict[str, Any]) -> None:
    for branch in schema.get("anyOf", []):
        if isinstance(branch, dict) and branch.get("type") == "string":
            branch["maxLength"] = MAX_USD_TEXT


_EXAMPLE_EVIDENCE = (
    "Board minutes (2025-03): a data platform team of 12 runs a governed lakehouse; an AI policy was "
    "approved in January; three models are in production for demand forecasting."
)


def _company_schema(schema: dict[str, Any]) -> None:
    mark_only_in("v2.0", (EVIDENCE_FIELD,))(schema)


class JobCompany(CompanyEvidence):
    """One company of a job: its evidence inline (the same limit as POST /assessments) or, on v2, a
    document uploaded through POST /evidence (`evidence_id`); exactly one of them."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_company_schema)

    evidence_id: str | None = Field(
        default=None,
        pattern=EVIDENCE_ID_PATTERN,
        max_length=26,
        description="An evidence document uploaded through POST /evidence, instead of `evidence` "
        "(v2 only); checked to exist and be uploaded when the job is created.",
    )


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
    budget_usd: Annotated[Decimal, BeforeValidator(_bounded_usd_text)] = Field(
        json_schema_extra=_string_form_bounded,
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


_JOB_EXAMPLE: Final[dict[str, Any]] = {
    "job_id": "01JD3Q5ZKXW8M4T7V2N6R9B1CE",
    "status": "partially_failed",
    "param_version": "v2.0",
    "model": None,
    "notify": False,
    "created_at": "2026-12-03T10:15:30.123Z",
    "started_at": "2026-12-03T10:15:30.456Z",
    "finished_at": "2026-12-03T10:16:02.789Z",
    "companies": {
        "total": 2,
        "pending": 0,
        "succeeded": 1,
        "failed": 0,
        "budget_exhausted": 1,
        "cancelled": 0,
    },
    "budget": {"reserved": "0.030000", "spent": "0.021000", "held": "0.000000", "released": True},
    "results": [
        {
            "index": 0,
            "company_id": "acme-logistics",
            "status": "succeeded",
            "score_id": "01JD3Q60AB7C9D1E2F3G4H5J6K",
        },
        {
            "index": 1,
            "company_id": "globex-retail",
            "status": "budget_exhausted",
            "problem": {
                "type": "https://api.orgair.io/problems/budget-exceeded",
                "title": "Too Many Requests",
                "status": 429,
                "detail": "The job:01JD3Q5ZKXW8M4T7V2N6R9B1CE budget is exhausted.",
                "errors": [],
            },
        },
    ],
}


class JobView(BaseModel):
    """A job: status, companies by outcome, its budget, and (GET /jobs/{job_id}) each company."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**_JOB_EXAMPLE, "param_version": version} for version in ("v1.0", "v2.0")]
        }
    )

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            **{key: value for key, value in _JOB_EXAMPLE.items() if key != "results"},
                            "param_version": version,
                        }
                    ],
                    "next_cursor": None,
                }
                for version in ("v1.0", "v2.0")
            ]
        }
    )

    items: list[JobView]
    next_cursor: str | None = None
