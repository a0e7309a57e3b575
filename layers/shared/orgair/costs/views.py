"""The cost API's request and response shapes: money as 6-place strings, days as UTC dates.

Kept in the layer so the function only adapts events, and so the OpenAPI document and the tests see
the same models the handlers return.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orgair import response_examples as ex
from orgair.costs.alerts import alert_payload
from orgair.costs.budget import day_of
from orgair.costs.check import CheckReport
from orgair.costs.money import format_usd
from orgair.costs.pricing import Usage
from orgair.costs.reported import UsageReport
from orgair.costs.tenant_costs import CostSummary, EntriesPage
from orgair.errors import FieldError, ValidationFailed
from orgair.jsontypes import IsoDay
from orgair.models.scores import DegradedView
from orgair.records.costs import AlertRecord, LedgerLine
from orgair.timestamps import Timestamp, rfc3339

Money = str
"""A USD amount as a decimal string with exactly 6 places, e.g. "12.345678"."""


class UsageReportBody(BaseModel):
    """`POST /costs`: usage another service paid a provider for, priced here from our table."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "provider": "openai",
                    "model": "gpt-4o-2024-08-06",
                    "input_tokens": 1200,
                    "output_tokens": 350,
                    "purpose": "research.summary",
                }
            ]
        },
    )

    provider: Literal["openai", "anthropic"]
    model: str = Field(min_length=1, max_length=100, examples=["gpt-4o-2024-08-06"])
    input_tokens: int = Field(strict=True, ge=0, le=100_000_000, description="Uncached input tokens.")
    cached_input_tokens: int = Field(strict=True, default=0, ge=0, le=100_000_000)
    cache_write_tokens: int = Field(strict=True, default=0, ge=0, le=100_000_000)
    output_tokens: int = Field(strict=True, ge=0, le=100_000_000)
    purpose: str = Field(default="external", pattern=r"^[a-z0-9_.:-]{1,64}$")
    parent_request_id: str | None = Field(default=None, min_length=1, max_length=128)

    def report(self) -> UsageReport:
        return UsageReport(
            provider=self.provider,
            model=self.model,
            usage=Usage(
                input_tokens=self.input_tokens,
                cached_input_tokens=self.cached_input_tokens,
                cache_write_tokens=self.cache_write_tokens,
                output_tokens=self.output_tokens,
            ),
            purpose=self.purpose,
            parent_request_id=self.parent_request_id,
        )


class LedgerEntry(BaseModel):
    call_id: str
    timestamp: Timestamp
    date: IsoDay
    provider: str
    model: str
    attempt: int
    input_tokens: int
    cached_input_tokens: int
    cache_write_tokens: int
    output_tokens: int
    cost: Money
    cost_micro_usd: int
    pricing_version: str
    status: Literal["settled", "uncertain"]
    anomalous: bool = Field(
        default=False,
        description="The provider reported usage above the reservation; the line is settled at the reservation.",
    )
    outcome: str
    source: Literal["gateway", "external"]
    purpose: str
    correlation_id: str
    request_id: str
    parent_request_id: str
    kind: Literal["charge", "correction"] = Field(
        default="charge",
        description=(
            "`charge`: a call's cost. `correction`: appended after a late price change to restate the "
            "line named by `corrects` at `price_row_id`; its cost is the difference (may be negative) "
            "and its tokens are the corrected line's, not new consumption."
        ),
    )
    corrects: str | None = Field(
        default=None,
        description="A correction's target: the ledger key of the charge line it restates; null on a charge.",
    )
    price_row_id: str | None = Field(
        default=None,
        description=(
            "The price row that priced the line, `<model>@<effective_from>` (null on lines written "
            "before price rows had ids)."
        ),
        examples=["gpt-4o-2024-08-06@2025-11-24T00:00:00Z"],
    )
    degraded: DegradedView | None = Field(
        default=None,
        description=(
            "Set when the call was routed to the cheaper DEGRADED_LLM_MODEL instead of "
            "`requested_model`, and why; null otherwise."
        ),
    )

    @classmethod
    def of(cls, line: LedgerLine) -> LedgerEntry:
        return cls(
            call_id=line.call_id,
            timestamp=rfc3339(line.timestamp),
            date=line.day.isoformat(),
            provider=line.provider,
            model=line.model,
            attempt=line.meta.attempt,
            input_tokens=line.usage.input_tokens,
            cached_input_tokens=line.usage.cached_input_tokens,
            cache_write_tokens=line.usage.cache_write_tokens,
            output_tokens=line.usage.output_tokens,
            cost=format_usd(line.cost_micros),
            cost_micro_usd=line.cost_micros,
            pricing_version=line.pricing_version,
            status=line.status,
            anomalous=line.anomalous,
            outcome=line.outcome,
            source=line.source,
            purpose=line.meta.purpose,
            correlation_id=line.meta.correlation_id,
            request_id=line.meta.request_id,
            parent_request_id=line.meta.parent_request_id,
            kind=line.kind,
            corrects=line.corrects,
            price_row_id=line.price_row_id,
            degraded=DegradedView.of(line.meta.degradation),
        )


class UsageRecorded(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"entry": ex.LEDGER_ENTRY, "replayed": False}]})

    entry: LedgerEntry
    replayed: bool


class ModelSpendView(BaseModel):
    model: str
    provider: str
    calls: int
    uncertain_calls: int
    cost: Money
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int


class GlobalShareView(BaseModel):
    """The tenant's own LLM calls as a part of the global daily budget, and the most of it they may
    take (TENANT_GLOBAL_SHARE_PCT of the global limit). Only the tenant's own figures: what other
    tenants spend is never shown."""

    scope: str = Field(examples=["global-share:acme"])
    committed: Money
    settled: Money
    held: Money
    limit: Money | None = Field(
        description="The tenant's share of the global limit; null for an earlier day without calls."
    )
    utilisation: str | None = Field(description="committed / limit, 4 places rounded down.")


class CostSummaryView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.COST_SUMMARY]})

    date: IsoDay
    scope: str
    currency: Literal["USD"] = "USD"
    committed: Money
    settled: Money
    held: Money
    limit: Money | None
    utilisation: str | None = Field(
        description="committed / limit, 4 places rounded down; null without a limit."
    )
    forecast: Money = Field(description="Projected end-of-day committed amount (burn rate).")
    resets_at: Timestamp
    pricing_version: str
    by_model: list[ModelSpendView]
    global_share: GlobalShareView

    @classmethod
    def of(cls, summary: CostSummary) -> CostSummaryView:
        counter = summary.counter
        share = summary.global_share
        return cls(
            date=summary.day.isoformat(),
            scope=summary.scope,
            committed=format_usd(counter.committed_micros),
            settled=format_usd(counter.settled_micros),
            held=format_usd(counter.held_micros),
            limit=format_usd(summary.limit_micros) if summary.limit_micros is not None else None,
            utilisation=summary.utilisation,
            forecast=format_usd(summary.projection.end_of_day_micros),
            resets_at=rfc3339(summary.resets_at),
            pricing_version=summary.pricing_version,
            by_model=[
                ModelSpendView(
                    model=spend.model,
                    provider=spend.provider,
                    calls=spend.calls,
                    uncertain_calls=spend.uncertain_calls,
                    cost=format_usd(spend.cost_micros),
                    input_tokens=spend.input_tokens,
                    cached_input_tokens=spend.cached_input_tokens,
                    output_tokens=spend.output_tokens,
                )
                for spend in summary.by_model
            ],
            global_share=GlobalShareView(
                scope=share.counter.scope,
                committed=format_usd(share.counter.committed_micros),
                settled=format_usd(share.counter.settled_micros),
                held=format_usd(share.counter.held_micros),
                limit=format_usd(share.limit_micros) if share.limit_micros is not None else None,
                utilisation=share.utilisation,
            ),
        )


class EntriesView(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"date": ex.DAY, "items": [ex.LEDGER_ENTRY], "next_cursor": None}]}
    )

    date: IsoDay
    items: list[LedgerEntry]
    next_cursor: str | None

    @classmethod
    def of(cls, page: EntriesPage) -> EntriesView:
        return cls(
            date=page.day.isoformat(),
            items=[LedgerEntry.of(line) for line in page.lines],
            next_cursor=page.next_cursor,
        )


class AlertView(BaseModel):
    scope: str
    date: IsoDay
    threshold: str
    kind: Literal["utilisation", "forecast"]
    utilisation: str | None
    committed: Money
    limit: Money
    forecast: Money | None
    claimed_at: Timestamp
    published_at: Timestamp | None

    @classmethod
    def of(cls, alert: AlertRecord) -> AlertView:
        return cls.model_validate(alert_payload(alert))


class AlertsView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.ALERTS]})

    date: IsoDay
    items: list[AlertView]


class CheckSummary(BaseModel):
    """What one budget-check run did (the scheduled function's result)."""

    date: IsoDay
    scopes_checked: int
    alerts_published: list[str]
    alerts_failed: list[str]
    uncertain_settlements: int
    open_holds: int

    @classmethod
    def of(cls, report: CheckReport) -> CheckSummary:
        def name(alert: AlertRecord) -> str:
            return f"{alert.scope}:{alert.day.isoformat()}:{alert.threshold}"

        return cls(
            date=report.day.isoformat(),
            scopes_checked=len(report.scopes),
            alerts_published=[name(alert) for alert in report.published],
            alerts_failed=[name(alert) for alert in report.failed],
            uncertain_settlements=len(report.settled_uncertain),
            open_holds=report.open_holds,
        )


def parse_day(text: str | None, now: datetime) -> date:
    """A `date` query parameter (YYYY-MM-DD, UTC) from 2000-01-01 to tomorrow; today when absent.

    Days outside that range hold no spend, and one near the calendar's end would overflow the
    day arithmetic behind every view (a 500), so they are a 422 naming `date`.
    """
    if text is None or text == "":
        return day_of(now)
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            "date must be a UTC calendar day, YYYY-MM-DD.",
            errors=[FieldError("date", "expected YYYY-MM-DD")],
        ) from None
    latest = date.fromordinal(day_of(now).toordinal() + 1)
    if not date(2000, 1, 1) <= day <= latest:
        raise ValidationFailed(
            f"date must be a day from 2000-01-01 to {latest.isoformat()}.",
            errors=[FieldError("date", f"expected a day from 2000-01-01 to {latest.isoformat()}")],
        )
    return day
