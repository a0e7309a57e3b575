"""`make demo` (`python -m devtools.demo`) against the runner as `make run` starts it: the whole
journey completes with no key or network beyond loopback, and its report shows an assessment's ledger
lines, a 429 with Retry-After and a published budget alert. A step that does not answer as expected
(the local LLM failing every call) ends the tour with exit 1 at that step; no API at all is exit 2
with how to start it."""

from __future__ import annotations

import os
import re
import subprocess

import httpx
import pytest
from support.local_runner import Runner, free_port
from support.python_runs import run_python

pytestmark = pytest.mark.integration

"""The runner needs an admin key to start; the tour itself never uses it."""


def demo(*argv: str) -> subprocess.CompletedProcess[str]:
    # No proxy variables: the tour must not need them, and loopback must not go through one.
    environment = {name: value for name, value in os.environ.items() if not name.lower().endswith("_proxy")}
    return run_python("-m", "devtools.demo", *argv, env=environment, timeout=240)


def against(runner: Runner, *argv: str) -> subprocess.CompletedProcess[str]:
    return demo("--url", runner.url, "--dynamodb-url", runner.dynamodb_url, *argv)


def step(report: str, request: str) -> str:
    """The report line of the first step whose request starts with `request`."""
    for line in report.splitlines():
        if re.match(rf"(ok  |FAIL) +\d+  {re.escape(request)}", line):
            return line
    raise AssertionError(f"no step {request!r} in:\n{report}")


@pytest.fixture(scope="module")
def completed(runner: Runner) -> subprocess.CompletedProcess[str]:
    return against(runner)


def test_the_tour_completes_every_step_of_the_journey(completed: subprocess.CompletedProcess[str]) -> None:
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = completed.stdout
    for request in (
        "orgair keys create",
        "POST /v1/scores",
        "POST /v2/scores",
        "POST /v2/scores/simulate",
        "POST /v2/scores (a jump)",
        "GET /v2/companies/{company_id}/scores",
        "POST /v2/portfolios/scores",
        "GET /v2/reviews?status=pending",
        "POST /v2/reviews/{review_id}/decision",
        "POST /v2/assessments",
        "POST /v2/portfolios/assessments",
        "GET /v2/jobs/{job_id}",
        "orgair budgets set",
        "POST /v2/assessments (over budget)",
        "POST /_local/invoke/BudgetCheckFunction",
        "GET /_local/published",
        "GET /v2/costs/summary",
        "GET /v2/costs/entries",
    ):
        assert step(report, request).startswith("ok  "), report
    assert "FAIL" not in report
    assert re.search(r"^19 steps, all as expected", report, re.MULTILINE), report
    assert "500 of 500 companies scored and stored" in step(report, "POST /v2/portfolios/scores")
    assert "requires_review" in step(report, "POST /v2/scores (a jump)")
    assert "succeeded: 20 of 20 scored" in step(report, "GET /v2/jobs/{job_id}")


def test_the_report_shows_the_assessments_ledger_lines(completed: subprocess.CompletedProcess[str]) -> None:
    line = step(completed.stdout, "GET /v2/costs/entries")
    found = re.search(
        r"the assessment's ledger lines: [0-9a-f-]{36} gpt-4o-2024-08-06 (\d+) in / (\d+) out (\d+\.\d{6}) USD settled",
        line,
    )
    assert found, line
    assert int(found.group(1)) > 0
    assert int(found.group(2)) > 0
    assessed = re.search(r"1 call\(s\), (\d+\.\d{6}) USD", step(completed.stdout, "POST /v2/assessments"))
    assert assessed, completed.stdout
    assert assessed.group(1) == found.group(3), "the ledger line is the assessment's cost"


def test_the_report_shows_a_budget_refusal_with_retry_after(
    completed: subprocess.CompletedProcess[str],
) -> None:
    line = step(completed.stdout, "POST /v2/assessments (over budget)")
    found = re.search(
        r" 429  Retry-After: (\d+) s, https://api\.orgair\.io/problems/budget-exceeded, scope tenant:demo-",
        line,
    )
    assert found, line
    assert 1 <= int(found.group(1)) <= 86_400


def test_the_report_shows_the_published_budget_alert(
    runner: Runner, completed: subprocess.CompletedProcess[str]
) -> None:
    line = step(completed.stdout, "GET /_local/published")
    found = re.search(r"(\d+) SNS alert\(s\) \(thresholds ([\d, a-z]+)\), (\d+) EventBridge", line)
    assert found, line
    assert found.group(2).split(", ")[:3] == ["50", "80", "100"], line
    assert found.group(1) == found.group(3), "each alert goes out on SNS and on EventBridge"
    tenant = re.search(r"tenant (demo-[0-9a-f]{8})", completed.stdout)
    assert tenant, completed.stdout
    assert f"orgair: tenant:{tenant.group(1)} reached" in line
    published = httpx.get(f"{runner.url}/_local/published", timeout=10).json()["items"]
    assert any(
        item["channel"] == "sns" and item["message"]["scope"] == f"tenant:{tenant.group(1)}"
        for item in published
    )
    assert "Traceback" not in runner.output()


def test_a_step_that_does_not_answer_as_expected_stops_the_tour_with_exit_1(
    runner: Runner, completed: subprocess.CompletedProcess[str]
) -> None:
    line = next(line for line in runner.lines if line.startswith("LLM: "))
    found = re.search(r" on (http://127\.0\.0\.1:\d+);", line)
    assert found, line
    control = f"{found.group(1)}/_control"
    failing = httpx.post(control, json={"fail": [{"mode": "5xx", "count": 1000}]}, timeout=5)
    assert failing.status_code == 200, failing.text
    try:
        # A smaller portfolio: this run is about the assessment step, not the portfolio's wall clock.
        failed = against(runner, "--portfolio-size", "20")
    finally:
        httpx.post(control, json={"clear": True}, timeout=5)

    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert step(failed.stdout, "POST /v2/assessments").startswith("FAIL")
    assert "expected 201" in step(failed.stdout, "POST /v2/assessments")
    assert "GET /v2/costs/summary" not in failed.stdout
    assert "the tour stopped at step 10" in failed.stdout
    assert "20 of 20 companies scored and stored" in step(failed.stdout, "POST /v2/portfolios/scores")


def test_without_a_running_api_the_tour_says_how_to_start_it_and_exits_2() -> None:
    finished = demo("--url", f"http://127.0.0.1:{free_port()}", "--wait", "0.5")

    assert finished.returncode == 2
    assert "make run" in finished.stderr
    assert "no local API answers" in finished.stderr


def test_a_portfolio_size_beyond_one_request_is_refused() -> None:
    finished = demo("--portfolio-size", "501")

    assert finished.returncode == 2
    assert "--portfolio-size: must be a whole number from 1 to 500" in finished.stderr


def test_an_address_beyond_loopback_is_refused_before_any_request() -> None:
    finished = demo("--url", "http://203.0.113.10:3000", "--wait", "0")

    assert finished.returncode == 2
    assert "is not a loopback address" in finished.stderr
