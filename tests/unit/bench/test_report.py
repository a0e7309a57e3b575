"""bench/report.py: a DynamoDB function's cold start is reported against both floors, each named."""

from __future__ import annotations

from typing import Any

from bench import report
from bench.verdicts import headline_ratios, targets

SCORES = "ScoresFunction POST /v2/scores"
FLOOR = "floor: boto3 + DynamoDB client"
FLOOR_WITH_CALLS = f"floor + first DynamoDB calls of {SCORES}"


def _cold(label: str, by_round: dict[str, float], **extra: Any) -> dict[str, Any]:
    values = sorted(by_round.values())
    return {
        "label": label,
        "function": None,
        "route": None,
        "peer": None,
        "floor_with_calls": None,
        "tags": [],
        "cold_ms": {"n": len(values), "p50": values[len(values) // 2], "p90": values[-1], "min": values[0]},
        "cold_ms_by_round": by_round,
        "startup_ms": {"n": 0},
        "import_ms": {"n": 0},
        "first_event_ms": {"n": 0},
        "rss_mb": {"n": 1, "p50": 60.0},
        "statuses": ["201"],
        "errors": [],
        **extra,
    }


def _results() -> dict[str, Any]:
    return {
        "cold": [
            _cold(
                SCORES,
                {"0": 600.0, "1": 620.0, "2": 640.0},
                function="ScoresFunction",
                route="POST /v2/scores",
                floor_with_calls=FLOOR_WITH_CALLS,
            ),
            _cold(FLOOR, {"0": 300.0, "1": 310.0, "2": 320.0}, tags=["floor"]),
            _cold(FLOOR_WITH_CALLS, {"0": 400.0, "1": 400.0, "2": 400.0}, tags=["floor-calls"]),
        ],
        "warm": {"POST /v2/scores": {"calls_per_request": {"n": 1, "max": 2.0}}},
        "library": {},
        "sizes": {},
    }


def test_a_dynamodb_function_gets_a_row_for_each_floor_with_the_same_target() -> None:
    rows = {row["figure"]: row for row in targets(_results())}

    plain = rows[f"cold init {SCORES} / boto3 floor"]
    same_calls = rows[f"cold init {SCORES} / boto3 floor + its first DynamoDB calls"]
    assert plain["measured"].startswith("2.00×")
    assert plain["ok"] is False
    assert same_calls["measured"].startswith("1.55×")  # median of 1.50, 1.55, 1.60
    assert same_calls["target"] == plain["target"] == "≤ 1.5×"
    assert same_calls["ok"] is False


def test_the_headline_names_the_floor_of_each_ratio() -> None:
    (row,) = headline_ratios(_results())
    assert row["vs_floor"] == 2.0
    assert row["vs_floor_with_calls"] == 1.55

    text = "\n".join(report._headline(_results()))
    assert "/ boto3 floor + the same first DynamoDB calls (paired median)" in text
    assert "Which floor each ratio uses" in text
    assert f"| {SCORES} | 620 ms | – | 2.00× | 1.55× |" in text


def test_a_missed_dynamodb_target_gets_its_measured_split_and_import_profile() -> None:
    results = _results()
    results["cold"][0]["import_ms"] = {"n": 3, "p50": 330.0}
    results["cold"][0]["first_event_ms"] = {"n": 3, "p50": 270.0}
    results["cold"][2]["import_ms"] = {"n": 3, "p50": 290.0}
    results["cold"][2]["first_event_ms"] = {"n": 3, "p50": 90.0}
    results["importtime"] = {
        SCORES: {"packages_ms": [["orgair", 98.9], ["pydantic", 46.3]], "total_self_ms": 490}
    }

    (line,) = report.dynamodb_causes(results, [row for row in targets(results) if not row["ok"]])

    assert line == (
        f"{SCORES}: imports 330 ms (largest import self times, ms: orgair 98.9, pydantic 46.3), first event "
        "270 ms; the floor 310 ms in all; the floor + its first DynamoDB calls: imports 290 ms, calls 90 ms."
    )
