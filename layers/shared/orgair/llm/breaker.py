"""A circuit breaker per provider, per container: stop calling a provider that keeps failing.

After `threshold` consecutive failures the circuit opens for `open_seconds`; then one trial call is
let through (half-open) and its outcome closes or re-opens the circuit. State is per container on
purpose: it costs nothing to keep and a cold container simply starts closed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

State = Literal["closed", "open", "half_open"]


@dataclass
class CircuitBreaker:
    name: str
    threshold: int = 5
    open_seconds: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _failures: int = 0
    _opened_at: float | None = None
    _trial_in_flight: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self.clock() - self._opened_at >= self.open_seconds:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """Whether a call may go out now (in half-open state, only one trial at a time)."""
        with self._lock:
            state = self.state
            if state == "closed":
                return True
            if state == "half_open" and not self._trial_in_flight:
                self._trial_in_flight = True
                return True
            return False

    def abandon(self) -> None:
        """The permitted call never reached the provider (e.g. over budget): free the trial slot."""
        with self._lock:
            self._trial_in_flight = False

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_in_flight = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_in_flight or self._failures >= self.threshold:
                self._opened_at = self.clock()
            self._trial_in_flight = False


class BreakerRegistry:
    """One breaker per provider name."""

    def __init__(
        self, threshold: int = 5, open_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic
    ):
        self._threshold = threshold
        self._open_seconds = open_seconds
        self._clock = clock
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()

    def get(self, provider: str) -> CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(provider)
            if breaker is None:
                breaker = CircuitBreaker(provider, self._threshold, self._open_seconds, self._clock)
                self._breakers[provider] = breaker
            return breaker


_container_breakers = BreakerRegistry()


def container_breakers() -> BreakerRegistry:
    return _container_breakers
