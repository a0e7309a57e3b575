"""What an operator sees and sets of the daily budgets: the global budget and every tenant's.

These views show every tenant's figures, which no tenant's own view ever does, so they are served
only to the `admin` scope (`GET /costs/budgets/...`) and to the operator's CLI (`orgair budgets`).
The figures are the budget counters the admission transactions write, so they are exactly what
admission sees; the forecast is the budget check's own burn-rate forecast (`budget.forecast`).

Tenants are the ones that have (or had) an API key, plus any with an operator budget: no call
can be admitted for a tenant without a key, so no spending tenant is missing from the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from orgair.auth.keys import validate_tenant_id
from orgair.costs.budget import (
    GLOBAL_SCOPE,
    Forecast,
    counter_forecast,
    day_of,
    global_share_scope,
    next_utc_midnight,
    start_of_day,
    tenant_scope,
    utilisation_text,
)
from orgair.costs.ledger import CostLedger
from orgair.costs.money import MICROS_PER_USD, format_usd, parse_usd
from orgair.costs.tenant_costs import ShareFigures, UnderLimit
from orgair.errors import FieldError, NotFound, ValidationFailed
from orgair.pagination import encode_cursor, page_position
from orgair.records.costs import BudgetChange, BudgetSetting, Counter

MAX_TENANT_DAILY_BUDGET_USD: Final = Decimal(1_000_000)
"""The largest per-tenant daily budget an operator may set (a typo guard, far above any real one)."""
DEFAULT_TENANT_PAGE: Final = 50
MAX_TENANT_PAGE: Final = 100
HISTORY_LENGTH: Final = 10
"""How many of a tenant budget's latest changes its view shows."""

TenantSource = Callable[[], Iterable[str]]
"""Every tenant id the service knows (the API keys table's tenants)."""


def parse_daily_budget(text: str, field: str = "daily_usd") -> int:
    """An operator's daily budget in USD (decimal string, > 0, at most 6 places, at most
    MAX_TENANT_DAILY_BUDGET_USD) as micro-USD; anything else is a ValidationFailed naming `field`."""
    bound = format_usd(int(MAX_TENANT_DAILY_BUDGET_USD) * MICROS_PER_USD)
    expected = f"a USD amount above 0 and at most {bound}, with at most 6 decimal places, e.g. 25.50"
    try:
        micros = parse_usd(text)
    except ValueError:
        micros = None
    if micros is None or not 0 < micros <= int(MAX_TENANT_DAILY_BUDGET_USD) * MICROS_PER_USD:
        raise ValidationFailed(f"{field} must be {expected}.", errors=[FieldError(field, expected)])
    return micros


def share_of_global(committed_micros: int, global_limit_micros: int | None) -> str | None:
    """A tenant's committed amount as a fraction of the global limit (4 places, rounded down)."""
    return utilisation_text(committed_micros, global_limit_micros)


@dataclass(frozen=True, slots=True)
class TenantShare:
    """One tenant's own LLM calls as a part of `global` (its `global-share:<id>` counter)."""

    tenant_id: str
    committed_micros: int
    share_of_global: str | None


@dataclass(frozen=True, slots=True)
class GlobalBudgetStatus(UnderLimit):
    day: date
    limit_micros: int | None
    counter: Counter
    projection: Forecast
    tenant_share_limit_micros: int | None
    shares: list[TenantShare]
    resets_at: datetime


@dataclass(frozen=True, slots=True)
class TenantBudgetStatus(UnderLimit):
    tenant_id: str
    day: date
    limit_micros: int | None
    """The operator budget (today: as set now; an earlier day: as recorded at that day's admissions)."""
    setting: BudgetSetting | None
    counter: Counter
    projection: Forecast
    share: ShareFigures
    global_limit_micros: int | None
    history: list[BudgetChange]

    @property
    def share_of_global(self) -> str | None:
        return share_of_global(self.share.counter.committed_micros, self.global_limit_micros)


@dataclass(frozen=True, slots=True)
class TenantBudgetPage:
    day: date
    items: list[TenantBudgetStatus]
    next_cursor: str | None


def _cursor_scope(day: date) -> str:
    return f"admin|budgets-tenants|{day.isoformat()}"


class BudgetAdmin:
    """The operator's read side of every budget, and the one way to set a tenant's budget."""

    def __init__(self, ledger: CostLedger, tenants: TenantSource) -> None:
        self.ledger = ledger
        self.store = ledger.store
        self._tenants = tenants

    def _current(self, day: date) -> bool:
        return day >= day_of(self.ledger.clock())

    def _global_limit(self, day: date, counter: Counter) -> int | None:
        """Today (or tomorrow): the configured limit; an earlier day: the one its admissions recorded."""
        return self.ledger.global_limit_micros if self._current(day) else counter.limit_micros

    def tenant_ids(self) -> list[str]:
        configured = {scope.removeprefix("tenant:") for scope in self.store.tenant_budget_settings()}
        return sorted(configured.union(self._tenants()))

    def global_budget(self, day: date) -> GlobalBudgetStatus:
        now = self.ledger.clock()
        tenants = self.tenant_ids()
        share_scopes = [global_share_scope(tenant) for tenant in tenants]
        counters = self.store.counters([GLOBAL_SCOPE, *share_scopes], day)
        counter = counters[GLOBAL_SCOPE]
        limit = self._global_limit(day, counter)
        shares = [
            TenantShare(
                tenant_id=tenant,
                committed_micros=counters[scope].committed_micros,
                share_of_global=share_of_global(counters[scope].committed_micros, limit),
            )
            for tenant, scope in zip(tenants, share_scopes, strict=True)
            if counters[scope].committed_micros > 0
        ]
        shares.sort(key=lambda share: (-share.committed_micros, share.tenant_id))
        return GlobalBudgetStatus(
            day=day,
            limit_micros=limit,
            counter=counter,
            projection=counter_forecast(counter, now),
            tenant_share_limit_micros=self.ledger.share_limit_micros if self._current(day) else None,
            shares=shares,
            resets_at=next_utc_midnight(start_of_day(day)),
        )

    def tenant_statuses(self, tenants: list[str], day: date) -> list[TenantBudgetStatus]:
        """The budgets of these tenants for the day (counters in batches, settings in one query)."""
        now = self.ledger.clock()
        current = self._current(day)
        scopes = [scope for tenant in tenants for scope in (tenant_scope(tenant), global_share_scope(tenant))]
        counters = self.store.counters([GLOBAL_SCOPE, *scopes], day)
        global_limit = self._global_limit(day, counters[GLOBAL_SCOPE])
        settings = self.store.tenant_budget_settings() if current else {}
        statuses = []
        for tenant in tenants:
            counter = counters[tenant_scope(tenant)]
            share_counter = counters[global_share_scope(tenant)]
            setting = settings.get(tenant_scope(tenant))
            statuses.append(
                TenantBudgetStatus(
                    tenant_id=tenant,
                    day=day,
                    limit_micros=(setting.limit_micros if setting else None)
                    if current
                    else counter.limit_micros,
                    setting=setting,
                    counter=counter,
                    projection=counter_forecast(counter, now),
                    share=ShareFigures(
                        counter=share_counter,
                        limit_micros=self.ledger.share_limit_micros
                        if current
                        else share_counter.limit_micros,
                    ),
                    global_limit_micros=global_limit,
                    history=[],
                )
            )
        return statuses

    def tenant_budget(self, tenant_id: str, day: date) -> TenantBudgetStatus:
        """One tenant's budget and its latest changes; 404 for a tenant the service does not know."""
        validate_tenant_id(tenant_id)
        if tenant_id not in self.tenant_ids():
            raise NotFound(f"No tenant '{tenant_id}' has an API key or a budget.")
        [status] = self.tenant_statuses([tenant_id], day)
        return replace(status, history=self.store.budget_history(tenant_id, HISTORY_LENGTH))

    def tenant_budgets(
        self, day: date, limit: int = DEFAULT_TENANT_PAGE, cursor: str | None = None
    ) -> TenantBudgetPage:
        """Tenants in id order, `limit` a page; the cursor is signed and bound to the day."""
        secret = self.ledger.settings.signing_key()
        after = page_position(
            cursor, limit=limit, most=MAX_TENANT_PAGE, secret=secret, scope=_cursor_scope(day), field="after"
        )
        remaining = [tenant for tenant in self.tenant_ids() if after is None or tenant > after]
        page = remaining[:limit]
        next_cursor = (
            encode_cursor({"after": page[-1]}, secret=secret, scope=_cursor_scope(day))
            if len(remaining) > limit
            else None
        )
        return TenantBudgetPage(day=day, items=self.tenant_statuses(page, day), next_cursor=next_cursor)

    def set_tenant_budget(self, tenant_id: str, limit_micros: int | None, *, by: str) -> BudgetSetting | None:
        """Set (or with None remove) a tenant's daily budget, audited with `by` and the clock's time.

        The amount is validated again here (the CLI parses it with `parse_daily_budget`), so no
        caller can store a budget of zero, a negative one or one past the bound.
        """
        validate_tenant_id(tenant_id, "tenant")
        if (
            limit_micros is not None
            and not 0 < limit_micros <= int(MAX_TENANT_DAILY_BUDGET_USD) * MICROS_PER_USD
        ):
            raise ValidationFailed(
                "A tenant budget is above 0 and at most "
                f"{format_usd(int(MAX_TENANT_DAILY_BUDGET_USD) * MICROS_PER_USD)} USD.",
                errors=[FieldError("daily_usd", "out of range")],
            )
        if not by.strip():
            raise ValidationFailed(
                "A budget change must name who made it.", errors=[FieldError("by", "required")]
            )
        self.store.set_tenant_limit(tenant_id, limit_micros, self.ledger.clock(), by=by)
        return self.store.tenant_budget_setting(tenant_id)
