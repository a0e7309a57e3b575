"""The operator's budget views (`GET /costs/budgets/...`, admin scope): money as 6-place strings.

Both stages serve the same models (cost views do not depend on the parameter version).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orgair import response_examples as ex
from orgair.costs.admin import GlobalBudgetStatus, TenantBudgetPage, TenantBudgetStatus
from orgair.costs.money import format_usd
from orgair.costs.views import GlobalShareView, Money
from orgair.jsontypes import IsoDay
from orgair.records.costs import BudgetChange
from orgair.timestamps import Timestamp, rfc3339


def _money(micros: int | None) -> Money | None:
    return None if micros is None else format_usd(micros)


class TenantShareView(BaseModel):
    """One tenant's own LLM calls today as a part of the global budget."""

    tenant_id: str = Field(examples=["acme"])
    scope: str = Field(examples=["global-share:acme"])
    committed: Money = Field(examples=["12.500000"])
    share_of_global: str | None = Field(
        description="committed / the global limit, 4 places rounded down; null without a limit.",
        examples=["0.0250"],
    )


class GlobalBudgetView(BaseModel):
    """The global daily budget: every tenant's LLM calls through this service, against
    DAILY_COST_BUDGET_USD (template parameter DailyCostBudgetUsd)."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.GLOBAL_BUDGET]})

    date: IsoDay = Field(examples=["2026-03-02"])
    scope: Literal["global"] = "global"
    currency: Literal["USD"] = "USD"
    limit: Money | None = Field(
        description="Today: the configured limit. An earlier day: the limit its admissions recorded "
        "(null when nothing was admitted that day).",
        examples=["500.000000"],
    )
    committed: Money = Field(description="Settled plus held: what admission counts.", examples=["42.123456"])
    settled: Money = Field(description="The ledger lines of the day's calls.", examples=["41.000000"])
    held: Money = Field(
        description="Open reservations (worst cases of calls in flight or not yet settled).",
        examples=["1.123456"],
    )
    available: Money | None = Field(
        description="limit - committed, never below 0; null without a limit.", examples=["457.876544"]
    )
    utilisation: str | None = Field(
        description="committed / limit, 4 places rounded down.", examples=["0.0842"]
    )
    forecast: Money = Field(
        description="Projected end-of-day committed amount: committed + the larger of the "
        "since-midnight and last-hour burn rates x the time to midnight UTC (the budget check's forecast).",
        examples=["96.000000"],
    )
    forecast_exceeds_limit: bool = Field(description="The forecast is above the limit.")
    tenant_share_limit: Money | None = Field(
        description="The most one tenant's own calls may commit today (TENANT_GLOBAL_SHARE_PCT of the "
        "limit); null for an earlier day.",
        examples=["250.000000"],
    )
    resets_at: Timestamp
    tenants: list[TenantShareView] = Field(
        description="Every tenant with calls on the day, largest share first; their committed "
        "amounts add up to the global committed amount."
    )

    @classmethod
    def of(cls, status: GlobalBudgetStatus) -> GlobalBudgetView:
        counter = status.counter
        forecast = status.projection.end_of_day_micros
        return cls(
            date=status.day.isoformat(),
            limit=_money(status.limit_micros),
            committed=format_usd(counter.committed_micros),
            settled=format_usd(counter.settled_micros),
            held=format_usd(counter.held_micros),
            available=_money(status.available_micros),
            utilisation=status.utilisation,
            forecast=format_usd(forecast),
            forecast_exceeds_limit=status.limit_micros is not None and forecast > status.limit_micros,
            tenant_share_limit=_money(status.tenant_share_limit_micros),
            resets_at=rfc3339(status.resets_at),
            tenants=[
                TenantShareView(
                    tenant_id=share.tenant_id,
                    scope=f"global-share:{share.tenant_id}",
                    committed=format_usd(share.committed_micros),
                    share_of_global=share.share_of_global,
                )
                for share in status.shares
            ],
        )


class BudgetChangeView(BaseModel):
    """One change of a tenant's budget, as the CLI recorded it."""

    limit: Money | None = Field(description="The new daily budget; null when it was removed.")
    changed_at: Timestamp
    changed_by: str = Field(
        description="Who changed it: the AWS principal's ARN, or `local:<user>` on a local run.",
        examples=["arn:aws:sts::123456789012:assumed-role/operator/alice"],
    )


class TenantBudgetView(BaseModel):
    """One tenant's daily budget: the operator budget (`tenant:<id>`, its calls and its reported
    usage) and its own calls' part of the global budget (`global-share:<id>`)."""

    date: IsoDay = Field(examples=["2026-03-02"])
    tenant_id: str = Field(examples=["acme"])
    scope: str = Field(examples=["tenant:acme"])
    currency: Literal["USD"] = "USD"
    limit: Money | None = Field(
        description="The operator-set daily budget; null when none is set (the tenant is bound by "
        "its share of the global budget only).",
        examples=["25.000000"],
    )
    limit_set_at: Timestamp | None = Field(description="When the current budget was set.")
    limit_set_by: str | None = Field(description="Who set the current budget.")
    committed: Money
    settled: Money
    held: Money
    available: Money | None = Field(description="limit - committed, never below 0; null without a limit.")
    utilisation: str | None = Field(description="committed / limit, 4 places rounded down.")
    forecast: Money = Field(description="Projected end-of-day committed amount of `tenant:<id>`.")
    share_of_global: str | None = Field(
        description="The tenant's own calls (global_share.committed) / the global limit, 4 places."
    )
    global_share: GlobalShareView

    @staticmethod
    def fields_of(status: TenantBudgetStatus) -> dict[str, object]:
        counter = status.counter
        share = status.share
        setting = status.setting
        return {
            "date": status.day.isoformat(),
            "tenant_id": status.tenant_id,
            "scope": counter.scope,
            "limit": _money(status.limit_micros),
            "limit_set_at": rfc3339(setting.updated_at) if setting and setting.updated_at else None,
            "limit_set_by": (setting.updated_by or None) if setting else None,
            "committed": format_usd(counter.committed_micros),
            "settled": format_usd(counter.settled_micros),
            "held": format_usd(counter.held_micros),
            "available": _money(status.available_micros),
            "utilisation": status.utilisation,
            "forecast": format_usd(status.projection.end_of_day_micros),
            "share_of_global": status.share_of_global,
            "global_share": GlobalShareView(
                scope=share.counter.scope,
                committed=format_usd(share.counter.committed_micros),
                settled=format_usd(share.counter.settled_micros),
                held=format_usd(share.counter.held_micros),
                limit=_money(share.limit_micros),
                utilisation=share.utilisation,
            ),
        }

    @classmethod
    def of(cls, status: TenantBudgetStatus) -> TenantBudgetView:
        return cls.model_validate(cls.fields_of(status))


class TenantBudgetDetailView(TenantBudgetView):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.TENANT_BUDGET_DETAIL]})

    history: list[BudgetChangeView] = Field(description="The budget's latest changes, newest first.")

    @classmethod
    def of(cls, status: TenantBudgetStatus) -> TenantBudgetDetailView:
        return cls.model_validate(
            {
                **cls.fields_of(status),
                "history": [_change(change) for change in status.history],
            }
        )


def _change(change: BudgetChange) -> BudgetChangeView:
    return BudgetChangeView(
        limit=_money(change.limit_micros), changed_at=rfc3339(change.changed_at), changed_by=change.changed_by
    )


class TenantBudgetsView(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"date": ex.DAY, "items": [ex.TENANT_BUDGET], "next_cursor": None}]}
    )

    date: IsoDay
    items: list[TenantBudgetView]
    next_cursor: str | None

    @classmethod
    def of(cls, page: TenantBudgetPage) -> TenantBudgetsView:
        return cls(
            date=page.day.isoformat(),
            items=[TenantBudgetView.of(status) for status in page.items],
            next_cursor=page.next_cursor,
        )
