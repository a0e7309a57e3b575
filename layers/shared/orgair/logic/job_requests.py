"""What a portfolio assessment request must satisfy before anything is reserved: a configured
model, a budget within JOB_MAX_BUDGET_USD, each company once, exactly one of `evidence` and
`evidence_id` per company (v2 only for the latter), and every referenced document uploaded."""

from __future__ import annotations

from orgair.costs.money import format_usd, usd_to_micros_floor
from orgair.errors import FieldError, ValidationFailed
from orgair.evidence.documents import EVIDENCE_FIELD, check_uploaded
from orgair.models.jobs import PortfolioAssessmentRequest
from orgair.scoring.versions import ParamVersion
from orgair.settings import Settings


def check_model(request: PortfolioAssessmentRequest, settings: Settings) -> None:
    allowed = [model for model in (settings.DEFAULT_LLM_MODEL, settings.FALLBACK_LLM_MODEL) if model]
    if request.model is not None and request.model not in allowed:
        raise ValidationFailed(
            f"Model '{request.model}' is not one of the configured models.",
            errors=[FieldError("model", f"must be one of: {', '.join(allowed)}")],
        )


def check_budget(request: PortfolioAssessmentRequest, settings: Settings) -> int:
    cap = usd_to_micros_floor(settings.JOB_MAX_BUDGET_USD)
    amount = usd_to_micros_floor(request.budget_usd)
    if amount > cap:
        raise ValidationFailed(
            f"A job's budget may be at most {format_usd(cap)} USD (JOB_MAX_BUDGET_USD).",
            errors=[FieldError("budget_usd", f"must be at most {format_usd(cap)}")],
        )
    if amount <= 0:
        raise ValidationFailed(
            "A job's budget must be at least 0.000001 USD.",
            errors=[FieldError("budget_usd", "must be at least 0.000001")],
        )
    return amount


def check_companies(request: PortfolioAssessmentRequest) -> None:
    seen: set[str] = set()
    duplicates = []
    for index, company in enumerate(request.companies):
        if company.company_id in seen:
            duplicates.append(FieldError(f"companies.{index}.company_id", "duplicate of an earlier company"))
        seen.add(company.company_id)
    if duplicates:
        raise ValidationFailed("A company may appear only once in a job.", errors=duplicates[:10])


def check_evidence(request: PortfolioAssessmentRequest, version: ParamVersion) -> None:
    """Each company has exactly one of `evidence` and `evidence_id`; v1 refuses `evidence_id` (422
    naming each company's field, as POST /assessments does)."""
    errors: list[FieldError] = []
    for index, company in enumerate(request.companies):
        where = f"companies.{index}"
        if version == "v1.0" and company.evidence_id is not None:
            errors.append(FieldError(f"{where}.{EVIDENCE_FIELD}", "used only by v2.0; not accepted on v1"))
        elif (company.evidence is None) == (company.evidence_id is None):
            errors.extend(
                FieldError(f"{where}.{name}", "send exactly one of evidence and evidence_id")
                for name in ("evidence", EVIDENCE_FIELD)
            )
    if errors:
        message = (
            "evidence_id is accepted only by v2; on v1 send the evidence text, or call /v2."
            if version == "v1.0" and any(company.evidence_id for company in request.companies)
            else "Send each company's evidence either inline (evidence) or as an uploaded document "
            "(evidence_id), exactly one of them."
        )
        raise ValidationFailed(message, errors=errors[:10])


def check_documents(request: PortfolioAssessmentRequest, tenant_id: str, settings: Settings) -> None:
    """Every referenced evidence document exists for the tenant (404) and was uploaded (409), the
    refusal naming `companies.<i>.evidence_id`; a document referred to twice is checked once."""
    checked: set[str] = set()
    for index, company in enumerate(request.companies):
        if company.evidence_id is None or company.evidence_id in checked:
            continue
        check_uploaded(tenant_id, company.evidence_id, settings, field=f"companies.{index}.{EVIDENCE_FIELD}")
        checked.add(company.evidence_id)
