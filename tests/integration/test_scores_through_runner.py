"""Scores over real HTTP through the local runner (`python -m devtools.localrun serve`) as a subprocess:
authorizer, API Gateway emulation, the functions and the embedded DynamoDB, as a developer runs them."""

from __future__ import annotations

import importlib.util
import time
from typing import Any

import httpx
import pytest
from support.local_runner import Runner
from support.scoring_requests import WORKED_EXAMPLE, for_v1

pytestmark = pytest.mark.integration

PORTFOLIO_SECONDS = 3.0

if importlib.util.find_spec("devtools.localrun") is None:  # pragma: no cover - depends on the checkout
    pytest.skip(
        "devtools/localrun is missing: the local runner (`python -m devtools.localrun serve`) is needed "
        "to test the scores routes over real HTTP",
        allow_module_level=True,
    )


def test_the_worked_example_over_http_is_72_639_with_its_interval(client: httpx.Client) -> None:
    response = client.post("/v2/scores/simulate", json=WORKED_EXAMPLE)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["param_version"], body["org_air"]) == ("v2.0", 72.639)
    assert (body["ci_lower"], body["ci_upper"]) == (60.7026, 84.5754)
    assert '"org_air":72.639' in response.text.replace(" ", "")


def test_the_worked_example_on_stage_v1_is_the_composite(client: httpx.Client) -> None:
    response = client.post("/v1/scores/simulate", json=for_v1(WORKED_EXAMPLE))

    assert response.status_code == 200, response.text
    assert response.json()["composite"] == 78.08


def test_without_a_key_the_gateway_answers_401(runner: Runner) -> None:
    response = httpx.post(f"{runner.url}/v2/scores/simulate", json=WORKED_EXAMPLE, timeout=10)

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timing_factor": 1.5}, "timing_factor"),
        (
            {"dimensions": {**WORKED_EXAMPLE["dimensions"], "data_infrastructure": 120}},
            "dimensions.data_infrastructure",
        ),
        ({"sector": "aerospace"}, "sector"),
        ({"talent_concentration": "0.12"}, "talent_concentration"),
    ],
)
def test_an_out_of_range_input_is_422_naming_the_field_and_nothing_is_stored(
    client: httpx.Client, change: dict[str, Any], field: str
) -> None:
    company_id = f"refused-{field.replace('.', '-')}"

    response = client.post("/v2/scores", json={**WORKED_EXAMPLE, **change, "company_id": company_id})
    history = client.get(f"/v2/companies/{company_id}/scores")

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert history.status_code == 200, history.text
    assert history.json()["items"] == []


def test_a_stored_score_is_read_back_through_its_location(client: httpx.Client) -> None:
    created = client.post("/v2/scores", json={**WORKED_EXAMPLE, "company_id": "located"})

    assert created.status_code == 201, created.text
    location = created.headers["location"]
    assert location == f"/v2/scores/{created.json()['score_id']}"
    assert client.get(location).json() == created.json()


def flat(company_id: str, level: int) -> dict[str, Any]:
    """A company whose seven dimensions are all `level`: on stage v1 its composite is `level`."""
    return {
        **WORKED_EXAMPLE,
        "company_id": company_id,
        "dimensions": dict.fromkeys(WORKED_EXAMPLE["dimensions"], level),
    }


def store_v1(client: httpx.Client, company_id: str, level: int) -> dict[str, Any]:
    response = client.post("/v1/scores", json=for_v1(flat(company_id, level)))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_rejected_jump_resubmitted_over_http_opens_a_review_again(client: httpx.Client) -> None:
    store_v1(client, "http-rejected", 40)
    jump = store_v1(client, "http-rejected", 90)
    assert jump["requires_review"] is True
    decided = client.post(f"/v1/reviews/{jump['review']['review_id']}/decision", json={"decision": "reject"})
    assert decided.status_code == 200, decided.text

    again = store_v1(client, "http-rejected", 90)

    assert again["requires_review"] is True
    assert again["review"]["reasons"][0]["previous"] == 40
    pending = client.get("/v1/reviews", params={"status": "pending"}).json()["items"]
    assert again["review"]["review_id"] in [item["review_id"] for item in pending]


def test_a_sub_threshold_staircase_over_http_opens_a_review_once_the_drift_crosses_15(
    client: httpx.Client,
) -> None:
    replies = [store_v1(client, "http-staircase", level) for level in (20, 30, 40)]

    assert [reply["requires_review"] for reply in replies] == [False, False, True]
    assert replies[2]["review"]["reasons"][0]["code"] == "score_drift"


def test_an_approved_jump_over_http_becomes_the_new_baseline(client: httpx.Client) -> None:
    store_v1(client, "http-approved", 40)
    jump = store_v1(client, "http-approved", 90)
    decided = client.post(f"/v1/reviews/{jump['review']['review_id']}/decision", json={"decision": "approve"})
    assert decided.status_code == 200, decided.text

    assert store_v1(client, "http-approved", 95)["requires_review"] is False


# Last on purpose: if it overruns, the runner's DynamoDB is busy for a while after it.
@pytest.mark.wallclock
def test_a_500_company_portfolio_is_scored_and_stored_in_one_request_under_3_seconds(
    client: httpx.Client,
) -> None:
    companies = [
        {
            **WORKED_EXAMPLE,
            "company_id": f"perf-{index:03d}",
            "dimensions": dict.fromkeys(WORKED_EXAMPLE["dimensions"], index % 101),
        }
        for index in range(500)
    ]

    started = time.perf_counter()
    response = client.post("/v2/portfolios/scores", json={"companies": companies})
    elapsed = time.perf_counter() - started

    assert response.status_code == 200, f"{response.status_code} after {elapsed:.1f} s: {response.text[:500]}"
    summary = response.json()["summary"]
    assert (summary["count"], summary["stored"], summary["failed"], summary["invalid"]) == (500, 500, 0, 0)
    history = client.get("/v2/companies/perf-499/scores").json()
    assert [item["company_id"] for item in history["items"]] == ["perf-499"]
    # Acceptance criterion: one request, 500 companies scored and stored, under 3 s of wall time on a
    # developer machine (the runner and its embedded DynamoDB included). Generous on purpose: a
    # failure here means a regression of whole seconds (a call per company, an unbatched write,
    # or a local DynamoDB whose transactions slow down with the table size), not noise.
    assert elapsed < PORTFOLIO_SECONDS, (
        f"500-company portfolio took {elapsed:.2f} s (limit {PORTFOLIO_SECONDS} s)"
    )
