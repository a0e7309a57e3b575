"""Shared request payloads for the scoring tests (plain dicts, as decoded from JSON)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Payload = dict[str, Any]

WORKED_DIMENSIONS: dict[str, int] = {
    "data_infrastructure": 80,
    "ai_governance": 75,
    "technology_stack": 85,
    "talent": 82,
    "leadership": 78,
    "use_case_portfolio": 70,
    "culture": 72,
}


@pytest.fixture
def worked_example() -> Callable[..., Payload]:
    """The specification's worked example as a request body, with optional field changes."""

    def build(**changes: Any) -> Payload:
        payload: Payload = {
            "company_id": "acme-1",
            "sector": "technology",
            "dimensions": dict(WORKED_DIMENSIONS),
            "talent_concentration": 0.12,
            "market_cap_percentile": 0.95,
            "alignment": 0.8,
            "timing_factor": 1.0,
            "evidence_count": 10,
            "confidence_level": 0.95,
        }
        payload.update(changes)
        return payload

    return build


@pytest.fixture
def minimal() -> Callable[..., Payload]:
    """A request with only the required fields; `dims=` sets every dimension to one value."""

    def build(dims: object = 50, **changes: Any) -> Payload:
        payload: Payload = {
            "company_id": "c1",
            "sector": "retail",
            "dimensions": dict.fromkeys(WORKED_DIMENSIONS, dims),
        }
        payload.update(changes)
        return payload

    return build
