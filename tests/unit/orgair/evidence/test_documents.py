"""Evidence documents against the embedded moto server (S3 and DynamoDB): the pre-signed upload's
policy, reading a document back bounded and tenant-isolated, and keeping inline text."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from orgair.errors import Conflict, NotFound, PayloadTooLarge, ValidationFailed
from orgair.evidence.documents import (
    MAX_EVIDENCE_CHARS,
    MAX_STORED_BYTES,
    MAX_UPLOAD_BYTES,
    UPLOAD_EXPIRY_SECONDS,
    check_uploaded,
    issue_upload,
    keep_inline,
    load_evidence,
    object_key,
)
from orgair.ids import new_id
from orgair.timestamps import RFC3339_PATTERN
from support.evidence import evidence_bucket, keys

from devtools.embedded_dynamodb import EmbeddedDynamoDB

DOCUMENT = b"# Acme\n\nA governed lakehouse; an AI policy approved in January.\n"


@pytest.fixture
def bucket(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    with evidence_bucket(dynamodb.endpoint_url, monkeypatch) as found:
        yield found


def upload(url: str, fields: dict[str, str], content: bytes, content_type: str) -> httpx.Response:
    return httpx.post(url, data=fields, files={"file": ("evidence", content, content_type)})


def policy_conditions(fields: dict[str, str]) -> list[Any]:
    return list(json.loads(base64.b64decode(fields["policy"]))["conditions"])


def test_the_upload_policy_pins_the_tenants_key_the_type_the_exact_size_and_encryption(
    bucket: tuple[Any, str],
) -> None:
    _, name = bucket

    issued = issue_upload("acme", content_type="text/markdown", size_bytes=len(DOCUMENT))

    assert issued.location == f"evidence/acme/{issued.evidence_id}"
    assert issued.fields["key"] == issued.location
    conditions = policy_conditions(issued.fields)
    assert {"bucket": name} in conditions
    assert {"key": issued.location} in conditions
    assert {"Content-Type": "text/markdown"} in conditions
    assert ["content-length-range", len(DOCUMENT), len(DOCUMENT)] in conditions
    assert {"x-amz-server-side-encryption": "aws:kms"} in conditions
    assert issued.fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert re.match(RFC3339_PATTERN, issued.expires_at)
    expiration = json.loads(base64.b64decode(issued.fields["policy"]))["expiration"]
    expires = datetime.fromisoformat(issued.expires_at)
    assert abs(datetime.fromisoformat(expiration) - expires) < timedelta(seconds=5)
    assert abs(expires - datetime.now(UTC) - timedelta(seconds=UPLOAD_EXPIRY_SECONDS)) < timedelta(seconds=5)


@pytest.mark.parametrize("size", [0, MAX_UPLOAD_BYTES + 1])
def test_an_announced_size_out_of_bounds_is_refused_naming_size_bytes(
    bucket: tuple[Any, str], size: int
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue_upload("acme", content_type="text/plain", size_bytes=size)
    assert [error.field for error in refused.value.errors] == ["size_bytes"]


def test_an_uploaded_document_reads_back_with_its_hash_size_location_and_type(
    bucket: tuple[Any, str],
) -> None:
    issued = issue_upload("acme", content_type="text/markdown", size_bytes=len(DOCUMENT))
    assert upload(issued.url, issued.fields, DOCUMENT, "text/markdown").status_code in (201, 204)

    evidence = load_evidence("acme", issued.evidence_id)

    assert evidence.text == DOCUMENT.decode()
    assert evidence.sha256 == hashlib.sha256(DOCUMENT).hexdigest()
    assert evidence.size_bytes == len(DOCUMENT)
    assert evidence.location == f"evidence/acme/{issued.evidence_id}"
    assert evidence.content_type == "text/markdown"
    assert evidence.source == "upload"


def test_another_tenants_document_is_not_found_for_this_tenant(bucket: tuple[Any, str]) -> None:
    issued = issue_upload("globex", content_type="text/plain", size_bytes=len(DOCUMENT))
    upload(issued.url, issued.fields, DOCUMENT, "text/plain")

    with pytest.raises(NotFound) as refused:
        load_evidence("acme", issued.evidence_id)

    assert [error.field for error in refused.value.errors] == ["evidence_id"]
    assert load_evidence("globex", issued.evidence_id).text == DOCUMENT.decode()


@pytest.mark.parametrize(
    "evidence_id", [new_id(), "../../etc/passwd", ""], ids=["fresh-id", "path-traversal", "empty"]
)
def test_an_id_never_announced_is_not_found(bucket: tuple[Any, str], evidence_id: str) -> None:
    with pytest.raises(NotFound):
        load_evidence("acme", evidence_id)


def test_a_document_announced_but_not_uploaded_is_a_conflict_naming_evidence_id(
    bucket: tuple[Any, str],
) -> None:
    issued = issue_upload("acme", content_type="text/plain", size_bytes=10)

    with pytest.raises(Conflict) as refused:
        load_evidence("acme", issued.evidence_id)

    assert [error.field for error in refused.value.errors] == ["evidence_id"]
    assert "not been uploaded" in refused.value.detail


def test_an_object_over_the_stored_bound_is_413_without_reading_it(bucket: tuple[Any, str]) -> None:
    client, name = bucket
    issued = issue_upload("acme", content_type="text/plain", size_bytes=10)
    client.put_object(Bucket=name, Key=issued.location, Body=b"x" * (MAX_STORED_BYTES + 1))

    with pytest.raises(PayloadTooLarge) as refused:
        load_evidence("acme", issued.evidence_id)

    assert [error.field for error in refused.value.errors] == ["evidence_id"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"   \n", "empty"),
        (b"x" * (MAX_EVIDENCE_CHARS + 1), "characters"),
    ],
)
def test_a_document_the_prompt_cannot_take_is_422_naming_evidence_id(
    bucket: tuple[Any, str], content: bytes, message: str
) -> None:
    client, name = bucket
    issued = issue_upload("acme", content_type="text/plain", size_bytes=10)
    client.put_object(Bucket=name, Key=issued.location, Body=content)

    with pytest.raises(ValidationFailed) as refused:
        load_evidence("acme", issued.evidence_id)

    assert [error.field for error in refused.value.errors] == ["evidence_id"]
    assert message in refused.value.detail


def test_inline_text_is_kept_under_the_tenants_prefix_and_reads_back_identically(
    bucket: tuple[Any, str],
) -> None:
    client, name = bucket
    text = "Données: équipe data de 12 personnes."

    kept = keep_inline("acme", text)

    assert keys(client, name) == [object_key("acme", kept.evidence_id)]
    stored = client.get_object(Bucket=name, Key=kept.location)["Body"].read()
    assert stored == text.encode()
    assert kept.sha256 == hashlib.sha256(stored).hexdigest()
    assert kept.size_bytes == len(text.encode()) > len(text)
    assert kept.source == "inline"
    assert load_evidence("acme", kept.evidence_id) == kept


def test_checking_a_reference_passes_an_uploaded_document_and_names_the_given_field_otherwise(
    bucket: tuple[Any, str],
) -> None:
    client, name = bucket
    done = issue_upload("acme", content_type="text/plain", size_bytes=len(DOCUMENT))
    client.put_object(Bucket=name, Key=done.location, Body=DOCUMENT)
    pending = issue_upload("acme", content_type="text/plain", size_bytes=len(DOCUMENT))

    check_uploaded("acme", done.evidence_id)
    with pytest.raises(NotFound) as unknown:
        check_uploaded("beta", done.evidence_id, field="companies.3.evidence_id")
    with pytest.raises(Conflict) as not_uploaded:
        check_uploaded("acme", pending.evidence_id, field="companies.4.evidence_id")

    assert [error.field for error in unknown.value.errors] == ["companies.3.evidence_id"]
    assert [error.field for error in not_uploaded.value.errors] == ["companies.4.evidence_id"]
