"""Evidence documents in EvidenceBucket, under `evidence/<tenant>/<evidence_id>`, and their records.

`POST /evidence` records the document it announces (ScoresTable pk `T#<tenant>#E#<evidence_id>`,
sk `EVIDENCE`: content type, size, when the upload expires) and answers a pre-signed S3 POST whose
policy pins the key, the content type, the exact size and server-side encryption, so S3 itself
refuses anything else. Inline evidence text of `POST /assessments` is kept the same way (written
before the model is called), so every assessed text can be read again.

`load_evidence` reads a document back for the caller's tenant only: an id this tenant never
announced is a 404 (another tenant's id included, its record is under that tenant), an announced
document not uploaded yet a 409, a stored object above `MAX_STORED_BYTES` a 413 read no further,
text that is not UTF-8 or longer than the prompt's bound a 422; each problem names `evidence_id`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

from orgair.aws import dynamodb_client, error_code, s3_client, store_errors
from orgair.dynamo.codec import from_item, to_item
from orgair.errors import (
    ConfigurationError,
    Conflict,
    FieldError,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
)
from orgair.ids import is_id, new_id
from orgair.records.scores import EvidenceProvenance
from orgair.settings import Settings, get_settings
from orgair.timestamps import rfc3339

MAX_EVIDENCE_CHARS: Final = 20_000
"""Bounds the prompt, hence the reservation (characters / 3 tokens) and the provider's context."""
MAX_UPLOAD_BYTES: Final = MAX_EVIDENCE_CHARS
"""The largest document `POST /evidence` announces: at most this many characters, so every uploaded
document fits the prompt."""
MAX_STORED_BYTES: Final = 4 * MAX_EVIDENCE_CHARS
"""The largest object `load_evidence` reads: inline text of MAX_EVIDENCE_CHARS characters in UTF-8
(at most 4 bytes each). Anything larger was not written through this service and is refused."""
UPLOAD_EXPIRY_SECONDS: Final = 900
"""How long a pre-signed upload stays usable."""
SERVER_SIDE_ENCRYPTION: Final = "aws:kms"
"""As the bucket's default encryption (the AWS managed key `aws/s3`); the upload policy pins it."""
KEY_PREFIX: Final = "evidence"
RECORD_SK: Final = "EVIDENCE"
EVIDENCE_FIELD: Final = "evidence_id"
EVIDENCE_ID_PATTERN: Final = r"^[0-9A-HJKMNP-TV-Z]{26}$"
"""An evidence id (`orgair.ids.new_id`: 26 characters of Crockford base32)."""
INLINE_CONTENT_TYPE: Final = "text/plain"

ContentType = Literal["text/plain", "text/markdown", "application/json"]
Source = Literal["inline", "upload"]


def object_key(tenant_id: str, evidence_id: str) -> str:
    return f"{KEY_PREFIX}/{tenant_id}/{evidence_id}"


def record_pk(tenant_id: str, evidence_id: str) -> str:
    return f"T#{tenant_id}#E#{evidence_id}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """A document as an assessment read it: its text and what identifies exactly those bytes."""

    evidence_id: str
    text: str
    sha256: str
    size_bytes: int
    content_type: str
    location: str
    """The object's key in EvidenceBucket (`evidence/<tenant>/<evidence_id>`)."""
    source: Source

    def provenance(self) -> EvidenceProvenance:
        """What a stored score records of the evidence it was produced from (never the text)."""
        return EvidenceProvenance(
            evidence_id=self.evidence_id,
            source=self.source,
            location=self.location,
            sha256=self.sha256,
            size_bytes=self.size_bytes,
            content_type=self.content_type,
        )


@dataclass(frozen=True, slots=True)
class Upload:
    """A pre-signed S3 POST: send `fields` as form fields, then the document as the `file` field."""

    evidence_id: str
    location: str
    url: str
    fields: dict[str, str]
    expires_at: str


def _bucket(settings: Settings) -> str:
    if not settings.EVIDENCE_BUCKET_NAME:
        raise ConfigurationError("EVIDENCE_BUCKET_NAME: the evidence bucket is not configured.")
    return settings.EVIDENCE_BUCKET_NAME


def _put_record(
    tenant_id: str,
    evidence_id: str,
    *,
    content_type: str,
    size_bytes: int,
    source: Source,
    settings: Settings,
) -> None:
    item = {
        "pk": record_pk(tenant_id, evidence_id),
        "sk": RECORD_SK,
        "evidence_id": evidence_id,
        "content_type": content_type,
        "size_bytes": size_bytes,
        "source": source,
        "created_at": rfc3339(datetime.now(UTC)),
    }
    with store_errors("recording an evidence document"):
        dynamodb_client().put_item(
            TableName=settings.SCORES_TABLE_NAME,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(pk)",
        )


def _get_record(tenant_id: str, evidence_id: str, settings: Settings) -> dict[str, Any] | None:
    with store_errors("reading an evidence document's record"):
        found = dynamodb_client().get_item(
            TableName=settings.SCORES_TABLE_NAME,
            Key=to_item({"pk": record_pk(tenant_id, evidence_id), "sk": RECORD_SK}),
            ConsistentRead=True,
        )
    item = found.get("Item")
    return from_item(item) if item else None


def issue_upload(
    tenant_id: str, *, content_type: ContentType, size_bytes: int, settings: Settings | None = None
) -> Upload:
    """Record the announced document and pre-sign its upload (key, type, exact size, encryption)."""
    settings = settings or get_settings()
    if not 1 <= size_bytes <= MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            f"size_bytes must be from 1 to {MAX_UPLOAD_BYTES}.",
            errors=[FieldError("size_bytes", f"must be from 1 to {MAX_UPLOAD_BYTES}")],
        )
    bucket = _bucket(settings)
    evidence_id = new_id()
    key = object_key(tenant_id, evidence_id)
    _put_record(
        tenant_id,
        evidence_id,
        content_type=content_type,
        size_bytes=size_bytes,
        source="upload",
        settings=settings,
    )
    expires_at = datetime.now(UTC) + timedelta(seconds=UPLOAD_EXPIRY_SECONDS)
    with store_errors("signing an evidence upload"):
        post = s3_client().generate_presigned_post(
            Bucket=bucket,
            Key=key,
            Fields={"Content-Type": content_type, "x-amz-server-side-encryption": SERVER_SIDE_ENCRYPTION},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", size_bytes, size_bytes],
                {"x-amz-server-side-encryption": SERVER_SIDE_ENCRYPTION},
            ],
            ExpiresIn=UPLOAD_EXPIRY_SECONDS,
        )
    return Upload(
        evidence_id=evidence_id,
        location=key,
        url=str(post["url"]),
        fields={str(name): str(value) for name, value in post["fields"].items()},
        expires_at=rfc3339(expires_at),
    )


def keep_inline(tenant_id: str, text: str, settings: Settings | None = None) -> Evidence:
    """Write inline evidence text to the bucket (and its record) before it is assessed."""
    settings = settings or get_settings()
    bucket = _bucket(settings)
    body = text.encode("utf-8")
    evidence_id = new_id()
    key = object_key(tenant_id, evidence_id)
    with store_errors("keeping the evidence text"):
        s3_client().put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=INLINE_CONTENT_TYPE,
            ServerSideEncryption=SERVER_SIDE_ENCRYPTION,
        )
    _put_record(
        tenant_id,
        evidence_id,
        content_type=INLINE_CONTENT_TYPE,
        size_bytes=len(body),
        source="inline",
        settings=settings,
    )
    return Evidence(
        evidence_id=evidence_id,
        text=text,
        sha256=hashlib.sha256(body).hexdigest(),
        size_bytes=len(body),
        content_type=INLINE_CONTENT_TYPE,
        location=key,
        source="inline",
    )


def _problem_field(message: str, field: str = EVIDENCE_FIELD) -> list[FieldError]:
    return [FieldError(field, message)]


def check_uploaded(
    tenant_id: str, evidence_id: str, settings: Settings | None = None, *, field: str = EVIDENCE_FIELD
) -> None:
    """The caller's document `evidence_id` exists (404) and its object was uploaded (409), each
    refusal naming `field`; the document is not read (a job checks its references before queueing)."""
    settings = settings or get_settings()
    record = _get_record(tenant_id, evidence_id, settings) if is_id(evidence_id) else None
    if record is None:
        raise NotFound(
            f"No evidence document {evidence_id} for this tenant.",
            errors=_problem_field("no such evidence document for this tenant", field),
        )
    bucket = _bucket(settings)
    try:
        with store_errors("checking an evidence document"):
            s3_client().head_object(Bucket=bucket, Key=object_key(tenant_id, evidence_id))
    except Exception as error:
        if error_code(error) in {"NoSuchKey", "404", "NotFound"}:
            raise Conflict(
                f"Evidence document {evidence_id} has not been uploaded yet: upload it with the "
                "pre-signed POST of POST /evidence, then refer to it.",
                errors=_problem_field("announced but not uploaded yet", field),
            ) from None
        raise


def load_evidence(tenant_id: str, evidence_id: str, settings: Settings | None = None) -> Evidence:
    """The caller's document `evidence_id`, read bounded; every refusal is a problem naming the field."""
    settings = settings or get_settings()
    record = _get_record(tenant_id, evidence_id, settings) if is_id(evidence_id) else None
    if record is None:
        raise NotFound(
            f"No evidence document {evidence_id} for this tenant.",
            errors=_problem_field("no such evidence document for this tenant"),
        )
    bucket = _bucket(settings)
    key = object_key(tenant_id, evidence_id)
    try:
        with store_errors("reading an evidence document"):
            found = s3_client().get_object(Bucket=bucket, Key=key)
    except Exception as error:
        if error_code(error) in {"NoSuchKey", "404", "NotFound"}:
            raise Conflict(
                f"Evidence document {evidence_id} has not been uploaded yet: upload it with the "
                "pre-signed POST of POST /evidence, then assess it.",
                errors=_problem_field("announced but not uploaded yet"),
            ) from None
        raise
    length = int(found.get("ContentLength") or 0)
    stream = found["Body"]
    try:
        if length > MAX_STORED_BYTES:
            raise PayloadTooLarge(
                f"Evidence document {evidence_id} is {length} bytes; at most {MAX_STORED_BYTES} are read.",
                errors=_problem_field(f"larger than {MAX_STORED_BYTES} bytes"),
            )
        with store_errors("reading an evidence document"):
            body: bytes = stream.read(MAX_STORED_BYTES + 1)
    finally:
        stream.close()
    if len(body) > MAX_STORED_BYTES:
        raise PayloadTooLarge(
            f"Evidence document {evidence_id} is larger than {MAX_STORED_BYTES} bytes.",
            errors=_problem_field(f"larger than {MAX_STORED_BYTES} bytes"),
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed(
            f"Evidence document {evidence_id} is not UTF-8 text.",
            errors=_problem_field("the document is not UTF-8 text"),
        ) from None
    if not text.strip():
        raise ValidationFailed(
            f"Evidence document {evidence_id} is empty.", errors=_problem_field("the document is empty")
        )
    if len(text) > MAX_EVIDENCE_CHARS:
        raise ValidationFailed(
            f"Evidence document {evidence_id} has {len(text)} characters; at most {MAX_EVIDENCE_CHARS} "
            "fit the prompt.",
            errors=_problem_field(f"more than {MAX_EVIDENCE_CHARS} characters"),
        )
    return Evidence(
        evidence_id=evidence_id,
        text=text,
        sha256=hashlib.sha256(body).hexdigest(),
        size_bytes=len(body),
        content_type=str(record.get("content_type") or INLINE_CONTENT_TYPE),
        location=key,
        source="inline" if record.get("source") == "inline" else "upload",
    )
