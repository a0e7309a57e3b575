"""The runner's LOCAL_CONCURRENCY setting: a default, per-function limits, and refusals that name the problem."""

from __future__ import annotations

import pytest

from devtools.localrun.functions import DEFAULT_CONCURRENCY
from devtools.localrun.startup import StartupError, concurrency_setting

FUNCTIONS = ("ScoresFunction", "HealthFunction")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", (DEFAULT_CONCURRENCY, {})),
        ("4", (4, {})),
        ("ScoresFunction=2", (DEFAULT_CONCURRENCY, {"ScoresFunction": 2})),
        (" 3 , HealthFunction=20,ScoresFunction=1 ", (3, {"HealthFunction": 20, "ScoresFunction": 1})),
    ],
)
def test_local_concurrency_sets_the_default_and_per_function_limits(
    raw: str, expected: tuple[int, dict[str, int]]
) -> None:
    assert concurrency_setting(raw, FUNCTIONS) == expected


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("NoSuchFunction=2", "'NoSuchFunction' names no function"),
        ("ScoresFunction=two", "'two' is not a whole number"),
        ("0", "0 is not from 1 to 1000"),
        ("HealthFunction=1001", "1001 is not from 1 to 1000"),
    ],
)
def test_a_bad_local_concurrency_stops_startup_naming_the_problem(raw: str, named: str) -> None:
    with pytest.raises(StartupError, match=named):
        concurrency_setting(raw, FUNCTIONS)
