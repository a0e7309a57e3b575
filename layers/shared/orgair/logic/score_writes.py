"""Preparing a score's write: the review decision against the company's pointer as read, the
stored record, the review it opens and the API view, all from one scored company.

`orgair.logic.scores` stores one company, a portfolio, and reads scores back; every write it makes
is prepared here, so a single score and a portfolio's scores are stored the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from orgair.auth.principal import RequestMeta
from orgair.dal import scores as scores_dal
from orgair.dal.scores import ScoreRepository, ScoreTable, ScoreWrite
from orgair.errors import DependencyUnavailable
from orgair.ids import new_id
from orgair.jsontypes import plain_json
from orgair.logic.scoring_config import review_thresholds
from orgair.models.scores import ReviewSummary, StoredScore
from orgair.records.reviews import ReviewRecord
from orgair.records.scores import AssessmentRecord, ScoreRecord
from orgair.scoring import (
    CompanyScoreInput,
    CompositeResult,
    OrgAirV2Result,
    ParamVersion,
    ScoreSnapshot,
    review_decision,
)
from orgair.settings import Settings
from orgair.timestamps import now_rfc3339


def score_repository(settings: Settings) -> ScoreRepository:
    return ScoreTable.default(settings.SCORES_TABLE_NAME, settings.REVIEWS_TABLE_NAME)


def _snapshot(mark: scores_dal.Mark | None) -> ScoreSnapshot | None:
    return None if mark is None else ScoreSnapshot(mark.score, mark.ebitda_impact_pct)


@dataclass(frozen=True, slots=True)
class Pending:
    """A scored company waiting to be stored; its id and time stay the same across write attempts."""

    company: CompanyScoreInput
    result: CompositeResult | OrgAirV2Result
    score_id: str
    created_at: str

    @classmethod
    def of(
        cls,
        company: CompanyScoreInput,
        result: CompositeResult | OrgAirV2Result,
        score_id: str | None = None,
    ) -> Pending:
        return cls(company, result, score_id or new_id(), now_rfc3339())


def prepare(
    pending: Pending,
    read: scores_dal.Pointer,
    *,
    version: ParamVersion,
    meta: RequestMeta,
    settings: Settings,
    assessment: AssessmentRecord | None,
) -> tuple[ScoreWrite, StoredScore]:
    """Decide on review against the pointer as read, and build the write that replaces that pointer."""
    company, result, score_id, created_at = (
        pending.company,
        pending.result,
        pending.score_id,
        pending.created_at,
    )
    snapshot = ScoreSnapshot.of(result)
    decision = review_decision(
        _snapshot(read.baseline), snapshot, review_thresholds(settings), anchor=_snapshot(read.anchor)
    )
    review_id = new_id() if decision.requires_review else None
    reasons = tuple(reason.model_dump() for reason in decision.reasons)
    inputs = company.model_dump(mode="python", exclude_none=True)
    score = ScoreRecord(
        tenant_id=meta.tenant_id,
        company_id=company.company_id,
        score_id=score_id,
        param_version=version,
        created_at=created_at,
        inputs=inputs,
        result=result.model_dump(mode="python"),
        headline=snapshot.score,
        requires_review=decision.requires_review,
        review_id=review_id,
        review_status="pending" if review_id else None,
        review_reasons=reasons,
        correlation_id=meta.correlation_id,
        request_id=meta.request_id,
        key_id=meta.key_id,
        assessment=assessment,
    )
    mark = scores_dal.Mark(score_id, snapshot.score, snapshot.ebitda_impact_pct)
    review = None
    if review_id is not None:
        review = ReviewRecord(
            review_id=review_id,
            tenant_id=meta.tenant_id,
            score_id=score_id,
            company_id=company.company_id,
            param_version=version,
            status="pending",
            reasons=reasons,
            created_at=created_at,
        )
    write = ScoreWrite(
        score=score,
        read=read,
        pointer=read.with_score(mark, accepted=not decision.requires_review),
        review=review,
    )
    view = StoredScore(
        score_id=score_id,
        company_id=company.company_id,
        param_version=version,
        created_at=created_at,
        inputs=plain_json(inputs),
        result=result,
        requires_review=decision.requires_review,
        review=ReviewSummary(review_id=review_id, status="pending", reasons=list(decision.reasons))
        if review_id
        else None,
        correlation_id=meta.correlation_id,
        assessment=assessment_view(assessment),
    )
    return write, view


def assessment_view(assessment: AssessmentRecord | None) -> Any:
    """The assessment as the API view validates it (plain JSON values)."""
    return None if assessment is None else plain_json(asdict(assessment))


def contended() -> DependencyUnavailable:
    return DependencyUnavailable(
        "Other scores of this company were being stored at the same time; retry.", retry_after_seconds=1
    )
