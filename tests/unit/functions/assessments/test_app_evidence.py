"""Evidence documents for assessments: POST /evidence answers an id and a pre-signed upload for the
tenant's key, an uploaded document is assessed by id with its provenance recorded, inline evidence is
kept in the bucket first; v1, a missing or foreign document and one over the bound are refused before
any model call."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import respx
from orgair.evidence.documents import MAX_STORED_BYTES, MAX_UPLOAD_BYTES
from orgair.logic.assessments import PROMPT_VERSION
from orgair.logic.scores import get_score
from orgair.settings import get_settings
from support.assessments_api import BODY, RATINGS, post
from support.llm import OPENAI_URL, openai_reply

DOCUMENT = b"## Acme\n\nBoard minutes: a governed lakehouse, an AI council, two ML teams in production.\n"


def uploaded(module: Any, bucket: tuple[Any, str], content: bytes = DOCUMENT, *, tenant: str = "acme") -> str:
    """Announce a document through POST /evidence and put it where its pre-signed upload would (moto
    does not enforce a POST policy: a larger object stands for one written around the upload)."""
    status, _, issued = post(
        module,
        {"content_type": "text/markdown", "size_bytes": min(len(content), MAX_UPLOAD_BYTES)},
        path="/evidence",
        tenant=tenant,
    )
    assert status == 201, issued
    client, name = bucket
    client.put_object(Bucket=name, Key=issued["location"], Body=content, ContentType="text/markdown")
    return str(issued["evidence_id"])


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_post_evidence_answers_an_id_and_a_presigned_upload_for_the_tenants_key(
    assessments: Any, bucket: tuple[Any, str], stage: str
) -> None:
    status, _, body = post(
        assessments, {"content_type": "text/plain", "size_bytes": 1200}, path="/evidence", stage=stage
    )

    assert status == 201
    assert body["location"] == f"evidence/acme/{body['evidence_id']}" == body["upload"]["fields"]["key"]
    assert body["upload"]["url"].endswith(f"/{bucket[1]}")
    assert body["upload"]["fields"]["Content-Type"] == "text/plain"
    assert body["upload"]["fields"]["x-amz-server-side-encryption"] == "aws:kms"
    assert (body["content_type"], body["size_bytes"]) == ("text/plain", 1200)
    assert body["expires_at"].endswith("Z")


@pytest.mark.parametrize(
    ("announced", "field"),
    [
        ({"content_type": "application/pdf", "size_bytes": 10}, "content_type"),
        ({"content_type": "text/plain", "size_bytes": 20_001}, "size_bytes"),
        ({"content_type": "text/plain", "size_bytes": 0}, "size_bytes"),
        ({"content_type": "text/plain"}, "size_bytes"),
    ],
)
def test_post_evidence_refuses_a_type_or_size_out_of_bounds_naming_the_field(
    assessments: Any, announced: dict[str, Any], field: str
) -> None:
    status, _, body = post(assessments, announced, path="/evidence")
    assert status == 422
    assert [error["field"] for error in body["errors"]] == [field]


def test_post_evidence_needs_the_assessments_write_scope(assessments: Any) -> None:
    status, _, _ = post(
        assessments, {"content_type": "text/plain", "size_bytes": 10}, path="/evidence", scopes="scores:write"
    )
    assert status == 403


def test_an_uploaded_document_is_assessed_by_id_and_the_score_records_its_provenance(
    assessments: Any, provider: respx.MockRouter, bucket: tuple[Any, str]
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    evidence_id = uploaded(assessments, bucket)

    status, _, body = post(
        assessments, {"company_id": "acme-logistics", "sector": "technology", "evidence_id": evidence_id}
    )

    assert status == 201, body
    assert DOCUMENT.decode() in json.loads(route.calls.last.request.content)["messages"][-1]["content"]
    assert body["assessment"]["evidence"] == {
        "evidence_id": evidence_id,
        "source": "upload",
        "location": f"evidence/acme/{evidence_id}",
        "sha256": hashlib.sha256(DOCUMENT).hexdigest(),
        "size_bytes": len(DOCUMENT),
        "content_type": "text/markdown",
    }
    assert body["assessment"]["prompt_version"] == PROMPT_VERSION
    stored = get_score("acme", body["score_id"], version="v2.0", settings=get_settings())
    assert stored.assessment is not None
    assert stored.assessment.model_dump(mode="json")["evidence"] == body["assessment"]["evidence"]
    assert stored.assessment.prompt_version == PROMPT_VERSION


def test_inline_evidence_is_kept_in_the_bucket_before_the_model_is_called(
    assessments: Any, provider: respx.MockRouter, bucket: tuple[Any, str]
) -> None:
    client, name = bucket
    kept: list[str] = []

    def reply(request: Any) -> Any:
        kept.extend(item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", []))
        return openai_reply(RATINGS)

    provider.post(OPENAI_URL).mock(side_effect=reply)

    status, _, body = post(assessments)

    assert status == 201
    evidence = body["assessment"]["evidence"]
    assert kept == [evidence["location"]] == [f"evidence/acme/{evidence['evidence_id']}"]
    stored = client.get_object(Bucket=name, Key=evidence["location"])["Body"].read()
    assert stored == BODY["evidence"].encode()
    assert evidence["sha256"] == hashlib.sha256(stored).hexdigest()
    assert (evidence["source"], evidence["size_bytes"]) == ("inline", len(stored))


def test_v1_refuses_an_evidence_id_with_422_naming_it_and_calls_no_model(
    assessments: Any, provider: respx.MockRouter, bucket: tuple[Any, str]
) -> None:
    evidence_id = uploaded(assessments, bucket)
    status, _, body = post(
        assessments,
        {"company_id": "acme-logistics", "sector": "technology", "evidence_id": evidence_id},
        stage="v1",
    )
    assert status == 422
    assert [error["field"] for error in body["errors"]] == ["evidence_id"]
    assert len(provider.calls) == 0


@pytest.mark.parametrize("extra", [{}, {"evidence": "text", "evidence_id": "01JEV1DENCE0000000000000AB"}])
def test_exactly_one_of_evidence_and_evidence_id_is_required(
    assessments: Any, provider: respx.MockRouter, extra: dict[str, str]
) -> None:
    status, _, body = post(assessments, {"company_id": "acme-logistics", "sector": "technology", **extra})
    assert status == 422
    assert [error["field"] for error in body["errors"]] == ["evidence", "evidence_id"]
    assert len(provider.calls) == 0


def test_another_tenants_evidence_is_404_and_a_document_not_uploaded_is_409_before_any_model_call(
    assessments: Any, provider: respx.MockRouter, bucket: tuple[Any, str]
) -> None:
    theirs = uploaded(assessments, bucket, tenant="globex")
    _, _, announced = post(assessments, {"content_type": "text/plain", "size_bytes": 10}, path="/evidence")

    missing = post(
        assessments, {"company_id": "acme-logistics", "sector": "technology", "evidence_id": theirs}
    )
    pending = post(
        assessments,
        {"company_id": "acme-logistics", "sector": "technology", "evidence_id": announced["evidence_id"]},
    )

    assert missing[0] == 404
    assert pending[0] == 409
    for _, headers, problem in (missing, pending):
        assert headers["Content-Type"] == "application/problem+json"
        assert [error["field"] for error in problem["errors"]] == ["evidence_id"]
    assert len(provider.calls) == 0


def test_a_document_over_the_bound_is_413_naming_evidence_id(
    assessments: Any, provider: respx.MockRouter, bucket: tuple[Any, str]
) -> None:
    evidence_id = uploaded(assessments, bucket, b"x" * (MAX_STORED_BYTES + 1))
    status, _, body = post(
        assessments, {"company_id": "acme-logistics", "sector": "technology", "evidence_id": evidence_id}
    )
    assert status == 413
    assert [error["field"] for error in body["errors"]] == ["evidence_id"]
    assert len(provider.calls) == 0
