"""What a tenant reads back of its costs: the day's summary and forecast, its ledger lines page by
page, and its own scope's alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from orgair.costs.budget import (
    Forecast,
    available,
    counter_forecast,
    day_of,
    global_share_scope,
    next_utc_midnight,
    start_of_day,
    tenant_scope,
    utilisation_text,
)
from orgair.costs.ledger_base import LedgerBase
from orgair.pagination import encode_cursor, page_position
from orgair.records.costs import AlertRecord, Counter, LedgerLine

MAX_PAGE_SIZE: Final = 100
DEFAULT_PAGE_SIZE: Final = 50


@dataclass(frozen=True, slots=True)
class ModelSpend:
    model: str
    provider: str
    calls: int
    uncertain_calls: int
    cost_micros: int
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int


class UnderLimit:
    """A day's counter under a limit (None: unlimited): how far it is used and what it still admits."""

    __slots__ = ()
    counter: Counter
    limit_micros: int | None

    @property
    def utilisation(self) -> str | None:
        return utilisation_text(self.counter.committed_micros, self.limit_micros)

    @property
    def available_micros(self) -> int | None:
        return available(self.counter.committed_micros, self.limit_micros)


@dataclass(frozen=True, slots=True)
class ShareFigures(UnderLimit):
    """The tenant's share of `global`: what its own calls committed there, and the share's limit
    (today: from the settings; an earlier day: as recorded at that day's admissions, if any)."""

    counter: Counter
    limit_micros: int | None


@dataclass(frozen=True, slots=True)
class CostSummary(UnderLimit):
    scope: str
    day: date
    counter: Counter
    limit_micros: int | None
    projection: Forecast
    by_model: list[ModelSpend]
    resets_at: datetime
    pricing_version: str
    global_share: ShareFigures


@dataclass(frozen=True, slots=True)
class EntriesPage:
    day: date
    lines: list[LedgerLine]
    next_cursor: str | None


def _cursor_scope(tenant_id: str, day: date) -> str:
    return f"{tenant_id}|costs-entries|{day.isoformat()}"


def _spends(lines: list[LedgerLine]) -> list[ModelSpend]:
    """Cost per model (corrections included); calls and tokens of its charges only."""
    by_model: dict[str, list[LedgerLine]] = {}
    for line in lines:
        by_model.setdefault(line.model, []).append(line)
    return [
        ModelSpend(
            model=model,
            provider=lines[0].provider,
            calls=len(charges),
            uncertain_calls=sum(1 for line in charges if line.status == "uncertain"),
            cost_micros=sum(line.cost_micros for line in lines),
            input_tokens=sum(line.usage.input_tokens for line in charges),
            cached_input_tokens=sum(line.usage.cached_input_tokens for line in charges),
            output_tokens=sum(line.usage.output_tokens for line in charges),
        )
        for model, lines in sorted(by_model.items())
        for charges in ([line for line in lines if line.kind == "charge"],)
    ]


class TenantCosts(LedgerBase):
    def summary(self, tenant_id: str, day: date) -> CostSummary:
        scope = tenant_scope(tenant_id)
        share_scope = global_share_scope(tenant_id)
        counters = self.store.counters([scope, share_scope], day)
        counter, share_counter = counters[scope], counters[share_scope]
        now = self.clock()
        current = day >= day_of(now)
        limit = self.store.tenant_limit(tenant_id) if current else counter.limit_micros
        share = ShareFigures(
            counter=share_counter,
            limit_micros=self.share_limit_micros if current else share_counter.limit_micros,
        )
        projection = counter_forecast(counter, now)
        return CostSummary(
            scope=scope,
            day=day,
            counter=counter,
            limit_micros=limit,
            projection=projection,
            by_model=_spends(list(self.store.ledger_lines(tenant_id, day))),
            resets_at=next_utc_midnight(start_of_day(day)),
            pricing_version=self.prices.version,
            global_share=share,
        )

    def entries(
        self, tenant_id: str, day: date, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None
    ) -> EntriesPage:
        secret = self.settings.signing_key()
        scope = _cursor_scope(tenant_id, day)
        after = page_position(cursor, limit=limit, most=MAX_PAGE_SIZE, secret=secret, scope=scope, field="sk")
        lines, last_sk = self.store.ledger_page(tenant_id, day, limit, after)
        next_cursor = encode_cursor({"sk": last_sk}, secret=secret, scope=scope) if last_sk else None
        return EntriesPage(day=day, lines=lines, next_cursor=next_cursor)

    def alerts(self, tenant_id: str, day: date) -> list[AlertRecord]:
        """Alerts of the tenant's own scope; the global scope's state is not any one tenant's business."""
        return self.store.alerts(day, tenant_scope(tenant_id))
