"""POST /assessments end to end: API Gateway event, providers at the HTTP transport, real DynamoDB."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import respx
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.evidence.documents import MAX_STORED_BYTES, MAX_UPLOAD_BYTES
from orgair.logic.assessments import PROMPT_VERSION
from orgair.logic.scores import get_score
from orgair.records.costs import CallMeta
from orgair.settings import get_settings
from support.costs import ANTHROPIC_TEST_URL, OPENAI_TEST_URL
from support.evidence import evidence_bucket
from support.lambda_events import ROOT, FakeLambdaContext, api_event, load_function, principal_context
from support.llm import OPENAI_URL, mocked_providers, openai_reply, ratings

from devtools.embedded_dynamodb import EmbeddedDynamoDB

RATINGS = ratings([80, 75, 85, 82, 78, 70, 72])
BODY = {
    "company_id": "acme-logistics",
    "sector": "technology",
    "evidence": "The company runs a governed data platform and a model review board.",
}


@pytest.fixture
def provider() -> Iterator[respx.MockRouter]:
    with mocked_providers() as router:
        yield router


@pytest.fixture
def bucket(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """EVIDENCE_BUCKET_NAME on the embedded moto server (S3 client, bucket name)."""
    with evidence_bucket(dynamodb.endpoint_url, monkeypatch) as found:
        yield found


@pytest.fixture
def assessments(bucket: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai-key")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "anthropic-test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", OPENAI_TEST_URL)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", ANTHROPIC_TEST_URL)
    monkeypatch.setenv("LLM_MAX_RETRIES", "0")
    return load_function("assessments")


def post(
    module: Any,
    body: Any = BODY,
    *,
    stage: str = "v2",
    scopes: str = "assessments:write",
    headers: dict[str, str] | None = None,
    path: str = "/assessments",
    tenant: str = "acme",
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    event = api_event(
        "POST",
        path,
        stage=stage,
        body=body,
        headers=headers,
        authorizer=principal_context(tenant, scopes),
    )
    result = module.lambda_handler(event, FakeLambdaContext("AssessmentsFunction", timeout_ms=29_000))
    out_headers = dict(result.get("headers") or {})
    for key, values in (result.get("multiValueHeaders") or {}).items():
        out_headers[key] = values[-1]
    return result["statusCode"], out_headers, json.loads(result["body"])


def ledger_lines() -> list[Any]:
    ledger = CostLedger(get_settings())
    return list(ledger.store.ledger_lines("acme", ledger.clock().date()))


@pytest.mark.parametrize(("stage", "version"), [("v1", "v1.0"), ("v2", "v2.0")])
def test_evidence_is_rated_scored_with_the_stage_version_stored_and_its_cost_recorded(
    assessments: Any, provider: respx.MockRouter, stage: str, version: str
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS, prompt_tokens=900, completion=300))

    status, headers, body = post(assessments, stage=stage)

    assert status == 201
    assert headers["Location"] == f"/{stage}/scores/{body['score_id']}"
    assert body["param_version"] == version
    assert body["result"]["param_version"] == version
    assert body["inputs"]["dimensions"]["talent"] == 82
    assessment = body["assessment"]
    assert assessment["ratings"]["talent"] == {"score": 82, "rationale": "Evidence on talent."}
    (line,) = ledger_lines()
    assert assessment["llm"]["cost"] == "0.005250" == f"{Decimal(line.cost_micros) / 1_000_000:.6f}"
    assert assessment["llm"]["attempts"][0]["call_id"] == line.call_id
    assert line.meta.purpose == "assessment"
    assert line.meta.correlation_id == body["correlation_id"]


def test_at_80_percent_of_the_tenants_budget_the_assessment_runs_on_the_cheaper_model_and_says_so(
    assessments: Any, provider: respx.MockRouter
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    ledger = CostLedger(get_settings())
    ledger.store.set_tenant_limit("acme", 1_000_000, ledger.clock())
    seed = ledger.reserve(CallMeta("acme", "seed", "c", "r", "p"), "gpt-4o-2024-08-06", 800_000)
    ledger.settle(seed, Usage(output_tokens=80_000), outcome="ok")

    status, _, body = post(assessments)

    assert status == 201
    llm = body["assessment"]["llm"]
    assert llm["model"] == "gpt-4o-mini-2024-07-18"
    assert llm["degraded"] == {
        "reason": "soft_threshold",
        "scope": "tenant:acme",
        "threshold": "80",
        "requested_model": "gpt-4o-2024-08-06",
    }
    assert json.loads(route.calls.last.request.content)["model"] == "gpt-4o-mini-2024-07-18"
    (line,) = [line for line in ledger_lines() if line.meta.purpose == "assessment"]
    assert line.meta.degradation is not None
    assert line.meta.degradation.scope == "tenant:acme"


def test_below_the_threshold_the_assessment_says_it_was_not_degraded(
    assessments: Any, provider: respx.MockRouter
) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))

    _, _, body = post(assessments)

    assert body["assessment"]["llm"]["model"] == "gpt-4o-2024-08-06"
    assert body["assessment"]["llm"]["degraded"] is None


def test_the_stored_assessment_is_readable_as_a_score(assessments: Any, provider: respx.MockRouter) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    _, _, created = post(assessments)

    stored = get_score("acme", created["score_id"], version="v2.0", settings=get_settings())

    assert stored.assessment is not None
    assert stored.assessment.llm.parent_request_id == created["assessment"]["llm"]["parent_request_id"]


def test_v2_scores_the_worked_example_exactly(assessments: Any, provider: respx.MockRouter) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    _, _, body = post(assessments)
    assert body["result"]["weighted_mean"] == 78.08


def test_over_budget_is_a_429_problem_with_retry_after_and_no_provider_call(
    assessments: Any, provider: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Below even DEGRADED_LLM_MODEL's worst case (gpt-4o-mini: 1,500 output tokens = 900 µUSD).
    monkeypatch.setenv("DAILY_COST_BUDGET_USD", "0.0005")
    get_settings.cache_clear()
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))

    status, headers, body = post(assessments)

    assert status == 429
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"] == "https://api.orgair.io/problems/budget-exceeded"
    assert body["scope"] == "global"
    assert "limit" not in body, "the shared budget's figures are no one tenant's business"
    assert "committed" not in body
    assert body["resets_at"].endswith("T00:00:00.000Z")
    assert 1 <= int(headers["Retry-After"]) <= 86_400
    assert not route.called
    assert ledger_lines() == []


def test_an_answer_invalid_after_one_repair_is_a_502_and_both_attempts_are_paid_on_the_ledger(
    assessments: Any, provider: respx.MockRouter
) -> None:
    broken = {**RATINGS, "talent": {"score": 140, "rationale": "too high"}}
    route = provider.post(OPENAI_URL).mock(
        return_value=openai_reply(broken, prompt_tokens=1_000, completion=200)
    )

    status, _, body = post(assessments)

    lines = ledger_lines()
    assert status == 502
    assert body["type"].endswith("/upstream-invalid-response")
    assert any(error["field"].startswith("talent") for error in body["errors"])
    assert route.call_count == 2
    assert len(lines) == 2
    assert sum(line.cost_micros for line in lines) == 2 * 4_500
    assert body["cost"] == "0.009000"


def test_assessing_needs_the_assessments_write_scope(assessments: Any, provider: respx.MockRouter) -> None:
    status, _, _ = post(assessments, scopes="scores:write")
    assert status == 403
    assert len(provider.calls) == 0


def test_evidence_over_the_bound_is_a_422_naming_the_field(
    assessments: Any, provider: respx.MockRouter
) -> None:
    status, _, body = post(assessments, body={**BODY, "evidence": "x" * 20_001})
    assert status == 422
    assert body["errors"][0]["field"] == "evidence"
    assert len(provider.calls) == 0


def test_a_retried_request_with_the_same_idempotency_key_is_paid_once(
    assessments: Any, provider: respx.MockRouter
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))

    first = post(assessments, headers={"Idempotency-Key": "assess-1"})
    second = post(assessments, headers={"Idempotency-Key": "assess-1"})

    assert first[0] == second[0] == 201
    assert first[2] == second[2]
    assert route.call_count == 1
    assert len(ledger_lines()) == 1


def test_without_provider_keys_the_answer_is_503_and_nothing_is_invented(
    assessments: Any, provider: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    get_settings.cache_clear()

    status, headers, body = post(assessments)

    assert status == 503
    assert "Retry-After" in headers
    assert "OPENAI_API_KEY" in body["detail"]
    assert len(provider.calls) == 0


def test_the_sample_event_is_served(assessments: Any, provider: respx.MockRouter) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply(RATINGS))
    event = json.loads((ROOT / "events" / "assessments.json").read_text())
    result = assessments.lambda_handler(event, FakeLambdaContext("AssessmentsFunction", timeout_ms=29_000))
    assert result["statusCode"] == 201, result["body"]
    assert json.loads(result["body"])["company_id"] == "acme-portco-1"


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
