"""A job's worker killed with SIGKILL in the middle of a provider call, then started again, with processes.

The embedded AWS runs on its own (`python -m devtools.embedded_dynamodb`); a first runner uses it
(`LOCAL_SHARED_AWS=on`), takes a job's companies from the queue and is killed, whole, while the
local LLM stand-in holds one company's provider call (`LOCAL_LLM_FAIL=hang`): the worker, its
batch, the stand-in and the API die together, as a Lambda environment does. A second runner on the
same tables and queue takes the job over: the killed batch comes back after its visibility timeout,
the company that was mid-call is claimed again once the dead run's lease passed, and the budget
check settles the dead attempt's hold. The job ends with one score per company, one ledger line per
provider attempt, no open hold and counters that add up.

To stay under a minute the worker runs with a local Timeout of WORKER_TIMEOUT seconds
(`LOCAL_TIMEOUT`, which gives JobsQueue a visibility timeout of 1.5 times that), its lease margin
is LEASE_MARGIN_SECONDS (`JOB_LEASE_MARGIN_SECONDS`) and holds expire after HOLD_EXPIRY_SECONDS
(its minimum); nothing else differs from `make run`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.job_runs import (
    DAY_SCOPES,
    aws,
    day_counters,
    finished,
    holds,
    ledger_items,
    open_holds,
    stored_scores,
    submit,
)
from support.local_runner import ROOT, Runner, client_as, free_port, local_runner

from devtools.embedded_dynamodb import is_listening

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_jobs-killed-worker-key-0123456789abcdefghij"
COMPANIES = 8
WORKER_TIMEOUT = 22
"""The worker's local Timeout: the first provider call's deadline is about 4 s (the assessment keeps
17 s for two store calls at the runner's 3 s read timeout), time enough to kill it while it hangs;
JobsQueue's visibility timeout is 33 s."""
LEASE_MARGIN_SECONDS = 3
"""The dead run's lease ends about WORKER_TIMEOUT + 3 s after it claimed its company."""
HOLD_EXPIRY_SECONDS = 30
RECOVERY_SECONDS = 90.0


@contextmanager
def embedded_aws() -> Iterator[int]:
    """The embedded AWS in a process of its own, so its state outlives the runners; yields its port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.embedded_dynamodb", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not is_listening("127.0.0.1", port):
            assert process.poll() is None, "the embedded AWS stopped"
            assert time.monotonic() < deadline, "the embedded AWS did not start"
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def wait_for_hanging_call(llm_url: str, runner: Runner, seconds: float = 30.0) -> None:
    """Until the stand-in holds a provider call (its `hang` failure was taken)."""
    deadline = time.monotonic() + seconds
    while True:
        injected = httpx.get(f"{llm_url}/_control", timeout=5).json()["injected"]
        if injected.get("hang", 0) >= 1:
            return
        assert time.monotonic() < deadline, f"no provider call was held:\n{runner.output()}"
        time.sleep(0.03)


def tasks(runner: Runner, job_id: str) -> list[dict[str, Any]]:
    client = aws(runner, "dynamodb")
    return list(
        client.query(
            TableName="JobsTable",
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"J#{job_id}"}},
            ConsistentRead=True,
        )["Items"]
    )


def test_a_worker_killed_mid_provider_call_and_restarted_finishes_the_job_once_with_no_open_hold(
    tmp_path: Path,
) -> None:
    with ExitStack() as stack:
        aws_port = stack.enter_context(embedded_aws())
        llm_port = free_port()
        shell = {
            "DYNAMODB_PORT": str(aws_port),
            "LOCAL_SHARED_AWS": "on",
            "LOCAL_TIMEOUT": f"AssessmentWorkerFunction={WORKER_TIMEOUT}",
            "LOCAL_SCHEDULES": "off",
            "DEGRADED_LLM_MODEL": "",
        }
        settings = {
            "HOLD_EXPIRY_SECONDS": str(HOLD_EXPIRY_SECONDS),
            "JOB_LEASE_MARGIN_SECONDS": str(LEASE_MARGIN_SECONDS),
        }
        hanging = {**shell, "LOCAL_LLM_PORT": str(llm_port), "LOCAL_LLM_FAIL": "hang"}

        def start(shell_vars: dict[str, str]) -> Runner:
            return stack.enter_context(
                local_runner(admin_key=ADMIN_KEY, env_vars=settings, directory=tmp_path, shell=shell_vars)
            )

        first = start(hanging)
        first.wait_for_line(rf"^Timeout: AssessmentWorkerFunction {WORKER_TIMEOUT} s locally")
        first.wait_for_line(r"JobsQueue VisibilityTimeout 33 s")
        with client_as(first, ADMIN_KEY, timeout=30) as client:
            job = submit(client, "killed", COMPANIES, "5.00")

        wait_for_hanging_call(f"http://127.0.0.1:{llm_port}", first)
        first.process.kill()
        first.process.wait(timeout=10)

        at_kill = tasks(first, job["job_id"])
        running = [task for task in at_kill if task["status"]["S"] == "running"]
        assert running, "no company was being worked on when the worker was killed"
        in_flight = {item["call_id"]["S"] for item in open_holds(first, job["job_id"])}
        assert in_flight, "no provider attempt was in flight when it was killed"

        second = start(shell)
        with client_as(second, ADMIN_KEY, timeout=30) as client:
            done = finished(client, job["job_id"], RECOVERY_SECONDS)
            deadline = time.monotonic() + RECOVERY_SECONDS
            while open_holds(second, job["job_id"]):
                assert time.monotonic() < deadline, "the dead attempt's hold was never settled"
                check = client.post("/_local/invoke/BudgetCheckFunction")
                assert check.status_code == 200, check.text
                time.sleep(1)

        counts = done["companies"]
        lines = ledger_items(second, job["job_id"])
        attempts = holds(second, job["job_id"])
        scores = stored_scores(second, "killed")
        assert done["status"] == "succeeded", done
        assert counts["succeeded"] == COMPANIES
        assert (
            counts["succeeded"] + counts["failed"] + counts["budget_exhausted"] + counts["cancelled"]
            == (counts["total"])
        )
        assert len(scores) == COMPANIES
        assert {result["score_id"] for result in done["results"]} == {
            item["score_id"]["S"] for item in scores
        }
        call_ids = [item["call_id"]["S"] for item in lines]
        assert len(set(call_ids)) == len(call_ids)
        assert set(call_ids) == {item["call_id"]["S"] for item in attempts}
        assert len(lines) > COMPANIES  # every company's attempt, and the dead one
        expired = {item["call_id"]["S"] for item in lines if item["outcome"]["S"] == "hold_expired"}
        assert expired == in_flight  # the killed attempts, settled by the budget check
        assert open_holds(second, job["job_id"]) == []
        spent = sum(int(item["cost_micros"]["N"]) for item in lines)
        assert spent <= 5_000_000
        assert day_counters(second, done["created_at"][:10]) == dict.fromkeys(DAY_SCOPES, (spent, spent))
