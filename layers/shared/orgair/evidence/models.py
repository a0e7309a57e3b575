"""Request and response of POST /evidence."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from orgair.evidence.documents import (
    EVIDENCE_ID_PATTERN,
    MAX_EVIDENCE_CHARS,
    MAX_UPLOAD_BYTES,
    UPLOAD_EXPIRY_SECONDS,
    ContentType,
    Upload,
)
from orgair.scoring.models import CompanyId, SectorName
from orgair.timestamps import Timestamp

_EXAMPLE_ID: Final = "01JEV1DENCE0000000000000AB"


class CompanyEvidence(BaseModel):
    """A company and the evidence it is assessed on: the text inline (`evidence`) or, on v2, a document
    uploaded through POST /evidence (`evidence_id`). The base of a request of POST /assessments and of
    each company of a job; whoever reads it checks that exactly one of them is sent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    company_id: CompanyId
    sector: SectorName
    evidence: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_EVIDENCE_CHARS,
        description="The evidence text; required unless `evidence_id` is sent.",
    )
    evidence_id: str | None = Field(
        default=None,
        pattern=EVIDENCE_ID_PATTERN,
        max_length=26,
        description="An evidence document uploaded through POST /evidence, instead of `evidence`.",
    )


class EvidenceUploadRequest(BaseModel):
    """The document about to be uploaded: its content type and exact size."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"examples": [{"content_type": "text/markdown", "size_bytes": 5120}]},
    )

    content_type: ContentType = Field(description="The document's media type; the upload must send the same.")
    size_bytes: int = Field(
        ge=1,
        le=MAX_UPLOAD_BYTES,
        description=f"The document's exact size in bytes, at most {MAX_UPLOAD_BYTES}: S3 refuses any other size.",
    )


class PresignedPost(BaseModel):
    """An HTML-form POST to S3: every field of `fields`, then the document as the last field, `file`."""

    url: str
    fields: dict[str, str]


class EvidenceUpload(BaseModel):
    """Where and until when to upload the document; assess it afterwards with its `evidence_id`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "evidence_id": _EXAMPLE_ID,
                    "location": f"evidence/pe-firm/{_EXAMPLE_ID}",
                    "content_type": "text/markdown",
                    "size_bytes": 5120,
                    "upload": {
                        "url": "https://orgair-evidencebucket-1a2b3c.s3.amazonaws.com/",
                        "fields": {
                            "Content-Type": "text/markdown",
                            "x-amz-server-side-encryption": "aws:kms",
                            "key": f"evidence/pe-firm/{_EXAMPLE_ID}",
                            "x-amz-algorithm": "AWS4-HMAC-SHA256",
                            "x-amz-credential": "ASIAEXAMPLE/20261203/us-east-1/s3/aws4_request",
                            "x-amz-date": "20261203T101530Z",
                            "x-amz-security-token": "IQoJb3JpZ2luX2VjEXAMPLE",
                            "policy": "eyJleHBpcmF0aW9uIjogIjIwMjYtMTItMDNUMTA6MzA6MzBaIn0=",
                            "x-amz-signature": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
                        },
                    },
                    "expires_at": "2026-12-03T10:30:30.123Z",
                }
            ]
        }
    )

    evidence_id: str
    location: str = Field(description="The document's key in the evidence bucket.")
    content_type: ContentType
    size_bytes: int
    upload: PresignedPost
    expires_at: Timestamp = Field(
        description=f"The upload is refused after this instant ({UPLOAD_EXPIRY_SECONDS} s after the answer)."
    )

    @classmethod
    def of(cls, upload: Upload, request: EvidenceUploadRequest) -> EvidenceUpload:
        return cls(
            evidence_id=upload.evidence_id,
            location=upload.location,
            content_type=request.content_type,
            size_bytes=request.size_bytes,
            upload=PresignedPost(url=upload.url, fields=upload.fields),
            expires_at=upload.expires_at,
        )
