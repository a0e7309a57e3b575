"""The local runner as most HTTP-level tests use it: one per test module, with an admin key, and a
client that sends that key. A module that needs another runner defines its own `runner` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from support.local_runner import RUNNER_ADMIN_KEY, Runner, local_runner


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    with local_runner(admin_key=RUNNER_ADMIN_KEY) as running:
        yield running


@pytest.fixture(scope="module")
def client(runner: Runner) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {RUNNER_ADMIN_KEY}"}
    with httpx.Client(base_url=runner.url, timeout=60, headers=headers) as session:
        yield session
