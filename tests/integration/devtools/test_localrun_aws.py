"""The runner's embedded AWS beyond DynamoDB, over real HTTP: the template's topics and the capture
rule exist on the runner's moto, a budget alert goes out end to end (spend over a tenant's 50 %
threshold, the budget check on demand) and is visible at `/_local/published` at once, with a
readable line on the runner's output and no traceback."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from support.local_runner import Runner
from support.python_runs import run_python

from devtools.localrun.aws_services import aws_client

pytestmark = pytest.mark.integration

TENANT = "local"  # the runner's admin key belongs to tenant `local`
ALERT_TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:orgair-local-budget-alerts"
LIMIT_MICROS = 1_000_000  # 1 USD a day for the tenant
# gpt-4o-2024-08-06 costs 2.50 USD per million input tokens: 240,000 tokens are 0.60 USD, 60 %.
USAGE = {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 240_000, "output_tokens": 0}


def aws(runner: Runner, service: str) -> Any:
    return aws_client(service, runner.dynamodb_url)


def test_the_runner_creates_the_templates_topics_and_a_capture_rule_on_every_bus(runner: Runner) -> None:
    topics = {topic["TopicArn"] for topic in aws(runner, "sns").list_topics()["Topics"]}
    assert ALERT_TOPIC_ARN in topics
    assert "arn:aws:sns:us-east-1:123456789012:OpsTopic" in topics
    rules = aws(runner, "events").list_rules(EventBusName="default")["Rules"]
    by_name = {rule["Name"]: rule for rule in rules}
    assert "orgair-local-published-all" in by_name
    schedule = by_name["orgair-local-BudgetCheckFunctionSchedule"]
    assert schedule["ScheduleExpression"] == "rate(15 minutes)"
    output = "\n".join(runner.lines)
    assert f"created: AlertTopic (SNS::Topic) {ALERT_TOPIC_ARN}" in output
    assert f"GET     {runner.url}/_local/published" in output
    assert "Schedule: BudgetCheckFunction rate(15 minutes)" in output


def test_published_route_refuses_a_bad_cursor_and_other_methods(client: httpx.Client) -> None:
    assert client.get("/_local/published", params={"after": "-1"}).status_code == 400
    refused = client.post("/_local/published")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET"


def ensure_tenant_budget(runner: Runner) -> None:
    """The tenant's daily budget, set the way docs/operations.md tells an operator to."""
    aws(runner, "dynamodb").put_item(
        TableName="CostsTable",
        Item={
            "pk": {"S": "BUDGETCFG"},
            "sk": {"S": f"tenant:{TENANT}"},
            "limit_micros": {"N": str(LIMIT_MICROS)},
            "updated_at": {"S": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")},
        },
    )


@pytest.mark.wallclock
def test_a_budget_alert_is_published_end_to_end_and_visible_at_once(
    runner: Runner, client: httpx.Client
) -> None:
    ensure_tenant_budget(runner)
    before = client.get("/_local/published").json()["items"]
    after = max((item["sequence"] for item in before), default=0)
    recorded = client.post("/v2/costs", json=USAGE, headers={"Idempotency-Key": "localaws-spend-1"})
    assert recorded.status_code == 201, recorded.text

    started = time.perf_counter()
    checked = client.post("/_local/invoke/BudgetCheckFunction")
    published = client.get("/_local/published", params={"after": str(after)}).json()["items"]
    elapsed = time.perf_counter() - started

    assert checked.status_code == 200, checked.text
    assert "x-amz-function-error" not in checked.headers
    summary = checked.json()
    # The 50 % alert; depending on the hour, the day's forecast may also be over the limit.
    assert f"tenant:{TENANT}:{summary['date']}:50" in summary["alerts_published"]
    assert set(summary["alerts_published"]) <= {
        f"tenant:{TENANT}:{summary['date']}:{threshold}" for threshold in ("50", "forecast")
    }
    assert summary["alerts_failed"] == []
    assert len(published) == 2 * len(summary["alerts_published"]), published
    sns = [item for item in published if item["channel"] == "sns" and item["message"]["threshold"] == "50"]
    events = [
        item for item in published if item["channel"] == "events" and item["detail"]["threshold"] == "50"
    ]
    assert len(sns) == 1, published
    assert len(events) == 1, published
    assert sns[0]["topic_arn"] == ALERT_TOPIC_ARN
    assert sns[0]["subject"].startswith(f"orgair: tenant:{TENANT} reached 50% of its budget on ")
    assert sns[0]["message"]["committed"] == "0.600000"
    assert sns[0]["message"]["limit"] == "1.000000"
    assert events[0]["bus"] == "default"
    assert events[0]["source"] == "orgair.costs"
    assert events[0]["detail_type"] == "Budget Threshold Crossed"
    assert events[0]["detail"]["scope"] == f"tenant:{TENANT}"
    assert events[0]["resources"] == [ALERT_TOPIC_ARN]
    assert elapsed < 2.0, f"check and published view took {elapsed:.2f} s"

    # The poller prints one readable line per message without anyone asking the route.
    line = next(
        (
            line
            for line in runner.lines
            if "published SNS orgair-local-budget-alerts: orgair: tenant:" in line
        ),
        None,
    )
    assert line is not None, runner.output()
    assert any(
        "published EventBridge default orgair.costs / Budget Threshold Crossed" in x for x in runner.lines
    )
    assert "Traceback" not in "\n".join(runner.lines)

    # A second run claims nothing new: the alert is published once per scope, day and threshold.
    again = client.post("/_local/invoke/BudgetCheckFunction")
    assert again.status_code == 200
    assert again.json()["alerts_published"] == []
    assert (
        client.get("/_local/published", params={"after": str(after + len(published))}).json()["items"] == []
    )


def test_the_budget_check_on_demand_completes_without_error(runner: Runner, client: httpx.Client) -> None:
    response = client.post("/_local/invoke/BudgetCheckFunction")
    assert response.status_code == 200, response.text
    assert "x-amz-function-error" not in response.headers
    assert response.json()["alerts_failed"] == []
    assert "Traceback" not in "\n".join(runner.lines)


def test_invoke_next_to_a_running_runner_publishes_to_its_topics(
    runner: Runner, client: httpx.Client
) -> None:
    """`make invoke FN=BudgetCheckFunction` uses the running runner's AWS, never real SNS: with the
    tenant's spend taken over 80 % (another 0.25 USD), the alert reaches the runner's topic."""
    ensure_tenant_budget(runner)
    for key in ("localaws-spend-1", "localaws-spend-2"):
        usage = USAGE if key.endswith("1") else {**USAGE, "input_tokens": 100_000}
        recorded = client.post("/v2/costs", json=usage, headers={"Idempotency-Key": key})
        assert recorded.status_code in (200, 201), recorded.text
    after = max((item["sequence"] for item in client.get("/_local/published").json()["items"]), default=0)
    environment = {
        **os.environ,
        "DYNAMODB_PORT": runner.dynamodb_url.rsplit(":", 1)[1],
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
    finished = run_python(
        "-m", "devtools.localrun", "invoke", "BudgetCheckFunction", env=environment, timeout=60
    )
    assert finished.returncode == 0, finished.stderr
    assert "Traceback" not in finished.stderr
    result = json.loads(finished.stdout)
    assert result["alerts_failed"] == []
    assert f"tenant:{TENANT}:{result['date']}:80" in result["alerts_published"]
    published = client.get("/_local/published", params={"after": str(after)}).json()["items"]
    assert any(item["channel"] == "sns" and item["message"]["threshold"] == "80" for item in published)
