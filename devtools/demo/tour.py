"""The tour's plumbing: its settings, the journey's state and report, and calls to the API and the
operator's CLI that fail the step when the answer is not the expected one."""

from __future__ import annotations

import contextlib
import io
import secrets
from dataclasses import dataclass, field
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


def problem_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or "empty body"
    if isinstance(body, dict) and "type" in body:
        return f"{body.get('type')} {body.get('detail', '')}".strip()
    return str(body)[:200]
