"""Schedule expressions as EventBridge reads them, the event a schedule delivers, and the scheduler
running each function when it is due."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.localrun.aws_services import aws_client
from devtools.localrun.schedules import (
    Cron,
    Job,
    Rate,
    ScheduleExpressionError,
    Scheduler,
    parse_schedule,
    register_schedule_rules,
    rule_lines,
    schedule_jobs,
    scheduled_event,
)
from devtools.template import Template, load_template
from devtools.template_specs import Schedule

T0 = datetime(2026, 3, 2, 12, 7, 30, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(15 minutes)", 900),
        ("rate(2 hours)", 7200),
        ("rate(1 day)", 86400),
        ("rate( 3 days )", 259200),
    ],
)
def test_rate_expressions_fire_every_period(expression: str, seconds: int) -> None:
    parsed = parse_schedule(expression)
    assert parsed == Rate(seconds)
    assert parsed.next_after(T0) == T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cron(0 * * * ? *)", datetime(2026, 3, 2, 13, 0, tzinfo=UTC)),
        ("cron(*/5 * * * ? *)", datetime(2026, 3, 2, 12, 10, tzinfo=UTC)),
        ("cron(15 10 * * ? *)", datetime(2026, 3, 3, 10, 15, tzinfo=UTC)),
        ("cron(0 18 ? * MON-FRI *)", datetime(2026, 3, 2, 18, 0, tzinfo=UTC)),
        ("cron(0 9 ? * SAT,SUN *)", datetime(2026, 3, 7, 9, 0, tzinfo=UTC)),
        ("cron(0 0 ? * 1 *)", datetime(2026, 3, 8, 0, 0, tzinfo=UTC)),  # 1 is Sunday
        ("cron(0 8 1 * ? *)", datetime(2026, 4, 1, 8, 0, tzinfo=UTC)),
        ("cron(0 12 29 FEB ? *)", datetime(2028, 2, 29, 12, 0, tzinfo=UTC)),
        ("cron(30 6 10-12 JUL ? 2027)", datetime(2027, 7, 10, 6, 30, tzinfo=UTC)),
        ("cron(0/20 8 ? * WED *)", datetime(2026, 3, 4, 8, 0, tzinfo=UTC)),
    ],
)
def test_cron_expressions_next_run_in_utc(expression: str, expected: datetime) -> None:
    parsed = parse_schedule(expression)
    assert isinstance(parsed, Cron)
    assert parsed.next_after(T0) == expected


def test_cron_next_run_is_strictly_after_a_matching_minute() -> None:
    every_hour = parse_schedule("cron(0 * * * ? *)")
    on_the_hour = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    assert every_hour.next_after(on_the_hour) == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "named"),
    [
        ("rate(0 minutes)", "at least 1"),
        ("rate(1 minutes)", "singular"),
        ("rate(5 minute)", "singular"),
        ("rate(5 weeks)", "not rate"),
        ("every 5 minutes", "not rate"),
        ("cron(0 12 * * *)", "six fields"),
        ("cron(0 12 * * * *)", "'?'"),
        ("cron(0 12 ? * ? *)", "'?'"),
        ("cron(60 12 * * ? *)", "outside 0-59"),
        ("cron(0 24 * * ? *)", "outside 0-23"),
        ("cron(0 12 L * ? *)", "L, W and #"),
        ("cron(0 12 ? * 6#3 *)", "L, W and #"),
        ("cron(0 12 15W * ? *)", "L, W and #"),
        ("cron(0 12 ? * FOO *)", "not a value"),
        ("cron(0 12-6 * * ? *)", "backwards"),
        ("cron(*/0 * * * ? *)", "step"),
    ],
)
def test_bad_expressions_are_refused_with_the_reason(expression: str, named: str) -> None:
    with pytest.raises(ScheduleExpressionError, match=re.escape(named)):
        parse_schedule(expression)


def test_scheduled_event_has_eventbridges_shape() -> None:
    event = scheduled_event("BudgetCheckFunction", Schedule("Schedule", "rate(15 minutes)"), T0)
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["time"] == "2026-03-02T12:07:30Z"
    assert event["detail"] == {}
    assert event["account"] == "123456789012"
    assert event["region"] == "us-east-1"
    assert event["resources"] == [
        "arn:aws:events:us-east-1:123456789012:rule/orgair-local-BudgetCheckFunctionSchedule"
    ]
    assert event["id"] != scheduled_event("BudgetCheckFunction", Schedule("Schedule", "rate(1 day)"))["id"]


def test_schedule_v2_event_comes_from_the_scheduler() -> None:
    event = scheduled_event("Fn", Schedule("Nightly", "cron(0 2 * * ? *)", kind="ScheduleV2"), T0)
    assert event["source"] == "aws.scheduler"
    assert event["resources"][0].startswith("arn:aws:scheduler:us-east-1:123456789012:schedule/default/")


SCHEDULED_TEMPLATE: dict[str, Any] = {
    "Parameters": {"Every": {"Type": "String", "Default": "rate(5 minutes)"}},
    "Resources": {
        "Ticker": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": "functions/x/",
                "Events": {
                    "Tick": {"Type": "Schedule", "Properties": {"Schedule": {"Ref": "Every"}}},
                    "Off": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 hour)", "Enabled": False}},
                    "Nightly": {
                        "Type": "ScheduleV2",
                        "Properties": {"ScheduleExpression": "cron(0 2 * * ? *)", "State": "ENABLED"},
                    },
                    "Paused": {
                        "Type": "ScheduleV2",
                        "Properties": {"ScheduleExpression": "rate(1 day)", "State": "DISABLED"},
                    },
                },
            },
        }
    },
}


def test_jobs_are_every_enabled_schedule_and_schedulev2_of_the_template() -> None:
    jobs = schedule_jobs(Template(SCHEDULED_TEMPLATE).functions())
    assert [(job.function_id, job.schedule.name, job.schedule.kind) for job in jobs] == [
        ("Ticker", "Tick", "Schedule"),
        ("Ticker", "Nightly", "ScheduleV2"),
    ]
    assert jobs[0].expression == Rate(300)


def test_a_bad_expression_in_the_template_names_the_function_and_event() -> None:
    broken = {
        "Resources": {
            "Ticker": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Events": {"Tick": {"Type": "Schedule", "Properties": {"Schedule": "rate(0 days)"}}}
                },
            }
        }
    }
    with pytest.raises(ScheduleExpressionError, match=r"Ticker\.Tick"):
        schedule_jobs(Template(broken).functions())


def test_the_budget_check_is_scheduled_by_the_projects_template() -> None:
    jobs = schedule_jobs(Template(load_template()).functions())
    assert [(job.function_id, job.expression) for job in jobs] == [
        ("BudgetCheckFunction", Rate(900)),
        ("ExportFunction", parse_schedule("cron(0 2 * * ? *)")),
        ("ReconciliationFunction", parse_schedule("cron(30 3 * * ? *)")),
    ]


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.now += timedelta(seconds=seconds)


def test_scheduler_runs_each_job_when_due_with_a_scheduled_event() -> None:
    clock = _Clock(T0)
    calls: list[tuple[str, dict[str, Any]]] = []
    job = Job("Ticker", Schedule("Tick", "rate(1 minute)"), Rate(60))
    scheduler = Scheduler([job], lambda function_id, event: calls.append((function_id, event)), clock=clock)
    assert scheduler.next_runs[job] == T0 + timedelta(minutes=1)
    scheduler.start()
    try:
        time.sleep(0.3)
        assert calls == []  # not due yet
        clock.advance(61)
        deadline = time.monotonic() + 3
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [function_id for function_id, _ in calls] == ["Ticker"]
        assert calls[0][1]["detail-type"] == "Scheduled Event"
        assert calls[0][1]["time"] == "2026-03-02T12:08:30Z"
        assert scheduler.next_runs[job] == T0 + timedelta(seconds=121)
    finally:
        scheduler.stop()


def test_a_stopped_scheduler_runs_nothing_more() -> None:
    clock = _Clock(T0)
    calls: list[str] = []
    job = Job("Ticker", Schedule("Tick", "rate(1 minute)"), Rate(60))
    scheduler = Scheduler([job], lambda function_id, event: calls.append(function_id), clock=clock).start()
    scheduler.stop()
    clock.advance(3600)
    time.sleep(0.3)
    assert calls == []


def test_schedule_rules_are_on_the_embedded_eventbridge_as_the_stack_has_them(
    dynamodb_server: EmbeddedDynamoDB,
) -> None:
    jobs = schedule_jobs(Template(SCHEDULED_TEMPLATE).functions())
    registered = register_schedule_rules(jobs, dynamodb_server.endpoint_url)
    assert [(job.schedule.name, arn) for job, arn in registered] == [
        ("Tick", "arn:aws:events:us-east-1:123456789012:rule/orgair-local-TickerTick")
    ]  # ScheduleV2 lives in EventBridge Scheduler: fired by the runner, not registered
    rule = aws_client("events", dynamodb_server.endpoint_url).describe_rule(Name="orgair-local-TickerTick")
    assert rule["ScheduleExpression"] == "rate(5 minutes)"
    assert rule["State"] == "ENABLED"
    assert scheduled_event("Ticker", jobs[0].schedule)["resources"] == [registered[0][1]]
    assert rule_lines(registered) == [
        "Ticker.Tick (Events::Rule) arn:aws:events:us-east-1:123456789012:rule/orgair-local-TickerTick"
    ]
