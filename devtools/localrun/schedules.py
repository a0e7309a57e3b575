"""Scheduled functions in the runner: EventBridge schedule expressions parsed, each function run on
its schedule with the event EventBridge would send, until the runner stops.

`rate(value unit)` fires every period, the first time one period after the runner starts (as a new
EventBridge rule does). `cron(minutes hours day-of-month month day-of-week year)` is EventBridge's
six-field form in UTC: `*`, `?`, values, ranges `a-b`, lists `a,b`, steps `a/n` or `*/n`, month and
day names (`JAN`, `MON-FRI`); day-of-week counts SUN=1..SAT=7. `L`, `W` and `#` are refused with a
message naming them: the runner does not pretend to support what it does not.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from devtools.localrun.aws_services import aws_client
from devtools.template import LOCAL_ACCOUNT, LOCAL_REGION, LOCAL_STACK_NAME
from devtools.template_specs import FunctionSpec, Schedule


class ScheduleExpressionError(ValueError):
    """An expression EventBridge would refuse, or one the runner cannot run; the message says which."""


_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {
    name: index + 1
    for index, name in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    )
}
_DAYS = {name: index + 1 for index, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])}
MAX_SEARCH_DAYS = 366 * 5
"""How far ahead the next run of a cron expression is looked for (a Feb 29 at 00:00 fits)."""


@dataclass(frozen=True)
class Rate:
    seconds: int

    def next_after(self, moment: datetime) -> datetime:
        return moment + timedelta(seconds=self.seconds)


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int] | None
    """None for `?` or `*` (any day)."""
    months: frozenset[int]
    days_of_week: frozenset[int] | None
    """SUN=1..SAT=7; None for `?` or `*`."""
    years: frozenset[int] | None

    def _day_matches(self, day: datetime) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        if self.days_of_month is not None and day.day not in self.days_of_month:
            return False
        weekday = (day.isoweekday() % 7) + 1  # Monday=2 ... Sunday=1
        return self.days_of_week is None or weekday in self.days_of_week

    def next_after(self, moment: datetime) -> datetime:
        """The first matching minute strictly after `moment` (UTC)."""
        start = (moment.astimezone(UTC) + timedelta(minutes=1)).replace(second=0, microsecond=0)
        day = start.replace(hour=0, minute=0)
        for _ in range(MAX_SEARCH_DAYS):
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = day.replace(hour=hour, minute=minute)
                        if candidate >= start:
                            return candidate
            day += timedelta(days=1)
        raise ScheduleExpressionError(f"no run within {MAX_SEARCH_DAYS} days")


Expression = Rate | Cron


def _field(text: str, name: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    unnamed = text.upper()
    for known in sorted(names or {}, key=len, reverse=True):
        unnamed = unnamed.replace(known, "")
    if any(mark in unnamed for mark in ("L", "W", "#")):
        raise ScheduleExpressionError(f"{name} {text!r}: L, W and # are not supported by the local runner")

    def value(token: str) -> int:
        token = token.upper()
        if names and token in names:
            return names[token]
        if not token.isdigit():
            raise ScheduleExpressionError(f"{name} {text!r}: {token!r} is not a value")
        number = int(token)
        if not low <= number <= high:
            raise ScheduleExpressionError(f"{name} {text!r}: {number} is outside {low}-{high}")
        return number

    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleExpressionError(f"{name} {text!r}: step {step_text!r} is not a positive number")
            step = int(step_text)
        if base == "*":
            first, last = low, high
        elif "-" in base:
            left, _, right = base.partition("-")
            first, last = value(left), value(right)
            if first > last:
                raise ScheduleExpressionError(f"{name} {text!r}: range {base!r} runs backwards")
        else:
            first = value(base)
            last = high if step_text else first
        values.update(range(first, last + 1, step))
    return frozenset(values)


def parse_schedule(expression: str) -> Expression:
    """`rate(...)` or `cron(...)` as EventBridge reads it; ScheduleExpressionError otherwise."""
    text = expression.strip()
    rate = _RATE.match(text)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value == 0:
            raise ScheduleExpressionError(f"{expression!r}: the rate must be at least 1")
        if (value == 1) != (not unit.endswith("s")):
            raise ScheduleExpressionError(
                f"{expression!r}: EventBridge wants the singular unit for 1 and the plural otherwise"
            )
        return Rate(value * _UNIT_SECONDS[unit.rstrip("s")])
    if text.startswith("cron(") and text.endswith(")"):
        fields = text[5:-1].split()
        if len(fields) != 6:
            raise ScheduleExpressionError(
                f"{expression!r}: cron needs six fields (minutes hours day-of-month month day-of-week year)"
            )
        minutes, hours, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise ScheduleExpressionError(
                f"{expression!r}: exactly one of day-of-month and day-of-week must be '?'"
            )
        return Cron(
            minutes=_field(minutes, "minutes", 0, 59),
            hours=_field(hours, "hours", 0, 23),
            days_of_month=None if dom in ("?", "*") else _field(dom, "day-of-month", 1, 31),
            months=_field(month, "month", 1, 12, _MONTHS),
            days_of_week=None if dow in ("?", "*") else _field(dow, "day-of-week", 1, 7, _DAYS),
            years=None if year == "*" else _field(year, "year", 1970, 2199),
        )
    raise ScheduleExpressionError(f"{expression!r}: not rate(...) or cron(...)")


def rule_name(function_id: str, schedule: Schedule) -> str:
    """The name SAM gives the rule or schedule of a `Schedule`/`ScheduleV2` event, locally without
    CloudFormation's random suffix."""
    return f"{LOCAL_STACK_NAME}-{function_id}{schedule.name}"[:64]


def rule_arn(function_id: str, schedule: Schedule) -> str:
    """The ARN of that rule (EventBridge) or schedule (EventBridge Scheduler)."""
    name = rule_name(function_id, schedule)
    if schedule.kind == "ScheduleV2":
        return f"arn:aws:scheduler:{LOCAL_REGION}:{LOCAL_ACCOUNT}:schedule/default/{name}"
    return f"arn:aws:events:{LOCAL_REGION}:{LOCAL_ACCOUNT}:rule/{name}"


def scheduled_event(function_id: str, schedule: Schedule, at: datetime | None = None) -> dict[str, Any]:
    """The event a schedule delivers: EventBridge's `Scheduled Event` envelope."""
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler" if schedule.kind == "ScheduleV2" else "aws.events",
        "account": LOCAL_ACCOUNT,
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": LOCAL_REGION,
        "resources": [rule_arn(function_id, schedule)],
        "detail": {},
    }


@dataclass(frozen=True)
class Job:
    function_id: str
    schedule: Schedule
    expression: Expression


def schedule_jobs(specs: Iterable[FunctionSpec]) -> list[Job]:
    """Every enabled schedule of the template, parsed; the first bad expression stops the runner."""
    jobs = []
    for spec in specs:
        for schedule in spec.schedules:
            if not schedule.enabled:
                continue
            try:
                expression = parse_schedule(schedule.expression)
            except ScheduleExpressionError as error:
                raise ScheduleExpressionError(f"{spec.logical_id}.{schedule.name}: {error}") from None
            jobs.append(Job(spec.logical_id, schedule, expression))
    return jobs


def register_schedule_rules(jobs: Iterable[Job], endpoint_url: str) -> list[tuple[Job, str]]:
    """Put each `Schedule` event's rule on the embedded EventBridge's default bus, as the deployed
    stack has it (the runner, not moto, fires it); (job, rule ARN) for each. ScheduleV2 schedules
    live in EventBridge Scheduler, which needs a role and target the runner does not have: the
    runner fires them without registering them."""
    events = None
    registered: list[tuple[Job, str]] = []
    for job in jobs:
        if job.schedule.kind != "Schedule":
            continue
        events = events or aws_client("events", endpoint_url)
        arn = events.put_rule(
            Name=rule_name(job.function_id, job.schedule),
            ScheduleExpression=job.schedule.expression,
            State="ENABLED",
            Description=f"{job.function_id} {job.schedule.name} (fired by the local runner)",
        )["RuleArn"]
        registered.append((job, str(arn)))
    return registered


def rule_lines(registered: Iterable[tuple[Job, str]]) -> list[str]:
    return [f"{job.function_id}.{job.schedule.name} (Events::Rule) {arn}" for job, arn in registered]


Invoke = Callable[[str, dict[str, Any]], None]


class Scheduler:
    """Runs each job at its next time on one daemon thread, one job at a time, until `stop()`.

    A run still going when the next one is due delays it (EventBridge would start a second
    execution environment; the runner has one process). `invoke` reports its own outcome.
    """

    def __init__(
        self,
        jobs: Sequence[Job],
        invoke: Invoke,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._jobs = list(jobs)
        self._invoke = invoke
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="local-schedules", daemon=True)
        started = clock()
        self.next_runs: dict[Job, datetime] = {job: job.expression.next_after(started) for job in self._jobs}

    def start(self) -> Scheduler:
        if self._jobs:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            job, due = min(self.next_runs.items(), key=lambda item: item[1])
            wait = (due - self._clock()).total_seconds()
            if wait > 0:
                self._stop.wait(min(wait, 1.0))
                continue
            self.next_runs[job] = job.expression.next_after(max(due, self._clock()))
            self._invoke(job.function_id, scheduled_event(job.function_id, job.schedule, due))
