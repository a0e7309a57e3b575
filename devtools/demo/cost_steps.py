"""The tour's LLM and cost steps: an assessment and its ledger lines, a background job, a budget
refusal, the budget check and its alert, the cost summary and ledger."""

from __future__ import annotations

import time
from decimal import Decimal

from devtools.demo.tour import EVIDENCE, JOB_BUDGET_USD, JOB_SECONDS, JOB_SIZE, SECTORS, Tour


def assess(tour: Tour) -> None:
    body = {"company_id": tour.company, "sector": "technology", "evidence": EVIDENCE}
    stored = tour.call("POST", "/v2/assessments", 201, json=body).json()
    llm = stored["assessment"]["llm"]
    tour.call_ids = [attempt["call_id"] for attempt in llm["attempts"]]
    tour.expect(
        "POST /v2/assessments",
        "201",
        bool(tour.call_ids),
        f"{llm['provider']} {llm['model']} rated the evidence: org_air {stored['result']['org_air']}, "
        f"{len(tour.call_ids)} call(s), {llm['cost']} USD",
    )


def ledger_lines(tour: Tour) -> None:
    entries = tour.call("GET", "/v2/costs/entries", 200, params={"limit": "100"}).json()["items"]
    lines = [entry for entry in entries if entry["call_id"] in tour.call_ids]
    facts = "; ".join(
        f"{entry['call_id']} {entry['model']} {entry['input_tokens']} in / {entry['output_tokens']} out "
        f"{entry['cost']} USD {entry['status']}"
        for entry in lines
    )
    tour.expect(
        "GET /v2/costs/entries",
        "200",
        len(lines) == len(tour.call_ids),
        f"the assessment's ledger lines: {facts}",
    )


def submit_job(tour: Tour) -> None:
    companies = [
        {
            "company_id": f"{tour.tenant}-job-{index:02d}",
            "sector": SECTORS[index % len(SECTORS)],
            "evidence": EVIDENCE,
        }
        for index in range(JOB_SIZE)
    ]
    response = tour.call(
        "POST",
        "/v2/portfolios/assessments",
        202,
        json={"companies": companies, "budget_usd": JOB_BUDGET_USD},
        headers={"Idempotency-Key": f"{tour.tenant}-job"},
    )
    job = response.json()
    tour.job_location = response.headers.get("Location", "")
    tour.expect(
        "POST /v2/portfolios/assessments",
        "202",
        tour.job_location == f"/v2/jobs/{job['job_id']}",
        f"{job['companies']['total']} companies queued, {job['budget']['reserved']} USD reserved, "
        f"Location {tour.job_location}",
    )


def job_finished(tour: Tour) -> None:
    deadline = time.monotonic() + JOB_SECONDS
    while True:
        job = tour.call("GET", tour.job_location, 200).json()
        if job["finished_at"] is not None and job["companies"]["pending"] == 0:
            break
        if time.monotonic() > deadline:
            tour.fail(
                "GET /v2/jobs/{job_id}",
                "200",
                f"not finished after {JOB_SECONDS:g} s: {job['companies']}",
            )
        time.sleep(0.5)
    entries = tour.call("GET", "/v2/costs/entries", 200, params={"limit": "100"}).json()["items"]
    lines = [entry for entry in entries if entry["parent_request_id"] == job["job_id"]]
    counts, budget = job["companies"], job["budget"]
    tour.expect(
        "GET /v2/jobs/{job_id}",
        "200",
        job["status"] == "succeeded" and counts["succeeded"] == JOB_SIZE and budget["released"],
        f"{job['status']}: {counts['succeeded']} of {counts['total']} scored, {len(lines)} ledger line(s) "
        f"under the job's id, spent {budget['spent']} of {budget['reserved']} USD, the rest released",
    )


def set_budget(tour: Tour) -> None:
    summary = tour.call("GET", "/v2/costs/summary", 200).json()
    tour.committed = summary["committed"]
    cursor = tour.call("GET", "/_local/published", 200, auth=False).json()["items"]
    tour.published_after = max((int(item["sequence"]) for item in cursor), default=0)
    tour.orgair("budgets", "set", "--tenant", tour.tenant, "--daily-usd", tour.committed)
    tour.expect(
        "orgair budgets set",
        "exit 0",
        Decimal(tour.committed) > 0,
        f"tenant {tour.tenant}: daily budget {tour.committed} USD, exactly what it has spent today",
    )


def refused(tour: Tour) -> None:
    body = {"company_id": tour.company, "sector": "technology", "evidence": EVIDENCE}
    response = tour.call("POST", "/v2/assessments", 429, json=body)
    problem = response.json()
    retry_after = response.headers.get("Retry-After", "")
    tour.expect(
        "POST /v2/assessments (over budget)",
        "429",
        retry_after.isdigit() and problem["type"].endswith("/budget-exceeded"),
        f"Retry-After: {retry_after} s, {problem['type']}, scope {problem.get('scope')}, "
        f"limit {problem.get('limit')}, committed {problem.get('committed')}; no provider called",
    )


def budget_check(tour: Tour) -> None:
    result = tour.call("POST", "/_local/invoke/BudgetCheckFunction", 200, auth=False).json()
    mine = [
        alert for alert in result.get("alerts_published", []) if alert.startswith(f"tenant:{tour.tenant}:")
    ]
    tour.expect(
        "POST /_local/invoke/BudgetCheckFunction",
        "200",
        result.get("alerts_failed") == [],
        f"alerts published for this tenant: {', '.join(mine) or 'none in this run (the schedule was first)'}",
    )


def published(tour: Tour) -> None:
    items = tour.call(
        "GET", "/_local/published", 200, auth=False, params={"after": str(tour.published_after)}
    ).json()["items"]
    scope = f"tenant:{tour.tenant}"
    sns = [item for item in items if item["channel"] == "sns" and item["message"].get("scope") == scope]
    events = [item for item in items if item["channel"] == "events" and item["detail"].get("scope") == scope]
    thresholds = sorted(
        {str(item["message"].get("threshold")) for item in sns},
        key=lambda threshold: (not threshold.isdigit(), threshold.zfill(3)),
    )
    subject = sns[0]["subject"] if sns else "-"
    tour.expect(
        "GET /_local/published",
        "200",
        bool(sns) and bool(events),
        f"{len(sns)} SNS alert(s) (thresholds {', '.join(thresholds)}), {len(events)} EventBridge "
        f"'Budget Threshold Crossed' event(s); first: {subject!r}",
    )


def cost_summary(tour: Tour) -> None:
    summary = tour.call("GET", "/v2/costs/summary", 200).json()
    models = ", ".join(f"{item['model']} {item['cost']}" for item in summary["by_model"])
    tour.expect(
        "GET /v2/costs/summary",
        "200",
        summary["limit"] == tour.committed and summary["committed"] == tour.committed,
        f"{summary['scope']}: committed {summary['committed']} of {summary['limit']} USD "
        f"(utilisation {summary['utilisation']}), resets {summary['resets_at']}; by model: {models}",
    )


def cost_entries(tour: Tour) -> None:
    entries = tour.call("GET", "/v2/costs/entries", 200, params={"limit": "100"}).json()["items"]
    total = sum(Decimal(entry["cost"]) for entry in entries)
    tour.expect(
        "GET /v2/costs/entries",
        "200",
        f"{total:.6f}" == tour.committed,
        f"{len(entries)} ledger line(s) today, {total:.6f} USD in all: the summary's committed amount",
    )
