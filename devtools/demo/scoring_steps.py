"""The tour's scoring steps: a tenant key, scores on v1 and v2, a simulation, a jump that opens a
review, history, a portfolio, the review queue and a decision."""

from __future__ import annotations

import time

from devtools.demo.tour import SCOPES, SECTORS, Tour, dimensions


def create_key(tour: Tour) -> None:
    lines = tour.orgair("keys", "create", "--tenant", tour.tenant, "--scopes", SCOPES, "--name", "make demo")
    tour.api_key = lines[-1]
    key_id = next((line.split()[-1] for line in lines if line.startswith("key_id:")), "?")
    tour.expect(
        "orgair keys create",
        "exit 0",
        tour.api_key.startswith("oak_"),
        f"tenant {tour.tenant}, key {key_id} (the key itself is shown once and not here)",
    )


def score_v1(tour: Tour) -> None:
    body = {"company_id": f"{tour.tenant}-northwind", "sector": "retail", "dimensions": dimensions(55)}
    stored = tour.call("POST", "/v1/scores", 201, json=body).json()
    tour.expect(
        "POST /v1/scores",
        "201",
        stored["param_version"] == "v1.0",
        f"score {stored['score_id']}, composite {stored['result']['composite']} ({stored['param_version']} model)",
    )


def score_v2(tour: Tour) -> None:
    body = {"company_id": tour.company, "sector": "technology", "dimensions": dimensions(60)}
    stored = tour.call("POST", "/v2/scores", 201, json=body, headers={"Idempotency-Key": tour.tenant}).json()
    result = stored["result"]
    tour.expect(
        "POST /v2/scores",
        "201",
        stored["param_version"] == "v2.0" and not stored["requires_review"],
        f"score {stored['score_id']}, org_air {result['org_air']} "
        f"(CI {result['ci_lower']}-{result['ci_upper']}), the company's baseline",
    )


def simulate(tour: Tour) -> None:
    body = {"company_id": tour.company, "sector": "technology", "dimensions": dimensions(60)}
    plain = tour.call("POST", "/v2/scores/simulate", 200, json=body).json()
    overridden = {**body, "parameters": {"alpha": 0.55, "lambda": 0.3}}
    what_if = tour.call("POST", "/v2/scores/simulate", 200, json=overridden).json()
    tour.expect(
        "POST /v2/scores/simulate",
        "200",
        what_if["parameters"]["alpha"] == 0.55 and what_if["org_air"] != plain["org_air"],
        f"alpha 0.55, lambda 0.3: org_air {what_if['org_air']} instead of {plain['org_air']}, nothing stored",
    )


def hitl_jump(tour: Tour) -> None:
    body = {"company_id": tour.company, "sector": "technology", "dimensions": dimensions(90)}
    stored = tour.call("POST", "/v2/scores", 201, json=body).json()
    review = stored.get("review") or {}
    tour.review_id = str(review.get("review_id", ""))
    reasons = ", ".join(str(reason.get("code")) for reason in review.get("reasons", []))
    tour.expect(
        "POST /v2/scores (a jump)",
        "201",
        stored["requires_review"] and bool(tour.review_id),
        f"org_air {stored['result']['org_air']}: requires_review, review {tour.review_id} ({reasons})",
    )


def history(tour: Tour) -> None:
    page = tour.call("GET", f"/v2/companies/{tour.company}/scores", 200).json()
    values = [str(item["result"]["org_air"]) for item in page["items"]]
    tour.expect(
        "GET /v2/companies/{company_id}/scores",
        "200",
        len(values) == 2,
        f"{len(values)} scores, newest first: org_air {' then '.join(values)}",
    )


def portfolio(tour: Tour) -> None:
    companies = [
        {
            "company_id": f"{tour.tenant}-pc-{index:03d}",
            "sector": SECTORS[index % len(SECTORS)],
            "dimensions": dimensions(40 + index % 50),
        }
        for index in range(tour.portfolio_size)
    ]
    started = time.perf_counter()
    result = tour.call("POST", "/v2/portfolios/scores", 200, json={"companies": companies}).json()
    elapsed = time.perf_counter() - started
    summary = result["summary"]
    tour.expect(
        "POST /v2/portfolios/scores",
        "200",
        summary["count"] == tour.portfolio_size and summary["stored"] == tour.portfolio_size,
        f"{summary['stored']} of {summary['count']} companies scored and stored in {elapsed:.1f} s, "
        f"org_air {summary['min']}-{summary['max']} (mean {summary['mean']})",
    )


def reviews(tour: Tour) -> None:
    page = tour.call("GET", "/v2/reviews", 200, params={"status": "pending"}).json()
    ids = [item["review_id"] for item in page["items"]]
    tour.expect(
        "GET /v2/reviews?status=pending",
        "200",
        tour.review_id in ids,
        f"{len(ids)} pending, among them review {tour.review_id}",
    )


def decide(tour: Tour) -> None:
    body = {"decision": "approve", "comment": "Jump explained by the new data platform."}
    review = tour.call("POST", f"/v2/reviews/{tour.review_id}/decision", 200, json=body).json()
    tour.expect(
        "POST /v2/reviews/{review_id}/decision",
        "200",
        review["status"] == "approved",
        f"review {review['review_id']} {review['status']}: that score is now the company's anchor",
    )
