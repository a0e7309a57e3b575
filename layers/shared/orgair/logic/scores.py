"""Scoring a company and storing it with its audit trail; portfolios; history; simulation.

Every stored score keeps tenant, company, parameter version, the inputs as validated, every
parameter and weight used, the full breakdown, the defaults applied, timestamps and correlation id.
A score that moved too far from the company's last accepted score, or drifted too far from its last
approved one (same tenant, same version), opens a pending review in the same transaction; see
`orgair.scoring.review` for the rule and `orgair.dal.scores.Pointer` for how the references are kept;
each write is prepared by `orgair.logic.score_writes`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Final

from orgair.auth.principal import RequestMeta
from orgair.business_metrics import record_review_opened, record_score_computed
from orgair.dal import scores as scores_dal
from orgair.dal.scores import ScoreRepository
from orgair.dynamo.codec import unstorable
from orgair.errors import FieldError, NotFound, OrgairError, ValidationFailed
from orgair.ids import is_id
from orgair.jsontypes import plain_json
from orgair.logic.score_writes import Pending, assessment_view, contended, prepare, score_repository
from orgair.logic.scoring_config import scoring_parameters
from orgair.models.scores import (
    HistoryPage,
    ItemFieldProblem,
    ItemProblem,
    PortfolioItem,
    PortfolioRequest,
    PortfolioResult,
    PortfolioSummary,
    ReviewSummary,
    SimulateRequest,
    StoredScore,
)
from orgair.pagination import decode_cursor, encode_cursor
from orgair.records.scores import AssessmentRecord, ScoreRecord
from orgair.scoring import (
    CompanyScoreInput,
    CompositeResult,
    IndividualScoreResult,
    OrgAirV2Result,
    ParameterOverrides,
    ParamVersion,
    parse_company_input,
    parse_individual_input,
    q4,
    score_company,
    score_individual,
)
from orgair.scoring.models import V2_ONLY_INPUTS
from orgair.scoring.parameters import V2_ONLY_PARAMETERS
from orgair.settings import Settings
from orgair.timestamps import as_rfc3339

COMPANY_ID: Final = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def headline(result: CompositeResult | OrgAirV2Result) -> Decimal:
    """The one number a score is summarised by: the composite (v1.0) or Org-AI-R (v2.0)."""
    return result.org_air if isinstance(result, OrgAirV2Result) else result.composite


def simulate(
    request: SimulateRequest, version: ParamVersion, settings: Settings
) -> CompositeResult | OrgAirV2Result:
    """The stored computation, with optional what-if parameters, stored nowhere."""
    check_version_inputs(request, version)
    parameters = scoring_parameters(settings)
    if request.parameters is not None:
        parameters = parameters.with_overrides(request.parameters)
    result = score_company(request, parameters, version)
    record_score_computed(version)
    return result


def score_person(body: Any, settings: Settings) -> IndividualScoreResult:
    return score_individual(parse_individual_input(body), scoring_parameters(settings))


def check_version_inputs(
    company: CompanyScoreInput, version: ParamVersion, prefix: str = ""
) -> CompanyScoreInput:
    """Refuse (422, naming each field) inputs the stage's version would not use, rather than score
    without them as if they had been read. A field sent as `null` is the same as one left out."""
    if version != "v1.0":
        return company
    path = f"{prefix}." if prefix else ""
    bad = [name for name in V2_ONLY_INPUTS if getattr(company, name) is not None]
    parameters = getattr(company, "parameters", None)
    if isinstance(parameters, ParameterOverrides):
        sent = parameters.model_dump(by_alias=True, exclude_none=True)
        bad.extend(f"parameters.{name}" for name in V2_ONLY_PARAMETERS if name in sent)
    if bad:
        raise ValidationFailed(
            f"{', '.join(bad)} {'is' if len(bad) == 1 else 'are'} used only by v2.0 (Org-AI-R); "
            "v1.0 scores the dimensions alone. Leave them out, or call /v2.",
            errors=[FieldError(path + name, "used only by v2.0; not accepted on v1") for name in bad],
        )
    return company


def check_storable(company: CompanyScoreInput, prefix: str = "") -> CompanyScoreInput:
    """Refuse (422) an input number DynamoDB cannot hold exactly, which would otherwise fail the write.

    Such a number (more than 38 significant digits, or a magnitude below 1e-130) is within its domain,
    so a simulation scores it; only storing it is impossible without changing the inputs kept.
    """
    bad = unstorable(company.model_dump(mode="python", exclude_none=True), prefix)
    if bad:
        message = "cannot be stored exactly: use at most 38 significant digits and no magnitude below 1e-130"
        raise ValidationFailed(
            "The company input has numbers that cannot be stored.",
            errors=[FieldError(path, message) for path in bad],
        )
    return company


def store_score(
    company: CompanyScoreInput,
    *,
    version: ParamVersion,
    meta: RequestMeta,
    settings: Settings,
    assessment: AssessmentRecord | None = None,
    score_id: str | None = None,
    scores: ScoreRepository | None = None,
) -> StoredScore:
    """Score, compare with the company's references, and store score + pointer (+ review) atomically.

    One read (the pointer) and one transactional write conditional on that pointer; if another
    score of the company got in between, the decision is taken again on the new pointer.
    `score_id`: the id to store under (a new id when None), for a caller that recorded it first
    (a job's worker, so that a later run finds the score stored instead of storing a second one).
    """
    check_storable(check_version_inputs(company, version))
    pending = Pending.of(company, score_company(company, scoring_parameters(settings), version), score_id)
    scores = scores or score_repository(settings)
    for attempt in range(scores_dal.WRITE_ATTEMPTS):
        if attempt:
            scores_dal.pause_before_retry(attempt)
        read = scores.pointer(meta.tenant_id, company.company_id, version)
        write, view = prepare(
            pending, read, version=version, meta=meta, settings=settings, assessment=assessment
        )
        if scores.save(write) == "stored":
            break
    else:
        raise contended()
    record_score_computed(version)
    if view.requires_review:
        record_review_opened()
    return view


def _problem(error: OrgairError) -> ItemProblem:
    return ItemProblem(
        type=error.type_uri,
        title=error.title,
        status=error.status,
        detail=error.detail,
        errors=[ItemFieldProblem(field=e.field, message=e.message) for e in error.errors],
    )


def store_portfolio(
    request: PortfolioRequest,
    *,
    version: ParamVersion,
    meta: RequestMeta,
    settings: Settings,
    scores: ScoreRepository | None = None,
) -> PortfolioResult:
    """Validate every company on its own, then read previous scores and write in batches.

    Results come back in input order; an invalid item gets its problem, a company whose
    transaction failed gets a 503 problem, and no company is ever stored half-way.
    """
    parameters = scoring_parameters(settings)
    scores = scores or score_repository(settings)
    items: list[PortfolioItem | None] = [None] * len(request.companies)
    valid: list[tuple[int, CompanyScoreInput]] = []
    seen: set[str] = set()
    for index, raw in enumerate(request.companies):
        raw_id = raw.get("company_id") if isinstance(raw, dict) else None
        try:
            prefix = f"companies.{index}"
            company = check_storable(
                check_version_inputs(parse_company_input(raw, prefix=prefix), version, prefix), prefix=prefix
            )
        except ValidationFailed as error:
            items[index] = PortfolioItem(
                index=index,
                company_id=raw_id if isinstance(raw_id, str) else None,
                status="invalid",
                problem=_problem(error),
            )
            continue
        if company.company_id in seen:
            duplicate = ValidationFailed(
                "A company may appear only once in a portfolio.",
                errors=[FieldError(f"companies.{index}.company_id", "duplicate of an earlier item")],
            )
            items[index] = PortfolioItem(
                index=index, company_id=company.company_id, status="invalid", problem=_problem(duplicate)
            )
            continue
        seen.add(company.company_id)
        valid.append((index, company))

    waiting = [
        (index, Pending.of(company, score_company(company, parameters, version))) for index, company in valid
    ]
    for attempt in range(scores_dal.WRITE_ATTEMPTS):
        if not waiting:
            break
        if attempt:
            scores_dal.pause_before_retry(attempt)
        read = scores.pointers(
            meta.tenant_id, (pending.company.company_id for _, pending in waiting), version
        )
        prepared = [
            (
                index,
                pending,
                *prepare(
                    pending,
                    read.get(pending.company.company_id, scores_dal.Pointer()),
                    version=version,
                    meta=meta,
                    settings=settings,
                    assessment=None,
                ),
            )
            for index, pending in waiting
        ]
        outcomes = scores.save_many([write for _, _, write, _ in prepared])
        waiting = []
        for (index, pending, _, view), outcome in zip(prepared, outcomes, strict=True):
            if outcome == "stored":
                items[index] = PortfolioItem(
                    index=index, company_id=view.company_id, status="stored", score=view
                )
            elif outcome == "pointer_moved":
                waiting.append((index, pending))
            else:
                failure = (
                    outcome
                    if isinstance(outcome, OrgairError)
                    else OrgairError("The score could not be stored.")
                )
                items[index] = PortfolioItem(
                    index=index, company_id=view.company_id, status="failed", problem=_problem(failure)
                )
    for index, pending in waiting:
        items[index] = PortfolioItem(
            index=index,
            company_id=pending.company.company_id,
            status="failed",
            problem=_problem(contended()),
        )
    stored = [item.score for item in items if item is not None and item.score is not None]
    if stored:
        record_score_computed(version, len(stored))
    reviews_opened = sum(1 for view in stored if view.requires_review)
    if reviews_opened:
        record_review_opened(reviews_opened)
    headlines = [headline(view.result) for view in stored]
    summary = PortfolioSummary(
        count=len(request.companies),
        stored=len(stored),
        invalid=sum(1 for item in items if item is not None and item.status == "invalid"),
        failed=sum(1 for item in items if item is not None and item.status == "failed"),
        mean=q4(sum(headlines, Decimal(0)) / len(headlines)) if headlines else None,
        min=min(headlines) if headlines else None,
        max=max(headlines) if headlines else None,
        requiring_review=[view.company_id for view in stored if view.requires_review],
    )
    return PortfolioResult(
        param_version=version, results=[item for item in items if item is not None], summary=summary
    )


def view_of(score: ScoreRecord) -> StoredScore:
    """The API view of a stored score."""
    review = None
    if score.review_id:
        review = ReviewSummary.model_validate(
            {"review_id": score.review_id, "status": score.review_status, "reasons": score.review_reasons}
        )
    return StoredScore(
        score_id=score.score_id,
        company_id=score.company_id,
        param_version=score.param_version,
        created_at=as_rfc3339(score.created_at),
        inputs=plain_json(score.inputs),
        result=score.result,
        requires_review=score.requires_review,
        review=review,
        correlation_id=score.correlation_id,
        assessment=assessment_view(score.assessment),
    )


def get_score(
    tenant_id: str,
    score_id: str,
    *,
    version: ParamVersion,
    settings: Settings,
    scores: ScoreRepository | None = None,
) -> StoredScore:
    """Another tenant's score, another stage's score and an unknown id look the same: 404.

    Each stage renders only its own model (v1.0 composite, v2.0 Org-AI-R), so a score stored on the
    other stage does not exist on this one.
    """
    score = (scores or score_repository(settings)).get(tenant_id, score_id) if is_id(score_id) else None
    if score is None or score.param_version != version:
        raise NotFound("No score with this id.")
    return view_of(score)


def check_company_id(company_id: str) -> str:
    if not COMPANY_ID.match(company_id):
        raise ValidationFailed(
            "The company id is invalid.",
            errors=[FieldError("company_id", "must be 1 to 64 letters, digits, '.', '_' or '-'")],
        )
    return company_id


def company_history(
    tenant_id: str,
    company_id: str,
    *,
    version: ParamVersion,
    limit: int,
    cursor: str | None,
    settings: Settings,
    scores: ScoreRepository | None = None,
) -> HistoryPage:
    """One page of the company's scores of this stage's version, newest first; never a scan."""
    check_company_id(company_id)
    secret = settings.signing_key()
    scope = f"{tenant_id}|history|{company_id}|{version}"
    start = decode_cursor(cursor, secret=secret, scope=scope)
    items, last = (scores or score_repository(settings)).history(
        tenant_id, company_id, version, limit=limit, start_key=start
    )
    return HistoryPage(
        company_id=company_id,
        param_version=version,
        items=[view_of(item) for item in items],
        next_cursor=encode_cursor(last, secret=secret, scope=scope),
    )
