"""Pure budget logic: scopes, UTC-day periods, utilisation, burn-rate forecast, alert thresholds.

No I/O here, and time always comes from an injected clock, so a day rollover or a forecast can be
tested at any instant without sleeping.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Final

from orgair.costs.money import MONEY_CONTEXT, format_usd
from orgair.errors import BudgetExceeded
from orgair.records.costs import Counter
from orgair.timestamps import rfc3339

Clock = Callable[[], datetime]

GLOBAL_SCOPE: Final = "global"
REQUEST_SCOPE: Final = "request"
TENANT_SCOPE_PREFIX: Final = "tenant:"
EXTERNAL_SCOPE_PREFIX: Final = "external:"
"""Usage a tenant reports itself (`POST /costs`), per tenant and day: never part of `global`."""
GLOBAL_SHARE_SCOPE_PREFIX: Final = "global-share:"
"""A tenant's own LLM calls, per tenant and day: its part of `global`, bounded by
TENANT_GLOBAL_SHARE_PCT of the global limit so no single tenant can use up the shared budget."""
DAY_SECONDS: Final = 86_400
HOUR_SECONDS: Final = 3_600
FORECAST_MIN_ELAPSED_SECONDS: Final = HOUR_SECONDS
"""A forecast from less than an hour of data is mostly noise; it does not raise an alert before then."""
FORECAST_THRESHOLD: Final = "forecast"
UTILISATION_PLACES: Final = Decimal("0.0001")


def utc_now() -> datetime:
    return datetime.now(UTC)


def tenant_scope(tenant_id: str) -> str:
    return TENANT_SCOPE_PREFIX + tenant_id


def external_scope(tenant_id: str) -> str:
    return EXTERNAL_SCOPE_PREFIX + tenant_id


def global_share_scope(tenant_id: str) -> str:
    return GLOBAL_SHARE_SCOPE_PREFIX + tenant_id


def share_limit(global_limit_micros: int, share: Decimal) -> int:
    """A tenant's share of the global limit in micro-USD, rounded down (never above its fraction)."""
    return math.floor(Fraction(global_limit_micros) * Fraction(share))


def day_of(instant: datetime) -> date:
    """The UTC calendar day an instant belongs to (the budget period)."""
    return instant.astimezone(UTC).date()


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def next_utc_midnight(instant: datetime) -> datetime:
    """When today's budgets stop applying: a new day is a new budget item, there is no reset job."""
    return start_of_day(day_of(instant) + timedelta(days=1))


def seconds_until_reset(instant: datetime) -> int:
    """Whole seconds until the next UTC midnight, at least 1 (a `Retry-After` of 0 invites a loop)."""
    remaining = (next_utc_midnight(instant) - instant.astimezone(UTC)).total_seconds()
    return max(1, math.ceil(remaining))


def budget_exceeded(scope: str, limit_micros: int, committed_micros: int, now: datetime) -> BudgetExceeded:
    """The 429 problem: which scope refused, when it resets, and — for the caller's own scopes only
    (`tenant:`, `global-share:`, `external:`, `request`) — its limit and committed amount.

    The `global` scope is shared by every tenant: its committed amount is the sum of other tenants'
    spend, so a refusal there says only that the shared budget is exhausted.
    """
    resets_at = next_utc_midnight(now)
    extensions: dict[str, str] = {"scope": scope}
    if scope == GLOBAL_SCOPE:
        detail = f"The shared daily budget is exhausted; it resets at {rfc3339(resets_at)}."
    else:
        detail = f"The {scope} budget cannot admit this call; it resets at {rfc3339(resets_at)}."
        extensions["limit"] = format_usd(limit_micros)
        extensions["committed"] = format_usd(committed_micros)
    extensions["resets_at"] = rfc3339(resets_at)
    return BudgetExceeded(
        detail, headers={"Retry-After": str(seconds_until_reset(now))}, extensions=extensions
    )


def admission_ceiling(limit_micros: int, estimate_micros: int) -> int | None:
    """The largest `committed` that still admits `estimate` (conditions cannot do arithmetic).

    None means the estimate alone exceeds the limit: refuse without asking the store.
    """
    ceiling = limit_micros - estimate_micros
    return ceiling if ceiling >= 0 else None


def utilisation(committed_micros: int, limit_micros: int | None) -> Decimal | None:
    """committed / limit, 4 places rounded down (never reports a threshold before it is reached)."""
    if limit_micros is None:
        return None
    if limit_micros <= 0:
        return Decimal(1)
    ratio = MONEY_CONTEXT.divide(Decimal(committed_micros), Decimal(limit_micros))
    return ratio.quantize(UTILISATION_PLACES, rounding=ROUND_FLOOR)


def utilisation_text(committed_micros: int, limit_micros: int | None) -> str | None:
    """`utilisation` as the API and the alerts show it (`0.8500`), None without a limit."""
    value = utilisation(committed_micros, limit_micros)
    return None if value is None else format(value, "f")


def available(committed_micros: int, limit_micros: int | None) -> int | None:
    """What a limit still admits (never below zero), None without a limit."""
    return None if limit_micros is None else max(0, limit_micros - committed_micros)


@dataclass(frozen=True, slots=True)
class Forecast:
    """End-of-day spend projected from the larger of the since-midnight and last-hour burn rates."""

    end_of_day_micros: int
    rate_since_midnight_micros_per_hour: int
    rate_last_hour_micros_per_hour: int
    elapsed_seconds: int

    @property
    def mature(self) -> bool:
        return self.elapsed_seconds >= FORECAST_MIN_ELAPSED_SECONDS


def forecast(
    *,
    day: date,
    now: datetime,
    committed_micros: int,
    settled_micros: int,
    settled_by_hour: Mapping[int, int],
) -> Forecast:
    """Project the day's spend (exact rational arithmetic, rounded up once).

    Spend in the last hour is the current hour's settlements, the part of the previous hour's that
    falls within the last 60 minutes (assumed uniform), and every open hold (holds are minutes old).
    """
    day_start = start_of_day(day)
    elapsed = int((now.astimezone(UTC) - day_start).total_seconds())
    if elapsed >= DAY_SECONDS or elapsed <= 0:
        return Forecast(committed_micros, 0, 0, min(max(elapsed, 0), DAY_SECONDS))
    hour = elapsed // HOUR_SECONDS
    into_hour = elapsed - hour * HOUR_SECONDS
    open_holds = max(0, committed_micros - settled_micros)
    previous = settled_by_hour.get(hour - 1, 0) if hour > 0 else 0
    last_hour_spend = Fraction(settled_by_hour.get(hour, 0) + open_holds) + Fraction(
        previous * (HOUR_SECONDS - into_hour), HOUR_SECONDS
    )
    since_midnight_rate = Fraction(committed_micros, elapsed)
    last_hour_rate = last_hour_spend / min(elapsed, HOUR_SECONDS)
    rate = max(since_midnight_rate, last_hour_rate)
    return Forecast(
        end_of_day_micros=committed_micros + math.ceil(rate * (DAY_SECONDS - elapsed)),
        rate_since_midnight_micros_per_hour=math.ceil(since_midnight_rate * HOUR_SECONDS),
        rate_last_hour_micros_per_hour=math.ceil(last_hour_rate * HOUR_SECONDS),
        elapsed_seconds=elapsed,
    )


def counter_forecast(counter: Counter, now: datetime) -> Forecast:
    """The forecast of one scope's day from its counter, at `now`."""
    return forecast(
        day=counter.day,
        now=now,
        committed_micros=counter.committed_micros,
        settled_micros=counter.settled_micros,
        settled_by_hour=counter.settled_by_hour,
    )


def threshold_id(fraction: Decimal) -> str:
    """A utilisation threshold's stable id: its percentage without trailing zeros (`"80"`, `"82.5"`)."""
    percent = (fraction * 100).normalize()
    return format(percent, "f")


def alert_thresholds(alert_fraction: Decimal) -> tuple[Decimal, ...]:
    """50 %, the configured alert level and 100 %, ascending and without duplicates."""
    return tuple(sorted({Decimal("0.5"), alert_fraction, Decimal(1)}))


def crossed_thresholds(
    *,
    committed_micros: int,
    limit_micros: int,
    alert_fraction: Decimal,
    projection: Forecast | None,
) -> list[str]:
    """Every threshold the scope has reached, including the forecast alert once the forecast is mature."""
    crossed = [
        threshold_id(fraction)
        for fraction in alert_thresholds(alert_fraction)
        if Decimal(committed_micros) >= MONEY_CONTEXT.multiply(fraction, Decimal(limit_micros))
    ]
    if projection is not None and projection.mature and projection.end_of_day_micros > limit_micros:
        crossed.append(FORECAST_THRESHOLD)
    return crossed
