"""Per-tenant request limits, as API Gateway applies the template's usage plan.

An API whose `ApiKeySourceType` is AUTHORIZER and whose `Auth.ApiKeyRequired` is true takes the
API key of each authorized request from the authorizer's `usageIdentifierKey`: an answer without
one is refused (INVALID_API_KEY, 403), and each key gets its own token bucket (rate, burst) and
daily quota (resets at midnight UTC). Past the bucket the request is THROTTLED, past the quota
QUOTA_EXCEEDED, both 429 with Retry-After. Deployed, the numbers are the usage plan's (template
parameters TenantRateLimit, TenantBurstLimit, TenantDailyQuota); locally they come from the same
settings (TENANT_RATE_LIMIT_PER_SECOND, TENANT_BURST_LIMIT, TENANT_DAILY_QUOTA), whose defaults
equal the parameters' defaults (a test holds them together), so `TENANT_BURST_LIMIT=2 make run`
tries the limits out. Public routes run no authorizer and are not metered, as deployed.

Every local usage key is treated as provisioned: there is no API Gateway key list to check it against.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from devtools.template import Template
from devtools.template_specs import StageSpec

RefusalKind = Literal["THROTTLED", "QUOTA_EXCEEDED"]
MAX_TENANTS = 10_000


@dataclass(frozen=True, slots=True)
class TenantLimits:
    rate_per_second: float
    burst: int
    daily_quota: int

    @classmethod
    def from_settings(cls) -> TenantLimits:
        """The limits of the service's settings (the process environment the functions run with)."""
        from orgair.settings import get_settings

        settings = get_settings()
        return cls(
            rate_per_second=float(settings.TENANT_RATE_LIMIT_PER_SECOND),
            burst=settings.TENANT_BURST_LIMIT,
            daily_quota=settings.TENANT_DAILY_QUOTA,
        )


@dataclass(frozen=True, slots=True)
class Refusal:
    kind: RefusalKind
    retry_after_seconds: int


class TokenBucket:
    """A stage's MethodSettings throttle for one method (rate per second, burst)."""

    __slots__ = ("burst", "rate", "tokens", "updated")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class _Usage:
    """One usage key's token bucket and today's request count."""

    __slots__ = ("count", "day", "tokens", "updated")

    def __init__(self, burst: int, now: float, day: str) -> None:
        self.tokens = float(burst)
        self.updated = now
        self.day = day
        self.count = 0


class TenantThrottle:
    """Token bucket and daily quota per usage key; thread-safe (the HTTP front is threaded)."""

    def __init__(
        self,
        limits: TenantLimits,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._wall_clock = wall_clock
        self._usage: dict[str, _Usage] = {}
        self._lock = threading.Lock()

    def admit(self, usage_key: str) -> Refusal | None:
        """Count one request of this key: None when served, else why not and when to retry."""
        now = self._clock()
        today = self._wall_clock().astimezone(UTC)
        day = today.date().isoformat()
        limits = self.limits
        with self._lock:
            usage = self._usage.get(usage_key)
            if usage is None:
                if len(self._usage) >= MAX_TENANTS:
                    self._usage.clear()
                usage = self._usage[usage_key] = _Usage(limits.burst, now, day)
            usage.tokens = min(
                float(limits.burst), usage.tokens + (now - usage.updated) * limits.rate_per_second
            )
            usage.updated = now
            if usage.day != day:
                usage.day, usage.count = day, 0
            if usage.count >= limits.daily_quota:
                midnight = datetime.combine(today.date() + timedelta(days=1), datetime.min.time(), UTC)
                return Refusal("QUOTA_EXCEEDED", max(1, math.ceil((midnight - today).total_seconds())))
            if usage.tokens < 1:
                wait = (1 - usage.tokens) / limits.rate_per_second
                return Refusal("THROTTLED", max(1, math.ceil(wait)))
            usage.tokens -= 1
            usage.count += 1
            return None


def requires_usage_key(template: Template, api_id: str) -> bool:
    """Whether API Gateway takes this API's keys from the authorizer and requires one on its routes."""
    properties: dict[str, Any] = dict(template.raw.get("Globals", {}).get("Api", {}) or {})
    properties.update(template.resources.get(api_id, {}).get("Properties", {}) or {})
    source = str(template.resolve(properties.get("ApiKeySourceType", "HEADER"))).upper()
    auth = properties.get("Auth", {}) or {}
    return source == "AUTHORIZER" and template.resolve(auth.get("ApiKeyRequired", False)) is True


def method_bucket(stage: StageSpec, resource: str, method: str) -> TokenBucket | None:
    """The most specific MethodSettings throttle for a method (`/~1path/GET` beats `/*` + `*`)."""
    encoded = "/" + resource.replace("~", "~0").replace("/", "~1")
    applicable = [setting for setting in stage.method_settings if setting.http_method in (method, "*")]
    ordered = [setting for setting in applicable if setting.resource_path == encoded] + [
        setting for setting in applicable if setting.resource_path == "/*"
    ]
    throttled = [
        setting for setting in ordered if setting.rate_limit is not None or setting.burst_limit is not None
    ]
    if not throttled:
        return None
    chosen = throttled[0]
    rate = chosen.rate_limit if chosen.rate_limit is not None else 10_000.0
    burst = chosen.burst_limit if chosen.burst_limit is not None else 5_000
    return TokenBucket(rate, burst)
