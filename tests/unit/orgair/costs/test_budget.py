"""Pure budget logic at chosen instants: periods, utilisation, burn-rate forecast, thresholds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from orgair.costs.budget import (
    FORECAST_THRESHOLD,
    admission_ceiling,
    crossed_thresholds,
    day_of,
    forecast,
    next_utc_midnight,
    seconds_until_reset,
    threshold_id,
    utilisation,
)
from support.costs import at


def test_the_period_is_the_utc_day_whatever_the_offset_of_the_instant() -> None:
    from datetime import timedelta, timezone

    late_in_new_york = at("2026-03-03T01:30:00").astimezone(timezone(timedelta(hours=-5)))
    assert day_of(late_in_new_york) == date(2026, 3, 3)
    assert next_utc_midnight(late_in_new_york) == at("2026-03-04T00:00:00")


def test_retry_after_counts_whole_seconds_to_midnight_and_is_never_zero() -> None:
    assert seconds_until_reset(at("2026-03-02T23:59:59.500000")) == 1
    assert seconds_until_reset(at("2026-03-02T00:00:00")) == 86_400


def test_the_admission_ceiling_is_limit_minus_estimate_or_none_when_it_cannot_fit() -> None:
    assert admission_ceiling(100, 30) == 70
    assert admission_ceiling(100, 100) == 0
    assert admission_ceiling(100, 101) is None


def test_utilisation_is_rounded_down_so_a_threshold_is_never_reported_early() -> None:
    assert utilisation(7_999_999, 10_000_000) == Decimal("0.7999")
    assert utilisation(8_000_000, 10_000_000) == Decimal("0.8000")
    assert utilisation(5, None) is None


def test_thresholds_are_fifty_the_configured_level_and_hundred() -> None:
    crossed = crossed_thresholds(
        committed_micros=850, limit_micros=1_000, alert_fraction=Decimal("0.8"), projection=None
    )
    assert crossed == ["50", "80"]
    assert threshold_id(Decimal("0.825")) == "82.5"


def test_the_last_hour_rate_wins_when_spend_accelerates() -> None:
    projection = forecast(
        day=date(2026, 3, 2),
        now=at("2026-03-02T12:00:00"),
        committed_micros=12_000_000,
        settled_micros=12_000_000,
        settled_by_hour={11: 6_000_000},
    )
    assert projection.rate_since_midnight_micros_per_hour == 1_000_000
    assert projection.rate_last_hour_micros_per_hour == 6_000_000
    assert projection.end_of_day_micros == 12_000_000 + 12 * 6_000_000


def test_the_since_midnight_rate_wins_when_spend_slows_down() -> None:
    projection = forecast(
        day=date(2026, 3, 2),
        now=at("2026-03-02T06:30:00"),
        committed_micros=6_500_000,
        settled_micros=6_500_000,
        settled_by_hour={},
    )
    assert projection.end_of_day_micros == 24_000_000


def test_a_past_day_forecasts_what_it_committed() -> None:
    projection = forecast(
        day=date(2026, 3, 1),
        now=at("2026-03-02T06:30:00"),
        committed_micros=5,
        settled_micros=5,
        settled_by_hour={},
    )
    assert projection.end_of_day_micros == 5


def test_the_forecast_alert_waits_for_an_hour_of_data() -> None:
    early = forecast(
        day=date(2026, 3, 2),
        now=at("2026-03-02T00:10:00"),
        committed_micros=100,
        settled_micros=100,
        settled_by_hour={},
    )
    later = forecast(
        day=date(2026, 3, 2),
        now=at("2026-03-02T02:00:00"),
        committed_micros=100,
        settled_micros=100,
        settled_by_hour={},
    )
    limit = 1_000
    assert early.end_of_day_micros > limit
    assert FORECAST_THRESHOLD not in crossed_thresholds(
        committed_micros=100, limit_micros=limit, alert_fraction=Decimal("0.8"), projection=early
    )
    assert FORECAST_THRESHOLD in crossed_thresholds(
        committed_micros=100, limit_micros=limit, alert_fraction=Decimal("0.8"), projection=later
    )
