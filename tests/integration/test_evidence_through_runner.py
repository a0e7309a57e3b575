"""Evidence documents over real HTTP through the local runner: announce a document, upload it with
the pre-signed POST to the runner's embedded S3, assess it by `evidence_id` and read the score's
provenance back; inline evidence is kept in the same bucket."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from orgair.logic.assessments import PROMPT_VERSION
from support.evidence import s3
from support.local_runner import FakeProvider, Runner, client_as, fake_openai, local_runner

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_evidence-integration-key-0123456789abcdefgh"
LOCAL_BUCKET = "evidencebucket"
"""EvidenceBucket as the runner creates it (the template names no bucket: its logical id)."""
DOCUMENT = (
    b"# Acme Logistics: AI readiness evidence\n\n"
    b"- A data platform team of 12 runs a governed lakehouse.\n"
    b"- An AI policy was approved by the board in January.\n"
)


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    with fake_openai() as fake:
        yield fake


@pytest.fixture(scope="module")
def runner(provider: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    settings = {"OPENAI_API_KEY": "sk-integration-test-key-0000", "OPENAI_BASE_URL": provider.url}
    directory: Path = tmp_path_factory.mktemp("evidence")
    with local_runner(admin_key=ADMIN_KEY, env_vars=settings, directory=directory) as running:
        yield running


@pytest.fixture(scope="module")
def client(runner: Runner) -> Iterator[httpx.Client]:
    with client_as(runner, ADMIN_KEY) as session:
        yield session


def announce(client: httpx.Client, content: bytes, content_type: str = "text/markdown") -> dict[str, Any]:
    response = client.post("/v2/evidence", json={"content_type": content_type, "size_bytes": len(content)})
    assert response.status_code == 201, response.text
    return dict(response.json())


def upload(issued: dict[str, Any], content: bytes, content_type: str = "text/markdown") -> httpx.Response:
    """The pre-signed POST as a browser or curl sends it: every field, then the file."""
    return httpx.post(
        issued["upload"]["url"],
        data=issued["upload"]["fields"],
        files={"file": ("evidence.md", content, content_type)},
        timeout=30,
    )


def test_an_uploaded_document_is_assessed_by_id_and_its_score_names_the_bytes_read(
    client: httpx.Client, runner: Runner, provider: FakeProvider
) -> None:
    issued = announce(client, DOCUMENT)
    assert issued["upload"]["url"].startswith(runner.dynamodb_url)
    uploaded = upload(issued, DOCUMENT)
    assert uploaded.status_code in (200, 201, 204), uploaded.text
    calls = provider.calls

    assessed = client.post(
        "/v2/assessments",
        json={"company_id": "acme-logistics", "sector": "technology", "evidence_id": issued["evidence_id"]},
    )

    assert assessed.status_code == 201, assessed.text
    assert provider.calls == calls + 1
    expected = {
        "evidence_id": issued["evidence_id"],
        "source": "upload",
        "location": f"evidence/local/{issued['evidence_id']}",
        "sha256": hashlib.sha256(DOCUMENT).hexdigest(),
        "size_bytes": len(DOCUMENT),
        "content_type": "text/markdown",
    }
    assert assessed.json()["assessment"]["evidence"] == expected
    read = client.get(f"/v2/scores/{assessed.json()['score_id']}")
    assert read.status_code == 200, read.text
    assert read.json()["assessment"]["evidence"] == expected
    assert read.json()["assessment"]["prompt_version"] == PROMPT_VERSION


def test_inline_evidence_is_kept_in_the_evidence_bucket_where_the_score_says(
    client: httpx.Client, runner: Runner
) -> None:
    text = "The company runs a governed data platform and an AI council chaired by the CFO."

    assessed = client.post(
        "/v2/assessments", json={"company_id": "acme-inline", "sector": "technology", "evidence": text}
    )

    assert assessed.status_code == 201, assessed.text
    evidence = assessed.json()["assessment"]["evidence"]
    kept = s3(runner.dynamodb_url).get_object(Bucket=LOCAL_BUCKET, Key=evidence["location"])["Body"].read()
    assert kept == text.encode()
    assert (evidence["source"], evidence["sha256"]) == ("inline", hashlib.sha256(kept).hexdigest())


def test_a_document_announced_but_never_uploaded_is_409_and_no_model_is_called(
    client: httpx.Client, provider: FakeProvider
) -> None:
    issued = announce(client, DOCUMENT)
    calls = provider.calls

    response = client.post(
        "/v2/assessments",
        json={"company_id": "acme-logistics", "sector": "technology", "evidence_id": issued["evidence_id"]},
    )

    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["evidence_id"]
    assert provider.calls == calls


def test_stage_v1_refuses_an_evidence_id_naming_it(client: httpx.Client) -> None:
    issued = announce(client, DOCUMENT)
    upload(issued, DOCUMENT)

    response = client.post(
        "/v1/assessments",
        json={"company_id": "acme-logistics", "sector": "technology", "evidence_id": issued["evidence_id"]},
    )

    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == ["evidence_id"]
