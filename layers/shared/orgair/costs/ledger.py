"""The cost ledger: reserve → call → settle, reported usage, and what a tenant may read back.

Every LLM call that may be billed is admitted by one transaction (hold + every scope's `committed`)
and closed by one transaction (hold settled + ledger line + counters). Nothing is held in memory
across calls, so a crash leaves only a hold with an expiry, which the budget check settles.
Reported usage is `orgair.costs.reported`, the tenant's read side `orgair.costs.tenant_costs`, and
what they share (settings, store, limits, admission) `orgair.costs.ledger_base`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Final

from orgair.business_metrics import record_anomalous_usage
from orgair.costs.budget import day_of
from orgair.costs.reported import ReportedUsage
from orgair.costs.tenant_costs import TenantCosts
from orgair.dal.costs import Duplicate, ScopeRefused, StoreInconsistency, ledger_sk
from orgair.observability import logger
from orgair.records.costs import CallMeta, Hold, LedgerLine, LineStatus, Usage

MAX_RECORDED_TOKENS: Final = 10**12
"""An anomalous reply's token counts are kept as evidence, but never beyond this (a DynamoDB number
holds 38 significant digits; a provider may claim 10^40)."""


def _capped(usage: Usage) -> Usage:
    return Usage(
        input_tokens=min(usage.input_tokens, MAX_RECORDED_TOKENS),
        cached_input_tokens=min(usage.cached_input_tokens, MAX_RECORDED_TOKENS),
        cache_write_tokens=min(usage.cache_write_tokens, MAX_RECORDED_TOKENS),
        output_tokens=min(usage.output_tokens, MAX_RECORDED_TOKENS),
    )


class CostLedger(ReportedUsage, TenantCosts):
    """Budget admission, settlement and the tenant's read side, over one CostsRepository."""

    def reserve(self, meta: CallMeta, model: str, estimate_micros: int, call_id: str | None = None) -> Hold:
        """Admit one call in every applicable scope, or raise BudgetExceeded (429) naming the scope.

        The scopes are `global`, the tenant's own budget (`tenant:<id>`, limited when an operator set
        one) and the tenant's share of `global` (`global-share:<id>`, TENANT_GLOBAL_SHARE_PCT of the
        global limit), all in one conditional transaction: every scope admits or none does. When
        several refuse at once, the first named is `global`.
        """
        now = self.clock()
        price = self.prices.price(model, now)
        day = day_of(now)
        updates = self.admission(self.call_scope_limits(meta.tenant_id), estimate_micros, day, now)
        hold = self.new_hold(
            meta,
            model,
            price,
            estimate_micros,
            call_id=call_id or str(uuid.uuid4()),
            day=day,
            scopes=[update.scope for update in updates],
            now=now,
        )
        outcome = self.store.reserve(hold, updates, now)
        if isinstance(outcome, Duplicate):
            raise StoreInconsistency(f"call {hold.call_id} already has a hold")
        if isinstance(outcome, ScopeRefused):
            raise self.refusal(outcome, day, now)
        return hold

    def settle(
        self, hold: Hold, usage: Usage | None, *, outcome: str, provider_request_id: str | None = None
    ) -> LedgerLine:
        """Close a hold at the served model's price (no usage reported = nothing billed).

        Reported usage is untrusted: a cost above the reservation (the worst case the call could
        legitimately reach) is settled at the reservation, flagged `anomalous` and counted in the
        `AnomalousProviderUsage` metric, so no reply can push a budget past what it admitted.
        If the hold was closed already (the budget check expired it), that line is returned.
        """
        if usage is None:
            line, _ = self._settle(hold, Usage(), 0, "settled", outcome, provider_request_id)
            return line
        reported = self.hold_price(hold).cost_micros(usage)
        if reported <= hold.estimate_micros:
            line, _ = self._settle(hold, usage, reported, "settled", outcome, provider_request_id)
            return line
        line, written = self._settle(
            hold,
            _capped(usage),
            hold.estimate_micros,
            "settled",
            outcome,
            provider_request_id,
            anomalous=True,
        )
        if written:
            logger.warning(
                "provider reported usage above the reservation; settled at the reservation",
                extra={
                    "call_id": hold.call_id,
                    "provider": hold.provider,
                    "model": hold.model,
                    "reserved_micro_usd": hold.estimate_micros,
                    "reported_digits": len(str(reported)),
                },
            )
            record_anomalous_usage()
        return line

    def settle_uncertain(
        self, hold: Hold, *, outcome: str, provider_request_id: str | None = None
    ) -> LedgerLine | None:
        """Close a hold whose call may have run without us learning its usage: charged at the reservation.

        None when the hold had been closed by someone else first.
        """
        line, written = self._settle(
            hold, Usage(), hold.estimate_micros, "uncertain", outcome, provider_request_id
        )
        return line if written else None

    def _settle(
        self,
        hold: Hold,
        usage: Usage,
        cost: int,
        status: LineStatus,
        outcome: str,
        provider_request_id: str | None,
        *,
        anomalous: bool = False,
    ) -> tuple[LedgerLine, bool]:
        line = LedgerLine(
            call_id=hold.call_id,
            meta=hold.meta,
            day=hold.day,
            timestamp=hold.reserved_at,
            provider=hold.provider,
            model=hold.model,
            usage=usage,
            cost_micros=cost,
            pricing_version=hold.pricing_version,
            status=status,
            outcome=outcome,
            source="gateway",
            estimate_micros=hold.estimate_micros,
            provider_request_id=provider_request_id,
            anomalous=anomalous,
            price_row_id=hold.price_row_id,
        )
        if self.store.settle(hold, line, self.clock()):
            return line, True
        existing = self.store.ledger_line(
            hold.meta.tenant_id, hold.day, ledger_sk(hold.reserved_at, hold.call_id)
        )
        if existing is None:
            raise StoreInconsistency(f"hold {hold.call_id} is settled but has no ledger line")
        return existing, False

    def open_holds(self, days: Sequence[date], expired_at: datetime | None = None) -> list[Hold]:
        return [hold for day in days for hold in self.store.open_holds(day, expired_at)]
