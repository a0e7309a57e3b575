"""A ledger over the embedded DynamoDB with an injected clock."""

from __future__ import annotations

from typing import Any

import pytest
from orgair.costs.ledger import CostLedger
from support.costs import FakeClock, at, cost_settings

from devtools.embedded_dynamodb import EmbeddedDynamoDB


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(at("2026-03-02T10:00:00"))


@pytest.fixture
def make_ledger(dynamodb: EmbeddedDynamoDB, clock: FakeClock) -> Any:
    def build(**overrides: Any) -> CostLedger:
        return CostLedger(cost_settings(**overrides), clock=clock)

    return build


@pytest.fixture
def ledger(make_ledger: Any) -> CostLedger:
    built: CostLedger = make_ledger()
    return built
