"""Background assessment jobs seen from outside the local runner: submitted and followed over HTTP,
their ledger lines, holds, scores, counters and queue read straight from the embedded AWS."""

from __future__ import annotations

import time
from typing import Any, Literal

import httpx

from devtools.localrun.aws_services import aws_client
from support.local_runner import Runner
from support.scoring_requests import scan_all

TENANT = "local"
"""The runner's admin key's tenant, whose jobs these are."""
EVIDENCE = (
    "Board minutes: a governed data platform, an AI policy approved in January, three models in production."
)
FINISH_SECONDS = 400.0
DAY_SCOPES = ("global", f"tenant:{TENANT}", f"global-share:{TENANT}")


def aws(runner: Runner, service: Literal["dynamodb", "sqs"]) -> Any:
    return aws_client(service, runner.dynamodb_url)


def companies(prefix: str, count: int) -> list[dict[str, str]]:
    return [
        {"company_id": f"{prefix}-{index:03d}", "sector": "technology", "evidence": EVIDENCE}
        for index in range(count)
    ]


def submit(client: httpx.Client, prefix: str, count: int, budget: str) -> dict[str, Any]:
    response = client.post(
        "/v2/portfolios/assessments", json={"companies": companies(prefix, count), "budget_usd": budget}
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["Location"] == f"/v2/jobs/{body['job_id']}"
    assert body["status"] == "queued"
    assert body["companies"]["total"] == count
    return body


def finished(client: httpx.Client, job_id: str, seconds: float = FINISH_SECONDS) -> dict[str, Any]:
    """The job once every company ended: followed on the (light) listing, then read whole once."""
    deadline = time.monotonic() + seconds
    while True:
        response = client.get("/v2/jobs", params={"limit": "10"})
        assert response.status_code == 200, response.text
        (job,) = [item for item in response.json()["items"] if item["job_id"] == job_id]
        if job["finished_at"] is not None and job["companies"]["pending"] == 0:
            break
        assert time.monotonic() < deadline, f"job {job_id} did not finish: {job['companies']}"
        time.sleep(1)
    response = client.get(f"/v2/jobs/{job_id}")
    assert response.status_code == 200, response.text
    whole: dict[str, Any] = response.json()
    return whole


def ledger_items(runner: Runner, job_id: str) -> list[dict[str, Any]]:
    """The job's ledger lines as stored (every page of the costs table's ledger partitions)."""
    client = aws(runner, "dynamodb")
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName="CostsTable"):
        items.extend(
            item
            for item in page["Items"]
            if item.get("type", {}).get("S") == "ledger_line" and item["parent_request_id"]["S"] == job_id
        )
    return items


def holds(runner: Runner, job_id: str) -> list[dict[str, Any]]:
    """Every hold (one per provider attempt) of the job's work, open or settled."""
    return [
        item
        for item in scan_all(aws(runner, "dynamodb"), "CostsTable")
        if item.get("type", {}).get("S") == "hold" and item["parent_request_id"]["S"] == job_id
    ]


def open_holds(runner: Runner, job_id: str) -> list[dict[str, Any]]:
    return [item for item in holds(runner, job_id) if item["status"]["S"] == "held"]


def stored_scores(runner: Runner, prefix: str) -> list[dict[str, Any]]:
    return [
        item
        for item in scan_all(aws(runner, "dynamodb"), "ScoresTable")
        if item["sk"]["S"].startswith("S#") and item["company_id"]["S"].startswith(f"{prefix}-")
    ]


def day_counters(runner: Runner, day: str) -> dict[str, tuple[int, int]]:
    client = aws(runner, "dynamodb")
    found = {}
    for scope in DAY_SCOPES:
        item = client.get_item(
            TableName="CostsTable",
            Key={"pk": {"S": f"BUDGET#{scope}"}, "sk": {"S": f"DAY#{day}"}},
            ConsistentRead=True,
        ).get("Item", {})
        found[scope] = (
            int(item.get("committed", {"N": "0"})["N"]),
            int(item.get("settled", {"N": "0"})["N"]),
        )
    return found


def drain(runner: Runner) -> None:
    sqs = aws(runner, "sqs")
    url = sqs.get_queue_url(QueueName="JobsQueue")["QueueUrl"]
    deadline = time.monotonic() + FINISH_SECONDS
    while True:
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if (
            attributes["ApproximateNumberOfMessages"] == "0"
            and attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
        ):
            return
        assert time.monotonic() < deadline, attributes
        time.sleep(0.5)
