"""The per-provider circuit breaker: opens on consecutive failures, lets one trial through later."""

from __future__ import annotations

from orgair.llm.breaker import CircuitBreaker


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_it_opens_after_the_threshold_and_half_opens_for_one_trial() -> None:
    ticks = Ticks()
    breaker = CircuitBreaker("openai", threshold=3, open_seconds=30, clock=ticks)
    for _ in range(3):
        assert breaker.allow()
        breaker.record_failure()

    assert breaker.state == "open"
    assert not breaker.allow()
    ticks.now = 30.0
    assert breaker.allow()
    assert not breaker.allow(), "only one trial at a time"
    breaker.record_success()
    after_trial: str = breaker.state
    assert after_trial == "closed"


def on_trial() -> CircuitBreaker:
    """A breaker opened by one failure, its open time over, that has just let its one trial through."""
    ticks = Ticks()
    breaker = CircuitBreaker("openai", threshold=1, open_seconds=10, clock=ticks)
    breaker.record_failure()
    ticks.now = 10.0
    assert breaker.allow()
    return breaker


def test_a_failed_trial_opens_it_again() -> None:
    breaker = on_trial()
    breaker.record_failure()
    assert breaker.state == "open"


def test_an_abandoned_trial_frees_the_slot_without_judging_the_provider() -> None:
    breaker = on_trial()
    breaker.abandon()
    assert breaker.allow()


def test_a_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker("openai", threshold=2)
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state == "closed"
