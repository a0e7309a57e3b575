"""The FOCUS export of closed days to S3 (CSV and Parquet), checked against the ledger first.

A day is exported only once it is closed (`EXPORT_CLOSE_DELAY_SECONDS` after its UTC midnight and
with no hold of it still open), and only when the export's BilledCost equals the sum of the day's
ledger lines to the micro-dollar. Objects: `focus/v1.0/billing_period=<day>/orgair-focus-<day>.csv`
and `.parquet`; the same lines give the same bytes, so a re-export overwrites with identical objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final, Protocol

from orgair.costs.budget import day_of, start_of_day
from orgair.costs.focus import FOCUS_VERSION, billed_total, focus_rows, to_csv, to_parquet
from orgair.costs.ledger import CostLedger
from orgair.errors import DependencyUnavailable, FieldError, ValidationFailed
from orgair.observability import logger

MAX_RANGE_DAYS: Final = 31
PREFIX: Final = f"focus/v{FOCUS_VERSION}"


class ObjectStore(Protocol):
    def put_object(self, **kwargs: Any) -> Any: ...


class LedgerMismatch(RuntimeError):
    """The export's BilledCost differs from the ledger's total: nothing is written."""


@dataclass(frozen=True, slots=True)
class DayExport:
    day: date
    lines: int
    rows: int
    corrections: int
    billed_micros: int
    ledger_micros: int
    objects: dict[str, str]
    """key → SHA-256 of the object's bytes."""


def object_key(day: date, extension: str) -> str:
    return f"{PREFIX}/billing_period={day.isoformat()}/orgair-focus-{day.isoformat()}.{extension}"


SCHEDULED_EVENT: Final = "Scheduled Event"
ON_DEMAND: Final = '{"day": "2026-03-01"} or {"from": "2026-03-01", "to": "2026-03-07"}'


def requested_days(event: object, now: datetime) -> list[date]:
    """EventBridge's `Scheduled Event` (the schedule): yesterday. On demand, exactly `{"day": ...}`
    or `{"from": ..., "to": ...}` (inclusive, 1 to 31 days); any other event is refused, so a
    mistyped on-demand request never exports a day nobody asked for."""
    if not isinstance(event, dict):
        raise ValidationFailed(
            f"The event must be an object: {ON_DEMAND}.", errors=[FieldError("event", "an object")]
        )
    if event.get("detail-type") == SCHEDULED_EVENT:
        return [day_of(now) - timedelta(days=1)]

    def parse(name: str) -> date:
        raw = event.get(name)
        try:
            if not isinstance(raw, str) or len(raw) > len("2026-03-01"):
                raise ValueError(name)
            return date.fromisoformat(raw)
        except ValueError:
            raise ValidationFailed(
                f"{name} must be a date like 2026-03-01.", errors=[FieldError(name, "YYYY-MM-DD")]
            ) from None

    keys = set(event)
    if keys == {"day"}:
        return [parse("day")]
    if keys == {"from", "to"}:
        first, last = parse("from"), parse("to")
        span = (last - first).days + 1
        if not 1 <= span <= MAX_RANGE_DAYS:
            raise ValidationFailed(
                f"A range is 1 to {MAX_RANGE_DAYS} days, from <= to.",
                errors=[FieldError("to", f"within {MAX_RANGE_DAYS} days on or after from")],
            )
        return [first + timedelta(days=offset) for offset in range(span)]
    given = sorted(str(key) for key in keys)
    unexpected = [key for key in given if key not in {"day", "from", "to"}]
    raise ValidationFailed(
        f"An on-demand export is {ON_DEMAND}; got the keys {given}.",
        errors=[FieldError(unexpected[0] if unexpected else "event", "not an export request")],
    )


class FocusExport:
    def __init__(self, ledger: CostLedger, objects: ObjectStore, bucket: str) -> None:
        self.ledger = ledger
        self.store = ledger.store
        self.objects = objects
        self.bucket = bucket

    def require_closed(self, day: date, now: datetime) -> None:
        closes_at = start_of_day(day) + timedelta(
            days=1, seconds=self.ledger.settings.EXPORT_CLOSE_DELAY_SECONDS
        )
        if now < closes_at:
            raise ValidationFailed(
                f"{day.isoformat()} is not closed before {closes_at.isoformat()}.",
                errors=[FieldError("day", "must be a closed day")],
            )
        if any(True for _ in self.store.open_holds(day)):
            raise DependencyUnavailable(
                f"{day.isoformat()} still has open holds; the budget check settles them.",
                retry_after_seconds=900,
            )

    def export_day(self, day: date) -> DayExport:
        self.require_closed(day, self.ledger.clock())
        lines = self.store.day_lines(day)
        rows = focus_rows(lines, day, self.ledger.prices)
        billed = billed_total(rows)
        ledger_total = sum(line.cost_micros for line in lines)
        if billed != ledger_total:
            raise LedgerMismatch(f"{day}: FOCUS BilledCost {billed} µUSD != ledger {ledger_total} µUSD")
        account = self.ledger.settings.EXPORT_BILLING_ACCOUNT_ID
        bodies = {
            object_key(day, "csv"): (to_csv(rows, account, account), "text/csv; charset=utf-8"),
            object_key(day, "parquet"): (
                to_parquet(rows, account, account),
                "application/vnd.apache.parquet",
            ),
        }
        digests: dict[str, str] = {}
        for key, (body, content_type) in bodies.items():
            self.objects.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
            )
            digests[key] = hashlib.sha256(body).hexdigest()
        result = DayExport(
            day=day,
            lines=len(lines),
            rows=len(rows),
            corrections=sum(1 for line in lines if line.kind == "correction"),
            billed_micros=billed,
            ledger_micros=ledger_total,
            objects=digests,
        )
        logger.info(
            "FOCUS export written",
            extra={
                "day": day.isoformat(),
                "lines": result.lines,
                "rows": result.rows,
                "billed_micro_usd": billed,
                "objects": digests,
            },
        )
        return result

    def export(self, days: Sequence[date]) -> list[DayExport]:
        return [self.export_day(day) for day in days]
