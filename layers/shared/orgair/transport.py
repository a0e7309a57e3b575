"""The container's one HTTP client for LLM providers: pooled connections, explicit timeouts.

Created on first use and reused by every invocation of a warm container, so TLS handshakes are
paid once. Per-attempt timeouts are passed on each request, bounded by the caller's deadline.
Neutral (it imports no feature package): the LLM gateway and the providers' usage reconciliation
both call providers through it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import httpx

CONNECT_TIMEOUT_SECONDS = 3.0
ANTHROPIC_VERSION: Final = "2023-06-01"
"""The `anthropic-version` header every Anthropic API call sends (Messages and the Admin API)."""


@lru_cache(maxsize=1)
def http_client() -> httpx.Client:
    from orgair.observability import trace_libraries

    trace_libraries("httpx")
    return httpx.Client(
        timeout=httpx.Timeout(20.0, connect=CONNECT_TIMEOUT_SECONDS),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=60),
        follow_redirects=False,
        headers={"User-Agent": "orgair-llm/1"},
    )


def reset_http_client() -> None:
    """Close and forget the client (tests; a SnapStart restore must not reuse pre-snapshot sockets)."""
    if http_client.cache_info().currsize:
        http_client().close()
    http_client.cache_clear()


@dataclass(frozen=True, slots=True)
class Deadline:
    """The instant (monotonic clock) by which every LLM attempt must be over."""

    expires_at: float
    monotonic: Callable[[], float] = time.monotonic

    @classmethod
    def within(
        cls,
        seconds: float,
        *,
        context: Any = None,
        reserve_seconds: float = 3.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> Deadline:
        """At most `seconds` from now, and `reserve_seconds` before the Lambda's own timeout.

        The reserve leaves time to settle the last attempt, store the result and answer.
        """
        budget = seconds
        remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
        if callable(remaining_ms):
            budget = min(budget, int(remaining_ms()) / 1000 - reserve_seconds)
        return cls(expires_at=monotonic() + max(0.0, budget), monotonic=monotonic)

    def remaining(self) -> float:
        return max(0.0, self.expires_at - self.monotonic())
