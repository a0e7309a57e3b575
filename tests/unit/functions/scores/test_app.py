"""The scores function end to end: API Gateway events in, the embedded DynamoDB underneath.

A stored score and its audit trail, stages and versions, validation that stores nothing, tenant
isolation, and v1's refusal of v2-only inputs. Idempotency, review triggers, history, DynamoDB
failures and portfolios have their own test_app_*.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer
from orgair.scoring.models import V2_ONLY_INPUTS
from support.scores_api import (
    as_decimals,
    empty,
    post_score,
    raw_items,
    read_history,
    read_score,
    score_items,
)
from support.scoring_requests import (
    DIMENSIONS,
    WORKED_EXAMPLE,
    company,
    count_items,
    for_v1,
    request,
)

BREAKDOWN = (
    "weighted_mean",
    "std_dev",
    "cv",
    "penalty",
    "tra",
    "vr",
    "sector_vr_average",
    "c_v",
    "c_m",
    "pf",
    "hr_base",
    "hr",
    "alignment",
    "timing_factor",
    "synergy",
    "org_air",
    "rho",
    "sem",
    "z",
    "ci_lower",
    "ci_upper",
)
_deserializer = TypeDeserializer()


# ---------------------------------------------------------------- one stored score


def test_a_stored_score_is_201_with_a_location_that_reads_back_the_same_score(scores: ModuleType) -> None:
    created = post_score(scores, WORKED_EXAMPLE)

    assert created.status == 201, created
    score_id = created.body["score_id"]
    assert created.header("Location") == f"/v2/scores/{score_id}"
    assert created.body["result"]["org_air"] == 72.639
    assert (created.body["requires_review"], created.body["review"]) == (False, None)

    read = read_score(scores, score_id)
    assert read.status == 200, read
    assert read.body == created.body


def test_the_location_names_the_stage_the_score_was_stored_on(scores: ModuleType) -> None:
    created = post_score(scores, WORKED_EXAMPLE, stage="v1")

    assert created.header("Location") == f"/v1/scores/{created.body['score_id']}"
    assert read_score(scores, created.body["score_id"], stage="v1").body == created.body


def test_every_stored_item_carries_the_audit_trail(scores: ModuleType, db: Any) -> None:
    before = datetime.now(UTC)
    created = post_score(scores, WORKED_EXAMPLE, headers={"X-Correlation-ID": "trace-42"})
    assert created.status == 201, created
    score_id = created.body["score_id"]

    response = db.get_item(
        TableName="ScoresTable",
        Key={"pk": {"S": "T#acme#C#acme-portco-1#V#v2.0"}, "sk": {"S": f"S#{score_id}"}},
        ConsistentRead=True,
    )
    item = {key: _deserializer.deserialize(value) for key, value in response["Item"].items()}

    assert item["tenant_id"] == "acme"
    assert item["company_id"] == "acme-portco-1"
    assert item["param_version"] == "v2.0"
    assert item["score_id"] == score_id
    assert item["inputs"] == as_decimals(WORKED_EXAMPLE)
    result = item["result"]
    assert result["parameters"] == {
        "alpha": Decimal("0.6"),
        "beta": Decimal("0.12"),
        "lambda": Decimal("0.25"),
        "delta": Decimal("0.15"),
        "ebitda_gamma": Decimal("0.035"),
        "dimension_weights": {
            "data_infrastructure": Decimal("0.18"),
            "ai_governance": Decimal("0.15"),
            "technology_stack": Decimal("0.15"),
            "talent": Decimal("0.17"),
            "leadership": Decimal("0.13"),
            "use_case_portfolio": Decimal("0.12"),
            "culture": Decimal("0.1"),
        },
    }
    assert set(BREAKDOWN) <= set(result)
    assert (result["org_air"], result["ci_lower"], result["ci_upper"]) == (
        Decimal("72.639"),
        Decimal("60.7026"),
        Decimal("84.5754"),
    )
    assert [a["field"] for a in result["assumptions"]] == ["hr_baseline", "confidence_level"]
    created_at = datetime.fromisoformat(str(item["created_at"]))
    assert before - timedelta(seconds=1) <= created_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert item["correlation_id"] == "trace-42"
    assert item["key_id"] == "key-acme"
    assert item["request_id"]
    assert created.header("X-Correlation-ID") == "trace-42"
    assert created.body["correlation_id"] == "trace-42"


def test_the_latest_pointer_is_written_with_the_score(scores: ModuleType, db: Any) -> None:
    created = post_score(scores, WORKED_EXAMPLE)

    pointers = [item for item in raw_items(db) if item["sk"] == "LATEST"]
    assert len(pointers) == 1
    assert pointers[0]["score_id"] == created.body["score_id"]
    assert pointers[0]["score"] == Decimal("72.639")


def test_stage_v1_stores_v1_0_and_v2_stores_v2_0_and_history_shows_only_its_stage(
    scores: ModuleType, db: Any
) -> None:
    v1 = post_score(scores, WORKED_EXAMPLE, stage="v1")
    v2 = post_score(scores, WORKED_EXAMPLE, stage="v2")

    assert (v1.status, v2.status) == (201, 201)
    assert v1.body["param_version"] == v1.body["result"]["param_version"] == "v1.0"
    assert v1.body["result"]["composite"] == 78.08
    assert v2.body["param_version"] == v2.body["result"]["param_version"] == "v2.0"
    assert sorted(str(item["param_version"]) for item in score_items(db)) == ["v1.0", "v2.0"]

    v1_history = read_history(scores, "acme-portco-1", stage="v1").body
    v2_history = read_history(scores, "acme-portco-1", stage="v2").body
    assert (v1_history["param_version"], [i["score_id"] for i in v1_history["items"]]) == (
        "v1.0",
        [v1.body["score_id"]],
    )
    assert (v2_history["param_version"], [i["score_id"] for i in v2_history["items"]]) == (
        "v2.0",
        [v2.body["score_id"]],
    )


def test_storing_needs_the_scores_write_scope_and_an_authorizer(scores: ModuleType, db: Any) -> None:
    assert post_score(scores, WORKED_EXAMPLE, scopes="scores:read").is_problem(403)
    assert post_score(scores, WORKED_EXAMPLE, tenant=None).is_problem(401)
    assert read_history(scores, "acme-portco-1").status == 200
    assert request(
        scores,
        "GET",
        "/companies/c/scores",
        scopes="scores:write",
        path_parameters={"company_id": "c"},
        resource="/companies/{company_id}/scores",
    ).is_problem(403)
    assert count_items(db) == empty(db)


# ---------------------------------------------------------------- validation stores nothing


@pytest.mark.parametrize(
    "body",
    [
        {**WORKED_EXAMPLE, "dimensions": {**WORKED_EXAMPLE["dimensions"], "data_infrastructure": 120}},
        {**WORKED_EXAMPLE, "sector": "aerospace"},
        {**WORKED_EXAMPLE, "timing_factor": 1.5},
        {key: value for key, value in WORKED_EXAMPLE.items() if key != "dimensions"},
        {**WORKED_EXAMPLE, "parameters": {"alpha": 0.65}},
        "{not json",
    ],
    ids=["dimension-120", "unknown-sector", "timing-1.5", "no-dimensions", "what-if-parameters", "malformed"],
)
def test_nothing_is_stored_when_the_request_fails_validation(scores: ModuleType, db: Any, body: Any) -> None:
    reply = post_score(scores, body, headers={"Idempotency-Key": "k-invalid"})

    assert reply.status in {400, 422}, reply
    assert reply.is_problem(reply.status)
    assert count_items(db) == empty(db)


def test_a_value_dynamodb_cannot_hold_is_refused_not_a_500(scores: ModuleType, db: Any) -> None:
    tiny = {**WORKED_EXAMPLE, "dimensions": {**WORKED_EXAMPLE["dimensions"], "culture": 1.9e-305}}
    long = '{{"company_id": "c1", "sector": "retail", "dimensions": {{{}}}, "alignment": 0.{}}}'.format(
        ", ".join(f'"{name}": 50' for name in DIMENSIONS),
        "1" * 45,
    )

    for body, field in ((tiny, "dimensions.culture"), (long, "alignment")):
        reply = post_score(scores, body)
        assert reply.is_problem(422), reply
        assert reply.fields() == [field]
    assert count_items(db) == empty(db)


# ---------------------------------------------------------------- tenant isolation


def test_another_tenants_score_is_404_and_its_history_is_empty(scores: ModuleType) -> None:
    created = post_score(scores, WORKED_EXAMPLE)

    stolen = read_score(scores, created.body["score_id"], tenant="globex")
    history = read_history(scores, "acme-portco-1", tenant="globex")

    assert stolen.is_problem(404), stolen
    assert "org_air" not in stolen.raw_body
    assert (history.status, history.body["items"], history.body["next_cursor"]) == (200, [], None)
    assert read_score(scores, created.body["score_id"]).status == 200


@pytest.mark.parametrize(
    "score_id", ["01M83CZX90SFAVDV9HFJ5ZPE58", "not-an-id", "01m83czx90sfavdv9hfj5zpe58"]
)
def test_an_unknown_or_malformed_score_id_is_404(scores: ModuleType, score_id: str) -> None:
    assert read_score(scores, score_id).is_problem(404)


def test_v1_refuses_inputs_only_v2_uses_with_422_naming_each_field(scores: ModuleType, db: Any) -> None:
    reply = request(
        scores, "POST", "/scores", stage="v1", body={**for_v1(WORKED_EXAMPLE), "target_org_air": 80}
    )

    assert reply.is_problem(422), reply
    assert reply.fields() == ["target_org_air"]
    assert "v2" in reply.body["detail"]
    assert raw_items(db, "ScoresTable") == []
    every = request(scores, "POST", "/scores", stage="v1", body=WORKED_EXAMPLE)
    assert every.is_problem(422), every
    assert sorted(every.fields()) == sorted(key for key in WORKED_EXAMPLE if key in V2_ONLY_INPUTS)


def test_v2_accepts_the_same_inputs(scores: ModuleType) -> None:
    assert post_score(scores, {**WORKED_EXAMPLE, "target_org_air": 80}, stage="v2").status == 201


def test_a_v1_portfolio_refuses_the_item_that_sends_a_v2_only_input(scores: ModuleType) -> None:
    body = {"companies": [for_v1(company("plain")), {**for_v1(company("extra")), "evidence_count": 3}]}
    reply = request(scores, "POST", "/portfolios/scores", stage="v1", body=body)

    assert reply.status == 200, reply
    first, second = reply.body["results"]
    assert first["status"] == "stored"
    assert second["status"] == "invalid"
    assert [error["field"] for error in second["problem"]["errors"]] == ["companies.1.evidence_count"]


def test_every_instant_in_a_score_is_rfc3339_utc_with_milliseconds(scores: ModuleType) -> None:
    created = post_score(scores, company("clock"), stage="v2")
    read = read_score(scores, created.body["score_id"])

    for body in (created.body, read.body):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", body["created_at"]), body
