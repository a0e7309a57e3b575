"""Stored scores as the score logic writes them, for the repository tests (DAL and contract)."""

from __future__ import annotations

from decimal import Decimal

from orgair.dal.pointers import Mark, Pointer
from orgair.dal.scores import ScoreWrite
from orgair.ids import new_id
from orgair.records.reviews import ReviewRecord
from orgair.records.scores import AssessmentRecord, EvidenceProvenance, ScoreRecord

CREATED_AT = "2030-01-01T00:00:00.000+00:00"


def score_record(
    company_id: str,
    *,
    tenant_id: str = "acme",
    version: str = "v2.0",
    score: str = "50",
    ebitda: str | None = None,
    score_id: str | None = None,
    review_id: str | None = None,
    assessment: AssessmentRecord | None = None,
) -> ScoreRecord:
    result: dict[str, object] = {"param_version": version, "org_air": Decimal(score)}
    if ebitda is not None:
        result["ebitda_impact_pct"] = Decimal(ebitda)
    return ScoreRecord(
        tenant_id=tenant_id,
        company_id=company_id,
        score_id=score_id or new_id(),
        param_version=version,
        created_at=CREATED_AT,
        inputs={"company_id": company_id, "sector": "logistics"},
        result=result,
        headline=Decimal(score),
        requires_review=review_id is not None,
        review_id=review_id,
        review_status="pending" if review_id else None,
        review_reasons=({"code": "score_jump", "delta": Decimal("12.5")},) if review_id else (),
        correlation_id="corr-1",
        request_id="req-1",
        key_id="key-1",
        assessment=assessment,
    )


def an_assessment() -> AssessmentRecord:
    return AssessmentRecord(
        ratings={"talent": {"score": 60, "rationale": "a team of 12"}},
        evidence_chars=120,
        llm={"provider": "openai", "model": "gpt-x", "cost": "0.001200", "attempts": []},
        evidence=EvidenceProvenance(
            evidence_id=new_id(),
            source="inline",
            location="evidence/acme/e1",
            sha256="0" * 64,
            size_bytes=120,
            content_type="text/plain",
        ),
        prompt_version="assessment-2026-12-03",
    )


def review_for(score: ScoreRecord) -> ReviewRecord:
    assert score.review_id is not None
    return ReviewRecord(
        review_id=score.review_id,
        tenant_id=score.tenant_id,
        score_id=score.score_id,
        company_id=score.company_id,
        param_version=score.param_version,
        status="pending",
        reasons=score.review_reasons,
        created_at=score.created_at,
    )


def score_write(score: ScoreRecord, read: Pointer, *, accepted: bool = True) -> ScoreWrite:
    """The write of `score` replacing the pointer `read` (with its review when it opened one)."""
    mark = Mark(score.score_id, score.headline, score.ebitda_impact_pct)
    return ScoreWrite(
        score=score,
        read=read,
        pointer=read.with_score(mark, accepted=accepted),
        review=review_for(score) if score.review_id else None,
    )
