"""The simulate function's handler module, loaded once per test module (a simulation stores nothing)."""

from __future__ import annotations

from types import ModuleType

import pytest
from support.lambda_events import load_function


@pytest.fixture(scope="module")
def simulate() -> ModuleType:
    return load_function("simulate")
