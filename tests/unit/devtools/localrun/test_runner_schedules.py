"""How the runner switches schedules off and reports each scheduled run in one line."""

from __future__ import annotations

import pytest

from devtools.localrun.__main__ import parser
from devtools.localrun.functions import FunctionRegistry
from devtools.localrun.runner import scheduled_invoker
from devtools.localrun.schedules import scheduled_event
from devtools.localrun.startup import schedules_enabled
from devtools.template_specs import Schedule

TICK = Schedule("Tick", "rate(1 minute)")


@pytest.mark.parametrize(
    ("value", "enabled"),
    [
        (None, True),
        ("on", True),
        ("1", True),
        ("off", False),
        ("0", False),
        ("false", False),
        (" NO ", False),
    ],
)
def test_local_schedules_switches_schedules_off(value: str | None, enabled: bool) -> None:
    environment = {} if value is None else {"LOCAL_SCHEDULES": value}
    assert schedules_enabled(environment) is enabled


def test_no_schedules_is_a_serve_flag() -> None:
    assert parser().parse_args(["serve", "--no-schedules"]).no_schedules is True
    assert parser().parse_args(["serve"]).no_schedules is False


def test_a_scheduled_run_is_one_line_with_its_result(
    registry: FunctionRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    scheduled_invoker(registry)("EchoFunction", scheduled_event("EchoFunction", TICK))
    err = capsys.readouterr().err
    assert "scheduled EchoFunction (orgair-local-EchoFunctionTick) -> " in err
    assert "Scheduled Event" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_failed_scheduled_run_says_why_with_its_traceback(
    registry: FunctionRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    event = {**scheduled_event("EchoFunction", TICK), "path": "/boom"}
    scheduled_invoker(registry)("EchoFunction", event)
    err = capsys.readouterr().err
    assert "scheduled EchoFunction (orgair-local-EchoFunctionTick): [ERROR] ValueError: boom" in err
    assert "Traceback (most recent call last):" in err
