"""What the stand-in does instead of answering: the next N failures, and a latency for every call.

Set at start (`--fail 429:2,openai/hang`, `LOCAL_LLM_FAIL`) or while running (`POST /_control`).
Each failure is taken by the first call of a matching provider, in the order given.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final, Literal, cast

Mode = Literal["429", "5xx", "hang", "malformed", "truncated", "invalid"]
ProviderName = Literal["openai", "anthropic"]
MODES: Final[tuple[Mode, ...]] = ("429", "5xx", "hang", "malformed", "truncated", "invalid")
PROVIDERS: Final[tuple[ProviderName, ...]] = ("openai", "anthropic")
MAX_COUNT: Final = 1_000
MAX_PENDING: Final = 100
MAX_LATENCY_MS: Final = 60_000
MAX_HANG_SECONDS: Final = 600.0
MAX_RETRY_AFTER_SECONDS: Final = 3_600
DEFAULT_HANG_SECONDS: Final = 30.0
SERVER_ERROR_STATUSES: Final = frozenset({500, 502, 503, 504, 529})
MODE_HELP: Final = (
    "429 (rate limited, with retry-after), 5xx (server error; status 500/502/503/504/529), "
    "hang (no answer until the client gives up), malformed (200 with a body that is not JSON), "
    "truncated (the connection closes mid-body), invalid (a well-formed reply whose JSON answer does "
    "not match the requested schema)"
)


class FaultSpecError(ValueError):
    """A failure specification the stand-in cannot follow (the message names the bad part)."""


@dataclass(slots=True)
class Fault:
    mode: Mode
    count: int = 1
    provider: ProviderName | None = None
    status: int = 500
    retry_after: int = 1
    hang_seconds: float = DEFAULT_HANG_SECONDS

    def matches(self, provider: ProviderName) -> bool:
        return self.provider is None or self.provider == provider

    def view(self) -> dict[str, Any]:
        return asdict(self)


def _bounded_int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultSpecError(f"{name} must be an integer from {low} to {high}")
    return value


def fault_from_json(raw: Any) -> Fault:
    """One failure from the control route's JSON: {"mode": "429", "count": 2, "provider": "openai", ...}."""
    if not isinstance(raw, Mapping):
        raise FaultSpecError("each failure must be an object")
    unknown = set(raw) - {"mode", "count", "provider", "status", "retry_after", "hang_seconds"}
    if unknown:
        raise FaultSpecError(f"unknown failure field(s): {', '.join(sorted(unknown))}")
    mode = raw.get("mode")
    if mode not in MODES:
        raise FaultSpecError(f"mode must be one of: {', '.join(MODES)}")
    provider = raw.get("provider")
    if provider is not None and provider not in PROVIDERS:
        raise FaultSpecError(f"provider must be one of: {', '.join(PROVIDERS)}")
    status = _bounded_int(raw.get("status", 500), "status", 500, 599)
    if status not in SERVER_ERROR_STATUSES:
        raise FaultSpecError(f"status must be one of: {', '.join(map(str, sorted(SERVER_ERROR_STATUSES)))}")
    hang = raw.get("hang_seconds", DEFAULT_HANG_SECONDS)
    if isinstance(hang, bool) or not isinstance(hang, int | float) or not 0 < hang <= MAX_HANG_SECONDS:
        raise FaultSpecError(f"hang_seconds must be a number above 0 and at most {MAX_HANG_SECONDS:g}")
    return Fault(
        mode=cast(Mode, mode),
        count=_bounded_int(raw.get("count", 1), "count", 1, MAX_COUNT),
        provider=cast(ProviderName | None, provider),
        status=status,
        retry_after=_bounded_int(raw.get("retry_after", 1), "retry_after", 0, MAX_RETRY_AFTER_SECONDS),
        hang_seconds=float(hang),
    )


def parse_fault_spec(
    text: str, *, retry_after: int = 1, hang_seconds: float = DEFAULT_HANG_SECONDS
) -> list[Fault]:
    """`[provider/]mode[:count]`, comma-separated: `429:2`, `openai/5xx:3`, `anthropic/hang`, `503:1`."""
    faults: list[Fault] = []
    for part in (item.strip() for item in text.split(",")):
        if not part:
            continue
        provider: str | None = None
        if "/" in part:
            provider, part = part.split("/", 1)
        mode, _, count_text = part.partition(":")
        raw: dict[str, Any] = {"retry_after": retry_after, "hang_seconds": hang_seconds}
        if mode.isdigit() and mode != "429":
            raw.update(mode="5xx", status=int(mode))
        else:
            raw["mode"] = mode
        if provider is not None:
            raw["provider"] = provider
        if count_text:
            if not count_text.isdigit():
                raise FaultSpecError(f"{part!r}: the count after ':' must be a whole number")
            raw["count"] = int(count_text)
        try:
            faults.append(fault_from_json(raw))
        except FaultSpecError as error:
            raise FaultSpecError(f"{part!r}: {error}") from None
    return faults


@dataclass
class FaultPlan:
    """Thread-safe: pending failures, the latency added to every call, and what happened so far."""

    latency_ms: int = 0
    pending: list[Fault] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    injected: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, faults: list[Fault]) -> None:
        with self._lock:
            if len(self.pending) + len(faults) > MAX_PENDING:
                raise FaultSpecError(f"at most {MAX_PENDING} pending failure entries")
            self.pending.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self.pending.clear()

    def set_latency(self, milliseconds: Any) -> None:
        value = _bounded_int(milliseconds, "latency_ms", 0, MAX_LATENCY_MS)
        with self._lock:
            self.latency_ms = value

    def take(self, provider: ProviderName) -> Fault | None:
        """Count a call of `provider` and return the failure it must suffer, if one is pending."""
        with self._lock:
            self.calls[provider] = self.calls.get(provider, 0) + 1
            for index, fault in enumerate(self.pending):
                if fault.matches(provider):
                    fault.count -= 1
                    if fault.count == 0:
                        del self.pending[index]
                    self.injected[fault.mode] = self.injected.get(fault.mode, 0) + 1
                    return Fault(**{**asdict(fault), "count": 1})
            return None

    def view(self) -> dict[str, Any]:
        with self._lock:
            return {
                "latency_ms": self.latency_ms,
                "pending": [fault.view() for fault in self.pending],
                "calls": dict(self.calls),
                "injected": dict(self.injected),
            }
