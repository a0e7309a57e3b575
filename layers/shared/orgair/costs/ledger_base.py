"""What every part of the cost ledger shares: its settings, store, clock and prices, the limits a
call or a report is admitted under, and the admission of an amount in scopes (all or none)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from orgair.costs.budget import (
    GLOBAL_SCOPE,
    REQUEST_SCOPE,
    Clock,
    admission_ceiling,
    budget_exceeded,
    external_scope,
    global_share_scope,
    share_limit,
    tenant_scope,
    utc_now,
)
from orgair.costs.money import usd_to_micros_floor
from orgair.costs.pricing import ModelPrice, PriceTable, effective_price_table, input_token_bound
from orgair.dal.costs import CostsRepository, CostsStore, ScopeRefused, ScopeUpdate
from orgair.errors import BudgetExceeded
from orgair.records.costs import CallMeta, Hold
from orgair.settings import Settings


@dataclass(slots=True)
class RequestBudget:
    """The per-request cap (MAX_REQUEST_COST_USD) across every attempt of one request.

    It lives in memory only for the duration of one request, so nothing leaks after a crash.
    """

    cap_micros: int
    spent_micros: int = 0

    def admit(self, estimate_micros: int, now: datetime) -> None:
        if self.spent_micros + estimate_micros > self.cap_micros:
            raise budget_exceeded(REQUEST_SCOPE, self.cap_micros, self.spent_micros, now)
        self.spent_micros += estimate_micros

    def correct(self, estimate_micros: int, actual_micros: int) -> None:
        self.spent_micros += actual_micros - estimate_micros


class LedgerBase:
    """Settings, store, clock and prices of the ledger, and the admission of an amount in scopes."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: CostsRepository | None = None,
        clock: Clock = utc_now,
        prices: PriceTable | None = None,
    ) -> None:
        self.settings = settings
        self.store: CostsRepository = store or CostsStore(settings.COSTS_TABLE_NAME)
        self.clock = clock
        self.prices = prices or effective_price_table(settings.LOCAL_MODEL_PRICES)

    @property
    def global_limit_micros(self) -> int:
        return usd_to_micros_floor(self.settings.DAILY_COST_BUDGET_USD)

    @property
    def share_limit_micros(self) -> int:
        """The most of `global` one tenant's own calls may commit in a day (TENANT_GLOBAL_SHARE_PCT)."""
        return share_limit(self.global_limit_micros, self.settings.TENANT_GLOBAL_SHARE_PCT)

    def request_budget(self) -> RequestBudget:
        return RequestBudget(cap_micros=usd_to_micros_floor(self.settings.MAX_REQUEST_COST_USD))

    def price(self, model: str) -> ModelPrice:
        """The model's price row in force now (the ledger's clock)."""
        return self.prices.price(model, self.clock())

    def hold_price(self, hold: Hold) -> ModelPrice:
        """The row a call was admitted under (holds written before rows had ids: the row then in force)."""
        if hold.price_row_id is not None:
            return self.prices.row(hold.price_row_id)
        return self.prices.price(hold.model, hold.reserved_at)

    def new_hold(
        self,
        meta: CallMeta,
        model: str,
        price: ModelPrice,
        estimate_micros: int,
        *,
        call_id: str,
        day: date,
        scopes: Sequence[str],
        now: datetime,
        funded_by: str | None = None,
    ) -> Hold:
        """The hold of one call admitted now at `price` (the row in force), expiring after HOLD_EXPIRY_SECONDS."""
        return Hold(
            call_id=call_id,
            meta=meta,
            provider=price.provider,
            model=model,
            pricing_version=self.prices.version,
            day=day,
            scopes=tuple(scopes),
            estimate_micros=estimate_micros,
            reserved_at=now,
            expires_at=now + timedelta(seconds=self.settings.HOLD_EXPIRY_SECONDS),
            price_row_id=price.row_id,
            funded_by=funded_by,
        )

    def estimate(self, model: str, input_texts: Iterable[str], max_output_tokens: int) -> int:
        """Worst case of one call: characters / 3 input tokens, full `max_tokens` output, at this model's price."""
        return self.price(model).worst_case_micros(input_token_bound(input_texts), max_output_tokens)

    def call_scope_limits(self, tenant_id: str) -> list[tuple[str, int | None]]:
        """The scopes a tenant's own LLM call is admitted in, with their limits (None: unlimited)."""
        return [
            (GLOBAL_SCOPE, self.global_limit_micros),
            (tenant_scope(tenant_id), self.store.tenant_limit(tenant_id)),
            (global_share_scope(tenant_id), self.share_limit_micros),
        ]

    def external_limits(self, tenant_id: str) -> list[tuple[str, int | None]]:
        """The scopes a usage report is admitted in: the tenant's own budget (when an operator set
        one) and the tenant's daily allowance for reported usage (`external:<id>`,
        EXTERNAL_USAGE_DAILY_LIMIT_USD). Reported usage never enters the `global` scope."""
        return [
            (tenant_scope(tenant_id), self.store.tenant_limit(tenant_id)),
            (external_scope(tenant_id), usd_to_micros_floor(self.settings.EXTERNAL_USAGE_DAILY_LIMIT_USD)),
        ]

    def admission(
        self, limits: Sequence[tuple[str, int | None]], amount_micros: int, day: date, now: datetime
    ) -> list[ScopeUpdate]:
        """`amount` committed in every scope under its limit's ceiling; BudgetExceeded (429) naming
        the first scope the amount alone exceeds, before the store is asked."""
        updates: list[ScopeUpdate] = []
        for scope, limit in limits:
            ceiling = None if limit is None else admission_ceiling(limit, amount_micros)
            if limit is not None and ceiling is None:
                raise budget_exceeded(scope, limit, self.store.counter(scope, day).committed_micros, now)
            updates.append(
                ScopeUpdate(scope=scope, committed_delta=amount_micros, ceiling=ceiling, limit_micros=limit)
            )
        return updates

    def refusal(self, refused: ScopeRefused, day: date, now: datetime) -> BudgetExceeded:
        """The 429 of a scope that refused in the store, with what it had committed then."""
        committed = refused.committed_micros
        if committed is None:
            committed = self.store.counter(refused.update.scope, day).committed_micros
        return budget_exceeded(refused.update.scope, refused.update.limit_micros or 0, committed, now)
