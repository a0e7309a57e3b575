"""POST /assessments: evidence → LLM dimension ratings → a stored score of the stage's version;
POST /evidence: a pre-signed upload of an evidence document to assess by its id.

The handler adapts the event; the LLM exchange (budgets, retries, fallback, repair), the scoring and
the storing live in `orgair.logic.assessments` and `orgair.logic.scores`. An `Idempotency-Key`, when
sent, makes a retried request return the first answer instead of paying for a second assessment.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from orgair.costs.ledger import CostLedger
from orgair.evidence.documents import MAX_UPLOAD_BYTES, UPLOAD_EXPIRY_SECONDS, issue_upload
from orgair.evidence.models import EvidenceUpload, EvidenceUploadRequest
from orgair.http import create_app, make_handler, param_version, request_meta, requires
from orgair.idempotent_create import create_once
from orgair.llm.gateway import LlmGateway
from orgair.llm.models import require_configured_models
from orgair.logic.assessments import AssessmentRequest, assess
from orgair.models.scores import StoredScore
from orgair.settings import get_settings

require_configured_models(get_settings())
app = create_app()


@app.post(
    "/assessments",
    summary="Assess a company from evidence with an LLM, then score and store it",
    description="Sends the evidence (inline `evidence` text, kept in the evidence bucket first, or on "
    "v2 an `evidence_id` uploaded through POST /evidence) to the default model (retries with backoff, then the fallback "
    "model) for a rating of each dimension, then scores and stores the company as POST /scores does; "
    "every attempt is priced and on the ledger (`assessment.llm`). Admission is checked against "
    "every daily budget first: over budget is a 429 with `Retry-After` and no model is called; a "
    "budget store or provider that cannot be reached is a 503. Send an `Idempotency-Key` so that a "
    "retry answers the first assessment instead of paying for a second one.",
    responses={
        201: {
            "description": "The stored score with its assessment, the evidence it read (`assessment."
            "evidence`: id, location, sha256, size) and the prompt version."
        },
        404: {"description": "No evidence document `evidence_id` for this tenant."},
        409: {
            "description": "A request with this Idempotency-Key is still being processed, or the "
            "evidence document `evidence_id` has not been uploaded yet."
        },
        502: {"description": "The model's answer stayed invalid after a repair; its cost is on the ledger."},
    },
)
@requires("assessments:write")
def create_assessment(body: AssessmentRequest) -> Response[StoredScore]:
    meta = request_meta(app)
    settings = get_settings()
    version = param_version(app)

    def produce() -> StoredScore:
        gateway = LlmGateway(settings, CostLedger(settings))
        return assess(
            body,
            meta=meta,
            version=version,
            settings=settings,
            gateway=gateway,
            lambda_context=app.lambda_context,
        )

    return create_once(app, f"assessments:{version}", body, produce, collection="scores", id_field="score_id")


@app.post(
    "/evidence",
    summary="Announce an evidence document and get a pre-signed S3 upload for it",
    description="Answers an `evidence_id` and a pre-signed S3 POST (form fields, then the document as "
    f"`file`) valid for {UPLOAD_EXPIRY_SECONDS} s. Its policy pins the key "
    "(`evidence/<tenant>/<evidence_id>`), the content type, the exact size and server-side encryption, "
    f"so S3 refuses any other upload. At most {MAX_UPLOAD_BYTES} bytes (the inline evidence bound). "
    "Then assess it on v2: POST /assessments with `evidence_id`.",
    responses={201: {"description": "The evidence id and its pre-signed upload."}},
)
@requires("assessments:write")
def create_evidence_upload(body: EvidenceUploadRequest) -> Response[EvidenceUpload]:
    meta = request_meta(app)
    upload = issue_upload(meta.tenant_id, content_type=body.content_type, size_bytes=body.size_bytes)
    answer: Any = EvidenceUpload.of(upload, body).model_dump(mode="json")
    return Response(status_code=HTTPStatus.CREATED, content_type="application/json", body=answer)


lambda_handler = make_handler(app)
