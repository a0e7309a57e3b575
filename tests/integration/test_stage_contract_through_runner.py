"""The stage contract over real HTTP through the local runner: a score or review made on one stage
is invisible on the other (404), lists are per version, and every answer validates against the
reading stage's own committed OpenAPI document (docs/openapi-v1.json, docs/openapi-v2.json)."""

from __future__ import annotations

import json
import uuid
from functools import cache
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from support.local_runner import ROOT
from support.scoring_requests import company, for_stage

pytestmark = pytest.mark.integration

STAGES = ("v1", "v2")


@cache
def document(stage: str) -> dict[str, Any]:
    return dict(json.loads((ROOT / "docs" / f"openapi-{stage}.json").read_text()))


def conforms(response: httpx.Response, stage: str, route: str, method: str) -> Any:
    """The body, after checking status, content type and body against the stage's document."""
    operation = document(stage)["paths"][route][method.lower()]
    answer = operation["responses"].get(str(response.status_code))
    assert answer is not None, f"{stage} {method} {route}: {response.status_code} is not documented"
    media_type = response.headers["content-type"].split(";")[0]
    assert media_type in answer["content"], (stage, route, media_type)
    schema = {**answer["content"][media_type]["schema"], "components": document(stage)["components"]}
    body = response.json()
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, f"{stage} {method} {route} {response.status_code}: {errors[0]}"
    return body


def other(stage: str) -> str:
    return "v2" if stage == "v1" else "v1"


def store(client: httpx.Client, stage: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/{stage}/scores", json=for_stage(body, stage))
    assert response.status_code == 201, response.text
    return dict(conforms(response, stage, "/scores", "POST"))


def open_review(client: httpx.Client, stage: str) -> dict[str, Any]:
    """Two scores of a new company 50 points apart: the second opens a pending review."""
    company_id = f"contract-{stage}-{uuid.uuid4().hex[:8]}"
    store(client, stage, company(company_id, level=40))
    jumped = store(client, stage, company(company_id, level=90))
    assert jumped["requires_review"] is True, jumped
    return jumped


@pytest.mark.parametrize("stage", STAGES)
def test_a_score_reads_back_on_its_own_stage_in_that_stages_model(client: httpx.Client, stage: str) -> None:
    created = store(client, stage, company(f"own-{stage}"))
    response = client.get(f"/{stage}/scores/{created['score_id']}")

    assert response.status_code == 200, response.text
    assert conforms(response, stage, "/scores/{score_id}", "GET") == created


@pytest.mark.parametrize("stage", STAGES)
def test_a_score_created_on_one_stage_is_a_404_on_the_other(client: httpx.Client, stage: str) -> None:
    created = store(client, stage, company(f"cross-{stage}"))
    reader = other(stage)
    path = f"/{reader}/scores/{created['score_id']}"
    response = client.get(path)

    assert response.status_code == 404, response.text
    problem = conforms(response, reader, "/scores/{score_id}", "GET")
    assert problem["instance"] == path


@pytest.mark.parametrize("stage", STAGES)
def test_a_review_is_listed_and_decided_only_on_its_own_stage(client: httpx.Client, stage: str) -> None:
    jumped = open_review(client, stage)
    review_id = jumped["review"]["review_id"]
    reader = other(stage)

    own = conforms(client.get(f"/{stage}/reviews"), stage, "/reviews", "GET")
    foreign = conforms(client.get(f"/{reader}/reviews"), reader, "/reviews", "GET")
    foreign_pending = client.get(f"/{reader}/reviews", params={"status": "pending"})
    decided_elsewhere = client.post(f"/{reader}/reviews/{review_id}/decision", json={"decision": "approve"})

    assert review_id in [item["review_id"] for item in own["items"]]
    assert review_id not in [item["review_id"] for item in foreign["items"]]
    assert all(item["param_version"] == f"{reader}.0" for item in foreign["items"])
    pending = conforms(foreign_pending, reader, "/reviews", "GET")
    assert review_id not in [item["review_id"] for item in pending["items"]]
    assert decided_elsewhere.status_code == 404, decided_elsewhere.text
    conforms(decided_elsewhere, reader, "/reviews/{review_id}/decision", "POST")

    decided = client.post(f"/{stage}/reviews/{review_id}/decision", json={"decision": "approve"})
    assert decided.status_code == 200, decided.text
    assert conforms(decided, stage, "/reviews/{review_id}/decision", "POST")["status"] == "approved"


@pytest.mark.parametrize("stage", STAGES)
def test_history_on_each_stage_holds_only_that_stages_scores(client: httpx.Client, stage: str) -> None:
    company_id = f"history-{uuid.uuid4().hex[:8]}"
    mine = store(client, stage, company(company_id))
    store(client, other(stage), company(company_id))
    response = client.get(f"/{stage}/companies/{company_id}/scores")

    page = conforms(response, stage, "/companies/{company_id}/scores", "GET")
    assert [item["score_id"] for item in page["items"]] == [mine["score_id"]]


def test_the_approve_filter_lists_what_approved_lists(client: httpx.Client) -> None:
    jumped = open_review(client, "v1")
    review_id = jumped["review"]["review_id"]
    client.post(f"/v1/reviews/{review_id}/decision", json={"decision": "approve"}).raise_for_status()

    by_status = conforms(client.get("/v1/reviews", params={"status": "approved"}), "v1", "/reviews", "GET")
    by_decision = client.get("/v1/reviews", params={"status": "approve"})

    assert by_decision.status_code == 200, by_decision.text
    assert by_decision.json()["items"] == by_status["items"]
    assert review_id in [item["review_id"] for item in by_status["items"]]


@pytest.mark.parametrize("stage", STAGES)
def test_a_replayed_score_is_the_same_201_with_the_replay_header(client: httpx.Client, stage: str) -> None:
    headers = {"Idempotency-Key": f"contract-{uuid.uuid4()}"}
    body = for_stage(company(f"replay-{stage}"), stage)
    first = client.post(f"/{stage}/scores", json=body, headers=headers)
    again = client.post(f"/{stage}/scores", json=body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert conforms(again, stage, "/scores", "POST") == first.json()
