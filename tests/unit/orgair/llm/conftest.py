"""The LLM providers as the gateway tests meet them: respx routes on a fresh HTTP client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx
from support.llm import mocked_providers


@pytest.fixture
def provider() -> Iterator[respx.MockRouter]:
    """Every provider call answered by the test's own respx routes (an unrouted call fails)."""
    with mocked_providers() as router:
        yield router
