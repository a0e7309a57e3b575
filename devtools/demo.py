"""`make demo` (`python -m devtools.demo`): a guided tour of the running local API.

It drives the API that `make run` serves (started in another shell; the tour waits for it and says
how to start it when nothing answers) through the whole journey of docs/api.md: a tenant key made
with the operator's CLI (`orgair keys create` on the runner's embedded DynamoDB), a score on v1 and
on v2, a simulation with parameter overrides, the company's history, a 500-company portfolio, a
jump that opens a human review, the review queue and a decision, an LLM assessment (the local LLM
stand-in answers) with its ledger lines, a 20-company background job (POST /v2/portfolios/assessments,
worked from the runner's queue) followed to its end, a budget refusal (a 429 with Retry-After, after
`orgair budgets set` gave the tenant a daily budget equal to what it has spent), the budget check run
on demand and the alert it published (`/_local/published`), and the tenant's cost summary and
ledger. It prints one line per step: the request, its status and the fact that matters.

Every run uses a new tenant (`demo-<random>`), so runs never see each other's scores, reviews,
spend or alerts. It talks only to loopback, needs no provider key or AWS credentials, and exits 1
as soon as a step does not answer as expected (2 when the API or its DynamoDB cannot be reached).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, NoReturn, TextIO
from urllib.parse import urlsplit

import httpx

from devtools import cli

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_UNUSABLE: Final = 2
LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
SCOPES: Final = (
    "scores:read,scores:write,reviews:read,reviews:decide,assessments:write,costs:read,costs:write"
)
PORTFOLIO_SIZE: Final = 500
"""The portfolio step's companies: the most one request takes."""
JOB_SIZE: Final = 20
"""The background job's companies (POST /v2/portfolios/assessments)."""
JOB_BUDGET_USD: Final = "2.00"
JOB_SECONDS: Final = 120.0
"""How long the tour waits for the job to finish (the worker runs from the runner's queue)."""
SECTORS: Final = ("technology", "financial_services", "healthcare", "manufacturing", "retail")
DIMENSION_NAMES: Final = (
    "data_infrastructure",
    "ai_governance",
    "technology_stack",
    "talent",
    "leadership",
    "use_case_portfolio",
    "culture",
)
EVIDENCE: Final = (
    "Acme runs a governed data platform, an AI council chaired by the CFO, two ML teams shipping "
    "demand forecasting and document triage to production, and quarterly AI training for managers."
)
REQUEST_TIMEOUT_SECONDS: Final = 60.0
START_HINT: Final = (
    "start the local API in another shell with `make run` (same PORT and DYNAMODB_PORT as here), "
    "then run `make demo` again"
)


class StepFailed(Exception):
    """A step did not answer as the tour expects."""


class Unusable(Exception):
    """The tour cannot run: no API, no DynamoDB, or an address beyond loopback."""


def dimensions(level: int) -> dict[str, int]:
    return dict.fromkeys(DIMENSION_NAMES, level)


def loopback(url: str) -> str:
    """The URL without a trailing slash, refused unless its host is a loopback address."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK_HOSTS:
        raise Unusable(f"{url} is not a loopback address: the tour only talks to the local runner")
    return url.rstrip("/")


@dataclass(frozen=True)
class Step:
    number: int
    request: str
    status: str
    fact: str
    ok: bool

    def line(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        return f"{mark} {self.number:>2}  {self.request:<46} {self.status:>4}  {self.fact}"


@dataclass
class Tour:
    """The journey's state and its report; one method per step."""

    http: httpx.Client
    dynamodb_url: str
    out: TextIO
    tenant: str = field(default_factory=lambda: f"demo-{secrets.token_hex(4)}")
    steps: list[Step] = field(default_factory=list)
    api_key: str = ""
    review_id: str = ""
    call_ids: list[str] = field(default_factory=list)
    committed: str = ""
    published_after: int = 0
    portfolio_size: int = PORTFOLIO_SIZE
    job_location: str = ""

    # ------------------------------------------------------------------ plumbing

    @property
    def company(self) -> str:
        return f"{self.tenant}-acme"

    def report(self, request: str, status: str, fact: str, *, ok: bool = True) -> None:
        step = Step(len(self.steps) + 1, request, status, fact, ok)
        self.steps.append(step)
        print(step.line(), file=self.out, flush=True)
        if not ok:
            raise StepFailed(fact)

    def fail(self, request: str, status: str, fact: str) -> NoReturn:
        self.report(request, status, fact, ok=False)
        raise StepFailed(fact)  # report raised already

    def call(
        self,
        method: str,
        path: str,
        expect: int,
        *,
        auth: bool = True,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if auth:
            sent["Authorization"] = f"Bearer {self.api_key}"
        try:
            response = self.http.request(method, path, json=json, params=params, headers=sent)
        except httpx.HTTPError as error:
            self.fail(f"{method} {path}", "-", f"no answer ({type(error).__name__})")
        if response.status_code != expect:
            self.fail(
                f"{method} {path}", str(response.status_code), f"expected {expect}: {problem_text(response)}"
            )
        return response

    def expect(self, request: str, status: str, condition: bool, fact: str) -> None:
        self.report(request, status, fact if condition else f"unexpected: {fact}", ok=condition)

    def orgair(self, *argv: str) -> list[str]:
        """Run the operator's CLI (`orgair ...`) against the runner's DynamoDB; its output lines."""
        output, errors = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(errors):
            code = cli.main([*argv[:2], "--endpoint-url", self.dynamodb_url, *argv[2:]])
        request = "orgair " + " ".join(argv[:2])
        if code != 0:
            message = (errors.getvalue() or output.getvalue()).strip().splitlines()
            self.fail(request, f"exit {code}", message[-1] if message else "no output")
        return output.getvalue().strip().splitlines()

    # ------------------------------------------------------------------ the journey

    def create_key(self) -> None:
        lines = self.orgair(
            "keys", "create", "--tenant", self.tenant, "--scopes", SCOPES, "--name", "make demo"
        )
        self.api_key = lines[-1]
        key_id = next((line.split()[-1] for line in lines if line.startswith("key_id:")), "?")
        self.expect(
            "orgair keys create",
            "exit 0",
            self.api_key.startswith("oak_"),
            f"tenant {self.tenant}, key {key_id} (the key itself is shown once and not here)",
        )

    def score_v1(self) -> None:
        body = {"company_id": f"{self.tenant}-northwind", "sector": "retail", "dimensions": dimensions(55)}
        stored = self.call("POST", "/v1/scores", 201, json=body).json()
        self.expect(
            "POST /v1/scores",
            "201",
            stored["param_version"] == "v1.0",
            f"score {stored['score_id']}, composite {stored['result']['composite']} ({stored['param_version']} model)",
        )

    def score_v2(self) -> None:
        body = {"company_id": self.company, "sector": "technology", "dimensions": dimensions(60)}
        stored = self.call(
            "POST", "/v2/scores", 201, json=body, headers={"Idempotency-Key": self.tenant}
        ).json()
        result = stored["result"]
        self.expect(
            "POST /v2/scores",
            "201",
            stored["param_version"] == "v2.0" and not stored["requires_review"],
            f"score {stored['score_id']}, org_air {result['org_air']} "
            f"(CI {result['ci_lower']}-{result['ci_upper']}), the company's baseline",
        )

    def simulate(self) -> None:
        body = {"company_id": self.company, "sector": "technology", "dimensions": dimensions(60)}
        plain = self.call("POST", "/v2/scores/simulate", 200, json=body).json()
        overridden = {**body, "parameters": {"alpha": 0.55, "lambda": 0.3}}
        what_if = self.call("POST", "/v2/scores/simulate", 200, json=overridden).json()
        self.expect(
            "POST /v2/scores/simulate",
            "200",
            what_if["parameters"]["alpha"] == 0.55 and what_if["org_air"] != plain["org_air"],
            f"alpha 0.55, lambda 0.3: org_air {what_if['org_air']} instead of {plain['org_air']}, nothing stored",
        )

    def hitl_jump(self) -> None:
        body = {"company_id": self.company, "sector": "technology", "dimensions": dimensions(90)}
        stored = self.call("POST", "/v2/scores", 201, json=body).json()
        review = stored.get("review") or {}
        self.review_id = str(review.get("review_id", ""))
        reasons = ", ".join(str(reason.get("code")) for reason in review.get("reasons", []))
        self.expect(
            "POST /v2/scores (a jump)",
            "201",
            stored["requires_review"] and bool(self.review_id),
            f"org_air {stored['result']['org_air']}: requires_review, review {self.review_id} ({reasons})",
        )

    def history(self) -> None:
        page = self.call("GET", f"/v2/companies/{self.company}/scores", 200).json()
        values = [str(item["result"]["org_air"]) for item in page["items"]]
        self.expect(
            "GET /v2/companies/{company_id}/scores",
            "200",
            len(values) == 2,
            f"{len(values)} scores, newest first: org_air {' then '.join(values)}",
        )

    def portfolio(self) -> None:
        companies = [
            {
                "company_id": f"{self.tenant}-pc-{index:03d}",
                "sector": SECTORS[index % len(SECTORS)],
                "dimensions": dimensions(40 + index % 50),
            }
            for index in range(self.portfolio_size)
        ]
        started = time.perf_counter()
        result = self.call("POST", "/v2/portfolios/scores", 200, json={"companies": companies}).json()
        elapsed = time.perf_counter() - started
        summary = result["summary"]
        self.expect(
            "POST /v2/portfolios/scores",
            "200",
            summary["count"] == self.portfolio_size and summary["stored"] == self.portfolio_size,
            f"{summary['stored']} of {summary['count']} companies scored and stored in {elapsed:.1f} s, "
            f"org_air {summary['min']}-{summary['max']} (mean {summary['mean']})",
        )

    def reviews(self) -> None:
        page = self.call("GET", "/v2/reviews", 200, params={"status": "pending"}).json()
        ids = [item["review_id"] for item in page["items"]]
        self.expect(
            "GET /v2/reviews?status=pending",
            "200",
            self.review_id in ids,
            f"{len(ids)} pending, among them review {self.review_id}",
        )

    def decide(self) -> None:
        body = {"decision": "approve", "comment": "Jump explained by the new data platform."}
        review = self.call("POST", f"/v2/reviews/{self.review_id}/decision", 200, json=body).json()
        self.expect(
            "POST /v2/reviews/{review_id}/decision",
            "200",
            review["status"] == "approved",
            f"review {review['review_id']} {review['status']}: that score is now the company's anchor",
        )

    def assess(self) -> None:
        body = {"company_id": self.company, "sector": "technology", "evidence": EVIDENCE}
        stored = self.call("POST", "/v2/assessments", 201, json=body).json()
        llm = stored["assessment"]["llm"]
        self.call_ids = [attempt["call_id"] for attempt in llm["attempts"]]
        self.expect(
            "POST /v2/assessments",
            "201",
            bool(self.call_ids),
            f"{llm['provider']} {llm['model']} rated the evidence: org_air {stored['result']['org_air']}, "
            f"{len(self.call_ids)} call(s), {llm['cost']} USD",
        )

    def ledger_lines(self) -> None:
        entries = self.call("GET", "/v2/costs/entries", 200, params={"limit": "100"}).json()["items"]
        lines = [entry for entry in entries if entry["call_id"] in self.call_ids]
        facts = "; ".join(
            f"{entry['call_id']} {entry['model']} {entry['input_tokens']} in / {entry['output_tokens']} out "
            f"{entry['cost']} USD {entry['status']}"
            for entry in lines
        )
        self.expect(
            "GET /v2/costs/entries",
            "200",
            len(lines) == len(self.call_ids),
            f"the assessment's ledger lines: {facts}",
        )

    def submit_job(self) -> None:
        companies = [
            {
                "company_id": f"{self.tenant}-job-{index:02d}",
                "sector": SECTORS[index % len(SECTORS)],
                "evidence": EVIDENCE,
            }
            for index in range(JOB_SIZE)
        ]
        response = self.call(
            "POST",
            "/v2/portfolios/assessments",
            202,
            json={"companies": companies, "budget_usd": JOB_BUDGET_USD},
            headers={"Idempotency-Key": f"{self.tenant}-job"},
        )
        job = response.json()
        self.job_location = response.headers.get("Location", "")
        self.expect(
            "POST /v2/portfolios/assessments",
            "202",
            self.job_location == f"/v2/jobs/{job['job_id']}",
            f"{job['companies']['total']} companies queued, {job['budget']['reserved']} USD reserved, "
            f"Location {self.job_location}",
        )

    def job_finished(self) -> None:
        deadline = time.monotonic() + JOB_SECONDS
        while True:
            job = self.call("GET", self.job_location, 200).json()
            if job["finished_at"] is not None and job["companies"]["pending"] == 0:
                break
            if time.monotonic() > deadline:
                self.fail(
                    "GET /v2/jobs/{job_id}",
                    "200",
                    f"not finished after {JOB_SECONDS:g} s: {job['companies']}",
                )
            time.sleep(0.5)
        entries = self.call("GET", "/v2/costs/entries", 200, params={"limit": "100"}).json()["items"]
        lines = [entry for entry in entries if entry["parent_request_id"] == job["job_id"]]
        counts, budget = job["companies"], job["budget"]
        self.expect(
            "GET /v2/jobs/{job_id}",
            "200",
            job["status"] == "succeeded" and counts["succeeded"] == JOB_SIZE and budget["released"],
            f"{job['status']}: {counts['succeeded']} of {counts['total']} scored, {len(lines)} ledger line(s) "
            f"under the job's id, spent {budget['spent']} of {budget['reserved']} USD, the rest released",
        )

    def set_budget(self) -> None:
        summary = self.call("GET", "/v2/costs/summary", 200).json()
        self.committed = summary["committed"]
        cursor = self.call("GET", "/_local/published", 200, auth=False).json()["items"]
        self.published_after = max((int(item["sequence"]) for item in cursor), default=0)
        self.orgair("budgets", "set", "--tenant", self.tenant, "--daily-usd", self.committed)
        self.expect(
            "orgair budgets set",
            "exit 0",
            Decimal(self.committed) > 0,
            f"tenant {self.tenant}: daily budget {self.committed} USD, exactly what it has spent today",
        )

    def refused(self) -> None:
        body = {"company_id": self.company, "sector": "technology", "evidence": EVIDENCE}
        response = self.call("POST", "/v2/assessments", 429, json=body)
        problem = response.json()
        retry_after = response.headers.get("Retry-After", "")
        self.expect(
            "POST /v2/assessments (over budget)",
            "429",
            retry_after.isdigit() and problem["type"].endswith("/budget-exceeded"),
            f"Retry-After: {retry_after} s, {problem['type']}, scope {problem.get('scope')}, "
            f"limit {problem.get('limit')}, committed {problem.get('committed')}; no provider called",
        )

    def budget_check(self) -> None:
        result = self.call("POST", "/_local/invoke/BudgetCheckFunction", 200, auth=False).json()
        mine = [
            alert
            for alert in result.get("alerts_published", [])
            if alert.startswith(f"tenant:{self.tenant}:")
        ]
        self.expect(
            "POST /_local/invoke/BudgetCheckFunction",
            "200",
            result.get("alerts_failed") == [],
            f"alerts published for this tenant: {', '.join(mine) or 'none in this run (the schedule was first)'}",
        )

    def published(self) -> None:
        items = self.call(
            "GET", "/_local/published", 200, auth=False, params={"after": str(self.published_after)}
        ).json()["items"]
        scope = f"tenant:{self.tenant}"
        sns = [item for item in items if item["channel"] == "sns" and item["message"].get("scope") == scope]
        events = [
            item for item in items if item["channel"] == "events" and item["detail"].get("scope") == scope
        ]
        thresholds = sorted(
            {str(item["message"].get("threshold")) for item in sns},
            key=lambda threshold: (not threshold.isdigit(), threshold.zfill(3)),
        )
        subject = sns[0]["subject"] if sns else "-"
        self.expect(
            "GET /_local/published",
            "200",
            bool(sns) and bool(events),
            f"{len(sns)} SNS alert(s) (thresholds {', '.join(thresholds)}), {len(events)} EventBridge "
            f"'Budget Threshold Crossed' event(s); first: {subject!r}",
        )

    def cost_summary(self) -> None:
        summary = self.call("GET", "/v2/costs/summary", 200).json()
        models = ", ".join(f"{item['model']} {item['cost']}" for item in summary["by_model"])
        self.expect(
            "GET /v2/costs/summary",
            "200",
            summary["limit"] == self.committed and summary["committed"] == self.committed,
            f"{summary['scope']}: committed {summary['committed']} of {summary['limit']} USD "
            f"(utilisation {summary['utilisation']}), resets {summary['resets_at']}; by model: {models}",
        )

    def cost_entries(self) -> None:
        entries = self.call("GET", "/v2/costs/entries", 200, params={"limit": "100"}).json()["items"]
        total = sum(Decimal(entry["cost"]) for entry in entries)
        self.expect(
            "GET /v2/costs/entries",
            "200",
            f"{total:.6f}" == self.committed,
            f"{len(entries)} ledger line(s) today, {total:.6f} USD in all: the summary's committed amount",
        )

    def journey(self) -> list[Callable[[], None]]:
        return [
            self.create_key,
            self.score_v1,
            self.score_v2,
            self.simulate,
            self.hitl_jump,
            self.history,
            self.portfolio,
            self.reviews,
            self.decide,
            self.assess,
            self.ledger_lines,
            self.submit_job,
            self.job_finished,
            self.set_budget,
            self.refused,
            self.budget_check,
            self.published,
            self.cost_summary,
            self.cost_entries,
        ]


def problem_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or "empty body"
    if isinstance(body, dict) and "type" in body:
        return f"{body.get('type')} {body.get('detail', '')}".strip()
    return str(body)[:200]


def wait_for_api(http: httpx.Client, url: str, seconds: float, out: TextIO) -> None:
    """Poll the public liveness route until the runner answers, or say how to start it."""
    deadline = time.monotonic() + seconds
    said = False
    while True:
        try:
            if http.get("/v2/health/liveness", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() >= deadline:
            raise Unusable(f"no local API answers at {url}: {START_HINT}")
        if not said:
            print(f"waiting up to {seconds:.0f} s for the local API at {url} ...", file=out, flush=True)
            said = True
        time.sleep(0.5)


def run(
    url: str, dynamodb_url: str, *, wait_seconds: float, out: TextIO, portfolio_size: int = PORTFOLIO_SIZE
) -> int:
    api = loopback(url)
    dynamodb = loopback(dynamodb_url)
    with httpx.Client(base_url=api, timeout=REQUEST_TIMEOUT_SECONDS, trust_env=False) as http:
        wait_for_api(http, api, wait_seconds, out)
        tour = Tour(http, dynamodb, out, portfolio_size=portfolio_size)
        print(f"orgair guided tour against {api} (tenant {tour.tenant}, DynamoDB {dynamodb})", file=out)
        started = time.perf_counter()
        try:
            for step in tour.journey():
                step()
        except StepFailed:
            print(f"the tour stopped at step {len(tour.steps)}: it did not answer as expected", file=out)
            return EXIT_FAILED
        print(f"{len(tour.steps)} steps, all as expected, in {time.perf_counter() - started:.1f} s", file=out)
        return EXIT_OK


def portfolio_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = 0
    if not 1 <= size <= PORTFOLIO_SIZE:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {PORTFOLIO_SIZE}")
    return size


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devtools.demo", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url",
        default=f"http://127.0.0.1:{os.environ.get('PORT', '3000')}",
        help="the local API (default http://127.0.0.1:$PORT, PORT 3000)",
    )
    parser.add_argument(
        "--dynamodb-url",
        default=cli.local_endpoint(),
        help="the runner's embedded DynamoDB, for the CLI (default http://127.0.0.1:$DYNAMODB_PORT, 8000)",
    )
    parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the API (default 30)")
    parser.add_argument(
        "--portfolio-size",
        type=portfolio_size,
        default=PORTFOLIO_SIZE,
        help=f"companies in the portfolio step, 1-{PORTFOLIO_SIZE} (default {PORTFOLIO_SIZE})",
    )
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    stream = out or sys.stdout
    try:
        return run(
            args.url,
            args.dynamodb_url,
            wait_seconds=args.wait,
            out=stream,
            portfolio_size=args.portfolio_size,
        )
    except Unusable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
