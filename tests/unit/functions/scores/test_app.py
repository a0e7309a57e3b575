"""The scores function end to end: API Gateway events in, the embedded DynamoDB underneath.

Stored scores and their audit trail, stages and versions, idempotent retries, human-review
triggers, history paging, tenant isolation, failing closed when DynamoDB misbehaves, and
portfolios (per-item results, batched writes, partial failure without half-written companies).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer
from orgair.aws import dynamodb_client
from orgair.scoring.models import V2_ONLY_INPUTS
from support.dynamodb_faults import inject_fault, record_operations
from support.lambda_events import load_function
from support.scoring_requests import (
    DIMENSIONS,
    WORKED_EXAMPLE,
    Reply,
    company,
    count_items,
    for_stage,
    for_v1,
    local_client,
    record_transactions,
    request,
    scan_all,
    transaction_partitions,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

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


@pytest.fixture
def scores(dynamodb: EmbeddedDynamoDB) -> ModuleType:
    return load_function("scores")


@pytest.fixture
def db(dynamodb: EmbeddedDynamoDB) -> Any:
    """A plain boto3 client on the embedded DynamoDB, to read what the handlers stored."""
    return local_client(dynamodb.endpoint_url)


def post_score(
    module: ModuleType,
    body: Any,
    *,
    stage: str = "v2",
    tenant: str | None = "acme",
    scopes: str = "scores:write",
    headers: dict[str, str] | None = None,
) -> Reply:
    return request(
        module,
        "POST",
        "/scores",
        stage=stage,
        body=for_stage(body, stage),
        tenant=tenant,
        scopes=scopes,
        headers=headers,
    )


def read_score(module: ModuleType, score_id: str, *, stage: str = "v2", tenant: str = "acme") -> Reply:
    return request(
        module,
        "GET",
        f"/scores/{score_id}",
        stage=stage,
        tenant=tenant,
        scopes="scores:read",
        path_parameters={"score_id": score_id},
        resource="/scores/{score_id}",
    )


def read_history(
    module: ModuleType,
    company_id: str,
    *,
    stage: str = "v2",
    tenant: str = "acme",
    limit: int | None = None,
    cursor: str | None = None,
) -> Reply:
    query = {}
    if limit is not None:
        query["limit"] = str(limit)
    if cursor is not None:
        query["cursor"] = cursor
    return request(
        module,
        "GET",
        f"/companies/{company_id}/scores",
        stage=stage,
        tenant=tenant,
        scopes="scores:read",
        query=query or None,
        path_parameters={"company_id": company_id},
        resource="/companies/{company_id}/scores",
    )


def post_portfolio(
    module: ModuleType,
    companies: list[Any],
    *,
    stage: str = "v2",
    tenant: str = "acme",
    scopes: str = "scores:write",
) -> Reply:
    return request(
        module,
        "POST",
        "/portfolios/scores",
        stage=stage,
        body={"companies": companies},
        tenant=tenant,
        scopes=scopes,
    )


def raw_items(db: Any, table: str = "ScoresTable") -> list[dict[str, Any]]:
    return [
        {key: _deserializer.deserialize(value) for key, value in item.items()} for item in scan_all(db, table)
    ]


def score_items(db: Any) -> list[dict[str, Any]]:
    return [item for item in raw_items(db) if str(item["sk"]).startswith("S#")]


def stored_companies(db: Any) -> set[str]:
    return {str(item["company_id"]) for item in score_items(db)}


def as_decimals(value: Any) -> Any:
    """A JSON request value as DynamoDB gives it back (every number a Decimal)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: as_decimals(item) for key, item in value.items()}
    return [as_decimals(item) for item in value]


def empty(db: Any) -> dict[str, int]:
    return dict.fromkeys(count_items(db), 0)


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


# ---------------------------------------------------------------- idempotency


def test_a_retry_with_the_same_idempotency_key_returns_the_first_response_and_stores_once(
    scores: ModuleType, db: Any
) -> None:
    headers = {"Idempotency-Key": "retry-0001"}
    first = post_score(scores, WORKED_EXAMPLE, headers=headers)
    counts = count_items(db)
    second = post_score(scores, WORKED_EXAMPLE, headers=headers)

    assert (first.status, second.status) == (201, 201)
    assert (first.header("Idempotent-Replayed"), second.header("Idempotent-Replayed")) == (None, "true")
    assert second.body == first.body
    assert second.header("Location") == first.header("Location")
    assert counts == {"ScoresTable": 2, "ReviewsTable": 0, "IdempotencyTable": 1}
    assert count_items(db) == counts
    assert len(read_history(scores, "acme-portco-1").body["items"]) == 1


def test_the_same_key_with_a_different_body_is_422_naming_the_header(scores: ModuleType, db: Any) -> None:
    headers = {"Idempotency-Key": "retry-0002"}
    post_score(scores, WORKED_EXAMPLE, headers=headers)
    counts = count_items(db)
    reply = post_score(scores, {**WORKED_EXAMPLE, "timing_factor": 1.1}, headers=headers)

    assert reply.is_problem(422), reply
    assert reply.fields() == ["Idempotency-Key"]
    assert count_items(db) == counts


def test_an_idempotency_key_is_scoped_to_the_tenant_and_the_stage(scores: ModuleType, db: Any) -> None:
    headers = {"Idempotency-Key": "shared-key"}
    acme = post_score(scores, WORKED_EXAMPLE, headers=headers)
    globex = post_score(scores, WORKED_EXAMPLE, headers=headers, tenant="globex")
    acme_v1 = post_score(scores, WORKED_EXAMPLE, headers=headers, stage="v1")

    assert (acme.status, globex.status, acme_v1.status) == (201, 201, 201)
    assert len({acme.body["score_id"], globex.body["score_id"], acme_v1.body["score_id"]}) == 3
    assert count_items(db)["IdempotencyTable"] == 3


@pytest.mark.parametrize("key", ["has space", "x" * 256, "", "caf\u00e9"])
def test_an_invalid_idempotency_key_is_422_naming_the_header(scores: ModuleType, db: Any, key: str) -> None:
    reply = post_score(scores, WORKED_EXAMPLE, headers={"Idempotency-Key": key})

    assert reply.is_problem(422), reply
    assert reply.fields() == ["Idempotency-Key"]
    assert count_items(db) == empty(db)


def test_a_request_that_failed_on_the_store_can_be_retried_with_the_same_key(
    scores: ModuleType, db: Any
) -> None:
    inject_fault(dynamodb_client(), "TransactWriteItems", "ProvisionedThroughputExceededException", calls={1})
    headers = {"Idempotency-Key": "retry-after-503"}

    failed = post_score(scores, WORKED_EXAMPLE, headers=headers)
    retried = post_score(scores, WORKED_EXAMPLE, headers=headers)

    assert failed.is_problem(503), failed
    assert retried.status == 201, retried
    assert len(score_items(db)) == 1


def test_an_unreachable_idempotency_store_is_503_and_nothing_is_scored(scores: ModuleType, db: Any) -> None:
    inject_fault(dynamodb_client(), "PutItem", "EndpointConnection")

    reply = post_score(scores, WORKED_EXAMPLE, headers={"Idempotency-Key": "k-503"})

    assert reply.is_problem(503), reply
    assert reply.header("Retry-After")
    assert count_items(db) == empty(db)


# ---------------------------------------------------------------- human review


def test_a_jump_of_more_than_15_points_opens_exactly_one_pending_review(scores: ModuleType, db: Any) -> None:
    first = post_score(scores, company("jumpy", level=40))
    second = post_score(scores, company("jumpy", level=90))

    assert (first.body["requires_review"], first.body["review"]) == (False, None)
    assert second.body["requires_review"] is True
    review = second.body["review"]
    assert review["status"] == "pending"
    assert review["reasons"][0]["previous"] == first.body["result"]["org_air"]
    assert review["reasons"][0]["current"] == second.body["result"]["org_air"]

    reviews = raw_items(db, "ReviewsTable")
    assert len(reviews) == 1
    assert (reviews[0]["review_id"], reviews[0]["status"]) == (review["review_id"], "pending")
    assert (reviews[0]["score_id"], reviews[0]["tenant_id"]) == (second.body["score_id"], "acme")
    assert read_score(scores, second.body["score_id"]).body["review"] == review


@pytest.mark.parametrize(
    ("previous", "current", "opens"),
    [
        (50, 65, False),  # exactly the threshold: no review
        (65, 50, False),
        (50, 65.0001, True),  # just over it, in either direction
        (65.0001, 50, True),
        (50, 64.9999, False),
    ],
)
def test_the_review_threshold_is_strictly_more_than_15_points(
    scores: ModuleType, db: Any, previous: float, current: float, opens: bool
) -> None:
    # On stage v1 the compared score is the composite, which for a flat profile is the level itself.
    post_score(scores, company("edge", level=previous), stage="v1")
    second = post_score(scores, company("edge", level=current), stage="v1")

    assert second.body["requires_review"] is opens
    assert len(raw_items(db, "ReviewsTable")) == (1 if opens else 0)


def test_the_review_rule_compares_only_within_one_version_and_one_tenant(scores: ModuleType, db: Any) -> None:
    post_score(scores, company("split", level=10), stage="v1")
    first_v2 = post_score(scores, company("split", level=90), stage="v2")
    first_globex = post_score(scores, company("split", level=90), stage="v1", tenant="globex")

    assert first_v2.body["requires_review"] is False
    assert first_globex.body["requires_review"] is False
    assert raw_items(db, "ReviewsTable") == []


def test_a_sub_threshold_staircase_opens_a_review_once_its_cumulative_drift_crosses_the_threshold(
    scores: ModuleType, db: Any
) -> None:
    # Steps of 10 points never cross 15 on their own; the drift from the first score does at 40.
    steps = [post_score(scores, company("drift", level=level), stage="v1").body for level in (20, 30, 40)]

    assert [step["requires_review"] for step in steps] == [False, False, True]
    (reason,) = steps[2]["review"]["reasons"]
    assert (reason["code"], reason["previous"], reason["current"], reason["change"]) == (
        "score_drift",
        20,
        40,
        20,
    )
    assert "since the last approved score" in reason["message"]
    assert len(raw_items(db, "ReviewsTable")) == 1


def test_a_staircase_in_either_direction_opens_a_review(scores: ModuleType) -> None:
    levels = (80, 72, 64)
    replies = [post_score(scores, company("down", level=level), stage="v1").body for level in levels]

    assert [reply["requires_review"] for reply in replies] == [False, False, True]


def test_each_score_is_also_compared_with_the_last_accepted_score(scores: ModuleType) -> None:
    # 60 was accepted (10 from 50), so 44 is a jump of 16 from it although only 6 from the first score.
    for level in (50, 60):
        assert post_score(scores, company("step", level=level), stage="v1").body["requires_review"] is False

    jump = post_score(scores, company("step", level=44), stage="v1").body

    assert jump["requires_review"] is True
    (reason,) = jump["review"]["reasons"]
    assert (reason["code"], reason["previous"], reason["current"]) == ("score_change", 60, 44)


def test_a_pending_jump_is_no_baseline_so_repeating_it_opens_another_review(
    scores: ModuleType, db: Any
) -> None:
    post_score(scores, company("again", level=40), stage="v1")
    first = post_score(scores, company("again", level=90), stage="v1").body
    repeated = post_score(scores, company("again", level=90), stage="v1").body

    assert first["requires_review"] is True
    assert repeated["requires_review"] is True
    assert repeated["review"]["reasons"][0]["previous"] == 40
    assert len(raw_items(db, "ReviewsTable")) == 2


def test_a_staircase_behind_a_pending_jump_is_still_compared_with_the_accepted_scores(
    scores: ModuleType,
) -> None:
    post_score(scores, company("behind", level=40), stage="v1")
    assert post_score(scores, company("behind", level=60), stage="v1").body["requires_review"] is True
    # Pending 60 is not a baseline: 54 is compared with 40 (drift 14, accepted), 68 with 54 and 40.
    assert post_score(scores, company("behind", level=54), stage="v1").body["requires_review"] is False
    assert post_score(scores, company("behind", level=68), stage="v1").body["requires_review"] is True


def test_the_pointer_keeps_the_newest_score_apart_from_the_accepted_one(scores: ModuleType, db: Any) -> None:
    accepted = post_score(scores, company("marks", level=40), stage="v1").body
    pending = post_score(scores, company("marks", level=90), stage="v1").body

    (pointer,) = [item for item in raw_items(db) if item["sk"] == "LATEST"]
    assert (pointer["score_id"], pointer["score"]) == (pending["score_id"], Decimal(90))
    assert (pointer["baseline_score_id"], pointer["baseline_score"]) == (accepted["score_id"], Decimal(40))
    assert "anchor_score_id" not in pointer  # the anchor is the baseline: stored once
    assert pointer["revision"] == 2


# ---------------------------------------------------------------- history


def test_history_pages_newest_first_with_limit_and_an_opaque_cursor(scores: ModuleType) -> None:
    created = [post_score(scores, company("paged", level=50 + i)).body["score_id"] for i in range(5)]

    pages: list[list[str]] = []
    cursor: str | None = None
    for _ in range(5):
        reply = read_history(scores, "paged", limit=2, cursor=cursor)
        assert reply.status == 200, reply
        pages.append([item["score_id"] for item in reply.body["items"]])
        cursor = reply.body["next_cursor"]
        if cursor is None:
            break

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [score_id for page in pages for score_id in page] == list(reversed(created))
    assert pages[0] == sorted(pages[0], reverse=True)


def test_history_defaults_to_20_items(scores: ModuleType) -> None:
    for i in range(21):
        post_score(scores, company("many", level=i), stage="v1")

    reply = read_history(scores, "many", stage="v1")

    assert len(reply.body["items"]) == 20
    assert reply.body["next_cursor"]


def tamper(cursor: str) -> str:
    payload, signature = cursor.split(".", 1)
    flipped = "A" if payload[0] != "A" else "B"
    return flipped + payload[1:] + "." + signature


@pytest.mark.parametrize("damage", ["tamper", "truncate", "garbage", "drop-signature"])
def test_a_damaged_cursor_is_422_naming_cursor(scores: ModuleType, damage: str) -> None:
    for i in range(3):
        post_score(scores, company("paged", level=50 + i))
    cursor = read_history(scores, "paged", limit=1).body["next_cursor"]
    damaged = {
        "tamper": tamper(cursor),
        "truncate": cursor[:-3],
        "garbage": "not-a-cursor!",
        "drop-signature": cursor.split(".")[0],
    }[damage]

    reply = read_history(scores, "paged", limit=1, cursor=damaged)

    assert reply.is_problem(422), reply
    assert reply.fields() == ["cursor"]


def test_a_cursor_only_works_for_the_query_that_issued_it(scores: ModuleType) -> None:
    for i in range(3):
        post_score(scores, company("paged", level=50 + i))
        post_score(scores, company("other", level=50 + i))
        post_score(scores, company("paged", level=50 + i), tenant="globex")
    cursor = read_history(scores, "paged", limit=1).body["next_cursor"]

    other_company = read_history(scores, "other", limit=1, cursor=cursor)
    other_tenant = read_history(scores, "paged", limit=1, cursor=cursor, tenant="globex")
    other_stage = read_history(scores, "paged", limit=1, cursor=cursor, stage="v1")

    for reply in (other_company, other_tenant, other_stage):
        assert reply.is_problem(422), reply
        assert reply.fields() == ["cursor"]
    assert read_history(scores, "paged", limit=1, cursor=cursor).status == 200


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_a_limit_outside_1_to_100_is_422_naming_limit(scores: ModuleType, limit: str) -> None:
    reply = request(
        scores,
        "GET",
        "/companies/c1/scores",
        scopes="scores:read",
        query={"limit": limit},
        path_parameters={"company_id": "c1"},
        resource="/companies/{company_id}/scores",
    )

    assert reply.is_problem(422), reply
    assert reply.fields() == ["limit"]


def test_an_invalid_company_id_in_the_path_is_422(scores: ModuleType) -> None:
    reply = read_history(scores, "no spaces")

    assert reply.is_problem(422), reply
    assert reply.fields() == ["company_id"]


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


# ---------------------------------------------------------------- DynamoDB failures


@pytest.mark.parametrize(
    "fault",
    [
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "ServiceUnavailable",
        "InternalServerError",
        "ReadTimeout",
        "ConnectTimeout",
        "TransactionCanceledThrottled",
    ],
)
def test_a_failing_transaction_is_503_with_retry_after_and_nothing_half_written(
    scores: ModuleType, db: Any, fault: str
) -> None:
    first = post_score(scores, company("steady", level=40))
    before = count_items(db)
    seen = inject_fault(dynamodb_client(), "TransactWriteItems", fault)

    reply = post_score(scores, company("steady", level=90))

    assert seen, "the fault was never reached"
    assert reply.is_problem(503), reply
    assert reply.body["type"].endswith("/dependency-unavailable")
    assert int(reply.header("Retry-After") or "0") > 0
    assert "Exception" not in reply.body["detail"]
    assert "botocore" not in reply.raw_body
    assert count_items(db) == before
    latest = [item for item in raw_items(db) if item["sk"] == "LATEST"]
    assert [item["score_id"] for item in latest] == [first.body["score_id"]]


def test_an_unreachable_store_while_reading_the_previous_score_is_503_and_nothing_is_written(
    scores: ModuleType, db: Any
) -> None:
    inject_fault(dynamodb_client(), "GetItem", "EndpointConnection")
    calls = record_operations(dynamodb_client())

    reply = post_score(scores, WORKED_EXAMPLE)

    assert reply.is_problem(503), reply
    assert "TransactWriteItems" not in calls
    assert count_items(db) == empty(db)


def test_reads_fail_closed_with_503_when_dynamodb_is_unreachable(scores: ModuleType) -> None:
    created = post_score(scores, WORKED_EXAMPLE)
    inject_fault(dynamodb_client(), "Query", "EndpointConnection")

    history = read_history(scores, "acme-portco-1")
    score = read_score(scores, created.body["score_id"])

    assert history.is_problem(503), history
    assert score.is_problem(503), score
    assert history.header("Retry-After")
    assert score.header("Retry-After")


# ---------------------------------------------------------------- portfolios


def test_a_portfolio_reports_every_item_in_input_order_with_a_problem_for_each_invalid_one(
    scores: ModuleType, db: Any
) -> None:
    companies: list[Any] = [
        company("p-a", level=60),
        company("p-b", dimensions={**WORKED_EXAMPLE["dimensions"], "data_infrastructure": 120}),
        company("p-c"),
        {key: value for key, value in company("p-d").items() if key != "sector"},
        company("p-e", level=80, sector="retail"),
    ]

    reply = post_portfolio(scores, companies)

    assert reply.status == 200, reply
    results = reply.body["results"]
    assert [(r["index"], r["company_id"], r["status"]) for r in results] == [
        (0, "p-a", "stored"),
        (1, "p-b", "invalid"),
        (2, "p-c", "stored"),
        (3, "p-d", "invalid"),
        (4, "p-e", "stored"),
    ]
    assert results[1]["problem"]["status"] == 422
    assert [e["field"] for e in results[1]["problem"]["errors"]] == [
        "companies.1.dimensions.data_infrastructure"
    ]
    assert [e["field"] for e in results[3]["problem"]["errors"]] == ["companies.3.sector"]
    assert all(r["problem"] is None and r["score"]["company_id"] == r["company_id"] for r in results[::2])
    assert stored_companies(db) == {"p-a", "p-c", "p-e"}

    headlines = [r["score"]["result"]["org_air"] for r in results[::2]]
    summary = reply.body["summary"]
    assert (summary["count"], summary["stored"], summary["invalid"], summary["failed"]) == (5, 3, 2, 0)
    assert summary["min"] == min(headlines)
    assert summary["max"] == max(headlines)
    expected_mean = (sum((Decimal(str(h)) for h in headlines), Decimal(0)) / 3).quantize(Decimal("0.0001"))
    assert Decimal(str(summary["mean"])) == expected_mean
    assert summary["requiring_review"] == []
    for r in results[::2]:
        assert read_score(scores, r["score"]["score_id"]).body == r["score"]


def test_a_portfolio_lists_the_companies_whose_scores_need_review(scores: ModuleType, db: Any) -> None:
    post_portfolio(scores, [company("r-a", level=40), company("r-b", level=40), company("r-c", level=40)])

    reply = post_portfolio(
        scores, [company("r-a", level=90), company("r-b", level=45), company("r-c", level=10)]
    )

    assert reply.body["summary"]["requiring_review"] == ["r-a", "r-c"]
    assert [r["score"]["requires_review"] for r in reply.body["results"]] == [True, False, True]
    reviews = raw_items(db, "ReviewsTable")
    assert sorted(str(r["company_id"]) for r in reviews) == ["r-a", "r-c"]
    assert {r["status"] for r in reviews} == {"pending"}


def test_a_company_listed_twice_in_one_portfolio_is_flagged_and_stored_once(
    scores: ModuleType, db: Any
) -> None:
    reply = post_portfolio(scores, [company("dup", level=50), company("solo"), company("dup", level=70)])

    results = reply.body["results"]
    assert [r["status"] for r in results] == ["stored", "stored", "invalid"]
    assert [e["field"] for e in results[2]["problem"]["errors"]] == ["companies.2.company_id"]
    assert results[2]["company_id"] == "dup"
    assert [str(item["company_id"]) for item in score_items(db)].count("dup") == 1
    assert results[0]["score"]["result"]["weighted_mean"] == 50
    assert reply.body["summary"]["invalid"] == 1


def test_a_portfolio_item_that_is_not_an_object_fails_the_request_schema(scores: ModuleType, db: Any) -> None:
    reply = post_portfolio(scores, [company("fine"), 42])

    assert reply.is_problem(422), reply
    assert reply.fields() == ["companies.1"]
    assert count_items(db) == empty(db)


def test_a_portfolio_item_with_a_number_dynamodb_cannot_hold_is_invalid_alone(
    scores: ModuleType, db: Any
) -> None:
    tiny = company("tiny", dimensions={**WORKED_EXAMPLE["dimensions"], "talent": 1e-200})
    reply = post_portfolio(scores, [company("fine"), tiny])

    assert [r["status"] for r in reply.body["results"]] == ["stored", "invalid"]
    assert [e["field"] for e in reply.body["results"][1]["problem"]["errors"]] == [
        "companies.1.dimensions.talent"
    ]
    assert stored_companies(db) == {"fine"}


def test_a_portfolio_of_only_invalid_items_stores_nothing(scores: ModuleType, db: Any) -> None:
    reply = post_portfolio(scores, [company("x", sector="space"), {"company_id": "y"}])

    assert reply.status == 200, reply
    assert [r["status"] for r in reply.body["results"]] == ["invalid", "invalid"]
    summary = reply.body["summary"]
    assert (summary["stored"], summary["mean"], summary["min"], summary["max"]) == (0, None, None, None)
    assert count_items(db) == empty(db)


@pytest.mark.parametrize("size", [0, 501])
def test_a_portfolio_outside_1_to_500_companies_is_422_naming_companies(
    scores: ModuleType, db: Any, size: int
) -> None:
    reply = post_portfolio(scores, [company(f"c{i}") for i in range(size)])

    assert reply.is_problem(422), reply
    assert reply.fields() == ["companies"]
    assert count_items(db) == empty(db)


def test_a_portfolio_needs_scores_write(scores: ModuleType) -> None:
    assert post_portfolio(scores, [company("a")], scopes="scores:read").is_problem(403)


def test_a_500_company_portfolio_is_stored_with_batched_calls_never_one_per_company(
    scores: ModuleType, db: Any
) -> None:
    calls = record_operations(dynamodb_client())
    transactions = record_transactions(dynamodb_client())

    reply = post_portfolio(scores, [company(f"co-{i:03d}", level=i % 101) for i in range(500)])

    assert reply.status == 200, reply
    assert reply.body["summary"]["stored"] == 500
    items = sum(len(t) for t in transactions)
    assert items == 1000  # a score and its latest pointer per company
    assert calls.count("TransactWriteItems") <= math.ceil(items / 100)
    assert calls.count("BatchGetItem") == math.ceil(500 / 100)
    assert set(calls) == {"TransactWriteItems", "BatchGetItem"}
    assert all(len(t) <= 100 for t in transactions)
    assert len(score_items(db)) == 500


def test_a_portfolio_chunk_that_loses_a_race_is_decided_again_and_stored_whole(
    scores: ModuleType, db: Any
) -> None:
    post_score(scores, company("co-000", level=40))
    other_instance = load_function("scores")
    racing: list[Reply] = []
    fired: list[bool] = []

    def single_score_lands_first(**_: Any) -> None:
        # A single score of co-000 commits between the portfolio's read of the pointers and its write.
        if not fired:
            fired.append(True)
            racing.append(post_score(other_instance, company("co-000", level=50)))

    dynamodb_client().meta.events.register_first(
        "before-call.dynamodb.TransactWriteItems", single_score_lands_first
    )
    companies = [company(f"co-{i:03d}", level=60) for i in range(60)]

    reply = post_portfolio(scores, companies)

    assert reply.status == 200, reply
    summary = reply.body["summary"]
    assert (summary["stored"], summary["failed"]) == (60, 0)
    assert [r["index"] for r in reply.body["results"]] == list(range(60))
    first = reply.body["results"][0]["score"]
    # Decided on the pointer that won: 60 is compared with 50 (accepted), not only with 40.
    assert first["requires_review"] is False
    assert len(score_items(db)) == 62
    (pointer,) = [item for item in raw_items(db) if item["sk"] == "LATEST" and item["company_id"] == "co-000"]
    assert pointer["score_id"] == max(racing[0].body["score_id"], first["score_id"])


def test_when_one_transaction_chunk_fails_only_its_companies_fail_and_none_is_half_written(
    scores: ModuleType, db: Any
) -> None:
    transactions = record_transactions(dynamodb_client())
    inject_fault(dynamodb_client(), "TransactWriteItems", "ProvisionedThroughputExceededException", calls={2})
    companies = [company(f"co-{i:03d}", level=i % 101) for i in range(150)]

    reply = post_portfolio(scores, companies)

    assert reply.status == 200, reply
    assert len(transactions) == 3
    failed_partitions = transaction_partitions(transactions[1])
    failed = {r["company_id"] for r in reply.body["results"] if r["status"] == "failed"}
    assert failed == {p.split("#C#")[1].split("#V#")[0] for p in failed_partitions}
    assert len(failed) == 50
    for r in reply.body["results"]:
        if r["status"] == "failed":
            assert (r["problem"]["status"], r["score"]) == (503, None)
            assert r["problem"]["type"].endswith("/dependency-unavailable")
    summary = reply.body["summary"]
    assert (summary["stored"], summary["failed"], summary["invalid"]) == (100, 50, 0)

    items = raw_items(db)
    assert stored_companies(db) == {c["company_id"] for c in companies} - failed
    pointers = {str(item["company_id"]) for item in items if item["sk"] == "LATEST"}
    assert pointers == stored_companies(db)  # every stored company has both its score and its pointer


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
