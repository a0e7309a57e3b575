"""One vocabulary over HTTP, through the local runner (issue #14): every idempotent route replays
with the original status and `Idempotent-Replayed: true`, every instant is RFC 3339 UTC with
milliseconds, and v1 refuses inputs only v2 uses with a 422 naming them."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from support.scoring_requests import company, for_v1

pytestmark = pytest.mark.integration

RFC3339_MS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def _replayed(
    client: httpx.Client, path: str, body: dict[str, object]
) -> tuple[httpx.Response, httpx.Response]:
    headers = {"Idempotency-Key": f"vocabulary-{uuid.uuid4()}"}
    return client.post(path, json=body, headers=headers), client.post(path, json=body, headers=headers)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/scores", for_v1(company("replay-v1"))),
        ("/v2/scores", company("replay-v2")),
        (
            "/v1/costs",
            {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 10, "output_tokens": 5},
        ),
        (
            "/v2/costs",
            {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 10, "output_tokens": 5},
        ),
    ],
)
def test_a_replay_answers_the_original_status_with_the_replay_header(
    client: httpx.Client, path: str, body: dict[str, object]
) -> None:
    first, again = _replayed(client, path, body)

    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"


def test_v1_refuses_inputs_only_v2_uses_with_422_naming_them(client: httpx.Client) -> None:
    body = {**for_v1(company(f"v1-only-{uuid.uuid4().hex[:8]}")), "target_org_air": 80, "evidence_count": 4}
    refused = client.post("/v1/scores", json=body)

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert sorted(error["field"] for error in refused.json()["errors"]) == [
        "evidence_count",
        "target_org_air",
    ]
    assert refused.json()["instance"] == "/v1/scores"
    assert client.post("/v2/scores", json=body).status_code == 201


def test_every_instant_in_responses_is_rfc3339_utc_with_milliseconds(client: httpx.Client) -> None:
    stored = client.post("/v2/scores", json=company(f"clock-{uuid.uuid4().hex[:8]}")).json()
    report = {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 10, "output_tokens": 5}
    recorded = client.post("/v2/costs", json=report, headers={"Idempotency-Key": str(uuid.uuid4())}).json()
    summary = client.get("/v2/costs/summary").json()

    instants = [stored["created_at"], recorded["entry"]["timestamp"], summary["resets_at"]]
    assert all(RFC3339_MS.fullmatch(instant) for instant in instants), instants
