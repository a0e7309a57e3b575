"""Failure plans: the CLI/env spec and the control route's JSON are parsed strictly and bounded;
failures are taken in order by the first call of a matching provider."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.localllm.faults import (
    MAX_PENDING,
    Fault,
    FaultPlan,
    FaultSpecError,
    fault_from_json,
    parse_fault_spec,
)


def test_a_spec_names_mode_count_and_provider() -> None:
    faults = parse_fault_spec("429:2, openai/hang, anthropic/503:1, malformed", retry_after=3, hang_seconds=2)

    assert [(fault.mode, fault.count, fault.provider) for fault in faults] == [
        ("429", 2, None),
        ("hang", 1, "openai"),
        ("5xx", 1, "anthropic"),
        ("malformed", 1, None),
    ]
    assert faults[0].retry_after == 3
    assert faults[1].hang_seconds == 2
    assert faults[2].status == 503


@pytest.mark.parametrize("spec", ["teapot", "429:x", "mistral/429", "418", "429:0", "429:100000"])
def test_a_bad_spec_is_refused_naming_the_part(spec: str) -> None:
    with pytest.raises(FaultSpecError, match="'"):
        parse_fault_spec(spec)


@pytest.mark.parametrize(
    "raw",
    [
        {"mode": "429", "count": True},
        {"mode": "429", "retry_after": -1},
        {"mode": "hang", "hang_seconds": 10_000},
        {"mode": "5xx", "status": 404},
        {"mode": "429", "colour": "red"},
        "429",
    ],
)
def test_control_json_out_of_bounds_is_refused(raw: Any) -> None:
    with pytest.raises(FaultSpecError):
        fault_from_json(raw)


def test_failures_are_taken_in_order_by_matching_providers_and_counted() -> None:
    plan = FaultPlan()
    plan.add([Fault("5xx", provider="openai", count=2), Fault("429")])

    assert plan.take("anthropic") == Fault("429")
    taken = plan.take("openai")
    assert taken is not None
    assert taken.mode == "5xx"
    assert plan.take("openai") is not None
    assert plan.take("openai") is None
    assert plan.view()["calls"] == {"anthropic": 1, "openai": 3}
    assert plan.view()["injected"] == {"429": 1, "5xx": 2}
    assert plan.view()["pending"] == []


def test_pending_failures_and_latency_are_bounded() -> None:
    plan = FaultPlan()
    with pytest.raises(FaultSpecError):
        plan.add([Fault("429")] * (MAX_PENDING + 1))
    with pytest.raises(FaultSpecError):
        plan.set_latency(10**9)
