"""A deployment whose scoring settings cannot work never starts: the local runner, which builds the
settings as every Lambda container does at init, refuses to start with one line naming the setting."""

from __future__ import annotations

import pytest
from support.local_runner import runner_environment
from support.python_runs import run_python

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("baselines", "named"),
    [
        ('{"technology": 170.25}', "SECTOR_HR_BASELINES.technology"),
        ('{"aerospace": 50}', "SECTOR_HR_BASELINES.aerospace"),
        ('{"technology": 70', "SECTOR_HR_BASELINES"),
    ],
)
def test_an_invalid_sector_baseline_table_stops_startup_with_one_line_naming_it(
    baselines: str, named: str
) -> None:
    environment = runner_environment(SECTOR_HR_BASELINES=baselines)

    completed = run_python("-m", "devtools.localrun", "serve", env=environment, timeout=30)

    assert completed.returncode != 0
    assert "Ready:" not in completed.stdout
    (line,) = [line for line in completed.stderr.splitlines() if "invalid configuration" in line]
    assert f"{named}:" in line
    assert "170.25" not in completed.stderr
