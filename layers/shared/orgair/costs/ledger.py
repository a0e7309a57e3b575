"""The cost ledger: reserve → call → settle, reported usage, and what a tenant may read back.

Every LLM call that may be billed is admitted by one transaction (hold + every scope's `committed`)
and closed by one transaction (hold settled + ledger line + counters). Nothing is held in memory
across calls, so a crash leaves only a hold with an expiry, which the budget check settles.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from orgair.business_metrics import record_anomalous_usage
from orgair.costs.budget import (
    GLOBAL_SCOPE,
    REQUEST_SCOPE,
    Clock,
    Forecast,
    admission_ceiling,
    budget_exceeded,
    day_of,
    external_scope,
    forecast,
    global_share_scope,
    next_utc_midnight,
    share_limit,
    start_of_day,
    tenant_scope,
    utc_now,
    utilisation,
)
from orgair.costs.money import format_usd, usd_to_micros_floor
from orgair.costs.pricing import (
    ModelPrice,
    PriceTable,
    Usage,
    effective_price_table,
    input_token_bound,
)
from orgair.costs.records import AlertRecord, CallMeta, Counter, Hold, LedgerLine
from orgair.dal.costs import ConditionFailed, CostsStore, ExternalMarker, ScopeUpdate, ledger_sk
from orgair.errors import FieldError, ValidationFailed
from orgair.observability import logger
from orgair.pagination import decode_cursor, encode_cursor
from orgair.settings import Settings

MAX_PAGE_SIZE: Final = 100
DEFAULT_PAGE_SIZE: Final = 50
_EXTERNAL_NAMESPACE: Final = uuid.UUID("0b8f5f7e-52a4-4c55-b0a5-6f3a8f1d2c44")
MAX_RECORDED_TOKENS: Final = 10**12
"""An anomalous reply's token counts are kept as evidence, but never beyond this (a DynamoDB number
holds 38 significant digits; a provider may claim 10^40)."""


class StoreInconsistency(RuntimeError):
    """An invariant of the item layout did not hold (e.g. a fresh call id already had a hold)."""


@dataclass(frozen=True, slots=True)
class UsageReport:
    """Usage another service reports (`POST /costs`), priced here from our own table."""

    provider: str
    model: str
    usage: Usage
    purpose: str = "external"
    parent_request_id: str | None = None


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


@dataclass(frozen=True, slots=True)
class ShareFigures:
    """The tenant's share of `global`: what its own calls committed there, and the share's limit
    (today: from the settings; an earlier day: as recorded at that day's admissions, if any)."""

    counter: Counter
    limit_micros: int | None

    @property
    def utilisation(self) -> str | None:
        value = utilisation(self.counter.committed_micros, self.limit_micros)
        return None if value is None else format(value, "f")


@dataclass(frozen=True, slots=True)
class CostSummary:
    scope: str
    day: date
    counter: Counter
    limit_micros: int | None
    projection: Forecast
    by_model: list[ModelSpend]
    resets_at: datetime
    pricing_version: str
    global_share: ShareFigures

    @property
    def utilisation(self) -> str | None:
        value = utilisation(self.counter.committed_micros, self.limit_micros)
        return None if value is None else format(value, "f")


@dataclass(frozen=True, slots=True)
class EntriesPage:
    day: date
    lines: list[LedgerLine]
    next_cursor: str | None


def _cursor_scope(tenant_id: str, day: date) -> str:
    return f"{tenant_id}|costs-entries|{day.isoformat()}"


def _fingerprint(report: UsageReport) -> str:
    """A digest of every field of the report (the whole request body), so a reused key with any
    difference — tokens, model, purpose or parent request id — is refused instead of replayed."""
    canonical = json.dumps(
        {
            "provider": report.provider,
            "model": report.model,
            "purpose": report.purpose,
            "parent_request_id": report.parent_request_id,
            "input_tokens": report.usage.input_tokens,
            "cached_input_tokens": report.usage.cached_input_tokens,
            "cache_write_tokens": report.usage.cache_write_tokens,
            "output_tokens": report.usage.output_tokens,
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _capped(usage: Usage) -> Usage:
    return Usage(
        input_tokens=min(usage.input_tokens, MAX_RECORDED_TOKENS),
        cached_input_tokens=min(usage.cached_input_tokens, MAX_RECORDED_TOKENS),
        cache_write_tokens=min(usage.cache_write_tokens, MAX_RECORDED_TOKENS),
        output_tokens=min(usage.output_tokens, MAX_RECORDED_TOKENS),
    )


class CostLedger:
    """Budget admission, settlement and the tenant's read side, over one CostsStore."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: CostsStore | None = None,
        clock: Clock = utc_now,
        prices: PriceTable | None = None,
    ) -> None:
        self.settings = settings
        self.store = store or CostsStore(settings.COSTS_TABLE_NAME)
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

    def estimate(self, model: str, input_texts: Iterable[str], max_output_tokens: int) -> int:
        """Worst case of one call: characters / 3 input tokens, full `max_tokens` output, at this model's price."""
        return self.price(model).worst_case_micros(input_token_bound(input_texts), max_output_tokens)

    # ------------------------------------------------------------------ reserve / settle

    def call_scope_limits(self, tenant_id: str) -> list[tuple[str, int | None]]:
        """The scopes a tenant's own LLM call is admitted in, with their limits (None: unlimited)."""
        return [
            (GLOBAL_SCOPE, self.global_limit_micros),
            (tenant_scope(tenant_id), self.store.tenant_limit(tenant_id)),
            (global_share_scope(tenant_id), self.share_limit_micros),
        ]

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
        updates: list[ScopeUpdate] = []
        for scope, limit in self.call_scope_limits(meta.tenant_id):
            ceiling = None if limit is None else admission_ceiling(limit, estimate_micros)
            if limit is not None and ceiling is None:
                raise budget_exceeded(scope, limit, self.store.counter(scope, day).committed_micros, now)
            updates.append(
                ScopeUpdate(scope=scope, committed_delta=estimate_micros, ceiling=ceiling, limit_micros=limit)
            )
        hold = Hold(
            call_id=call_id or str(uuid.uuid4()),
            meta=meta,
            provider=price.provider,
            model=model,
            pricing_version=self.prices.version,
            day=day,
            scopes=tuple(update.scope for update in updates),
            estimate_micros=estimate_micros,
            reserved_at=now,
            expires_at=now + timedelta(seconds=self.settings.HOLD_EXPIRY_SECONDS),
            price_row_id=price.row_id,
        )
        try:
            self.store.reserve(hold, updates, now)
        except ConditionFailed as refusal:
            if refusal.index == 0:
                raise StoreInconsistency(f"call {hold.call_id} already has a hold") from None
            update = updates[refusal.index - 1]
            item = refusal.item or {}
            committed = (
                int(item["committed"]["N"])
                if "committed" in item
                else self.store.counter(update.scope, day).committed_micros
            )
            raise budget_exceeded(update.scope, update.limit_micros or 0, committed, now) from None
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
        status: str,
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
            status="uncertain" if status == "uncertain" else "settled",
            outcome=outcome,
            source="gateway",
            estimate_micros=hold.estimate_micros,
            provider_request_id=provider_request_id,
            anomalous=anomalous,
            price_row_id=hold.price_row_id,
        )
        try:
            self.store.settle(hold, line, self.clock())
        except ConditionFailed:
            existing = self.store.ledger_line(
                hold.meta.tenant_id, hold.day, ledger_sk(hold.reserved_at, hold.call_id)
            )
            if existing is None:
                raise StoreInconsistency(f"hold {hold.call_id} is settled but has no ledger line") from None
            return existing, False
        return line, True

    # ------------------------------------------------------------------ reported usage

    def external_limits(self, tenant_id: str) -> list[tuple[str, int | None]]:
        """The scopes a usage report is admitted in: the tenant's own budget (when an operator set
        one) and the tenant's daily allowance for reported usage (`external:<id>`,
        EXTERNAL_USAGE_DAILY_LIMIT_USD). Reported usage never enters the `global` scope."""
        return [
            (tenant_scope(tenant_id), self.store.tenant_limit(tenant_id)),
            (external_scope(tenant_id), usd_to_micros_floor(self.settings.EXTERNAL_USAGE_DAILY_LIMIT_USD)),
        ]

    def record_external(
        self, meta: CallMeta, idempotency_key: str, report: UsageReport
    ) -> tuple[LedgerLine, bool]:
        """Record usage once per (tenant, Idempotency-Key); returns the line and whether it was a replay.

        A report is bounded on its own (at most MAX_REQUEST_COST_USD, else 422) and admitted, in the
        same transaction that records it, under the reporting tenant's scopes only (else 429 naming
        that scope). It never touches the `global` budget that protects every tenant's calls.
        `idempotency_key` is the header as `orgair.idempotency.check_key` accepted it (the handler
        checks it before calling, 422 naming the header).
        """
        now = self.clock()
        price = self.prices.price(report.model, now)
        if price.provider != report.provider:
            raise ValidationFailed(
                f"Model '{report.model}' is served by '{price.provider}', not '{report.provider}'.",
                errors=[FieldError("provider", f"must be '{price.provider}' for this model")],
            )
        fingerprint = _fingerprint(report)
        existing = self.store.external_marker(meta.tenant_id, idempotency_key)
        if existing is not None:
            return self._replay(existing, meta, fingerprint), True
        cost = price.cost_micros(report.usage)
        cap = usd_to_micros_floor(self.settings.MAX_REQUEST_COST_USD)
        if cost > cap:
            bound = format_usd(cap)
            raise ValidationFailed(
                f"This report costs {format_usd(cost)} USD, above the per-report bound of {bound} USD "
                "(MAX_REQUEST_COST_USD); report each call separately.",
                errors=[
                    FieldError(
                        name, f"the report's tokens together exceed the per-report bound of {bound} USD"
                    )
                    for name in ("input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens")
                    if getattr(report.usage, name)
                ],
            )
        day = day_of(now)
        updates: list[ScopeUpdate] = []
        for scope, limit in self.external_limits(meta.tenant_id):
            ceiling = None if limit is None else admission_ceiling(limit, cost)
            if limit is not None and ceiling is None:
                raise budget_exceeded(scope, limit, self.store.counter(scope, day).committed_micros, now)
            updates.append(
                ScopeUpdate(scope=scope, committed_delta=cost, ceiling=ceiling, limit_micros=limit)
            )
        call_id = str(uuid.uuid5(_EXTERNAL_NAMESPACE, f"{meta.tenant_id}\x1f{idempotency_key}"))
        line = LedgerLine(
            call_id=call_id,
            meta=CallMeta(
                tenant_id=meta.tenant_id,
                purpose=report.purpose,
                correlation_id=meta.correlation_id,
                request_id=meta.request_id,
                parent_request_id=report.parent_request_id or meta.parent_request_id,
                attempt=1,
            ),
            day=day,
            timestamp=now,
            provider=price.provider,
            model=report.model,
            usage=report.usage,
            cost_micros=cost,
            pricing_version=self.prices.version,
            status="settled",
            outcome="reported",
            source="external",
            price_row_id=price.row_id,
        )
        marker = ExternalMarker(
            tenant_id=meta.tenant_id,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            call_id=call_id,
            day=line.day,
            ledger_sk=ledger_sk(now, call_id),
        )
        try:
            self.store.record_external(marker, line, updates, now)
        except ConditionFailed as refusal:
            if refusal.index >= 2:
                update = updates[refusal.index - 2]
                item = refusal.item or {}
                committed = (
                    int(item["committed"]["N"])
                    if "committed" in item
                    else self.store.counter(update.scope, day).committed_micros
                )
                raise budget_exceeded(update.scope, update.limit_micros or 0, committed, now) from None
            if refusal.index != 0:
                raise StoreInconsistency("a new usage report collided with an existing ledger line") from None
            raced = self.store.external_marker(meta.tenant_id, idempotency_key)
            if raced is None:
                raise StoreInconsistency("usage report marker vanished") from None
            return self._replay(raced, meta, fingerprint), True
        return line, False

    def _replay(self, marker: ExternalMarker, meta: CallMeta, fingerprint: str) -> LedgerLine:
        if marker.fingerprint != fingerprint:
            raise ValidationFailed(
                "This Idempotency-Key was already used for a different usage report.",
                errors=[FieldError("Idempotency-Key", "already used with a different body")],
            )
        line = self.store.ledger_line(meta.tenant_id, marker.day, marker.ledger_sk)
        if line is None:
            raise StoreInconsistency("a recorded usage report has no ledger line")
        return line

    # ------------------------------------------------------------------ read side

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
        by_model: dict[str, list[LedgerLine]] = {}
        for line in self.store.ledger_lines(tenant_id, day):
            by_model.setdefault(line.model, []).append(line)
        spends = [
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
        projection = forecast(
            day=day,
            now=now,
            committed_micros=counter.committed_micros,
            settled_micros=counter.settled_micros,
            settled_by_hour=counter.settled_by_hour,
        )
        return CostSummary(
            scope=scope,
            day=day,
            counter=counter,
            limit_micros=limit,
            projection=projection,
            by_model=spends,
            resets_at=next_utc_midnight(start_of_day(day)),
            pricing_version=self.prices.version,
            global_share=share,
        )

    def entries(
        self, tenant_id: str, day: date, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None
    ) -> EntriesPage:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValidationFailed(
                f"limit must be between 1 and {MAX_PAGE_SIZE}.",
                errors=[FieldError("limit", f"must be between 1 and {MAX_PAGE_SIZE}")],
            )
        secret = self.settings.signing_key()
        scope = _cursor_scope(tenant_id, day)
        start = decode_cursor(cursor, secret=secret, scope=scope)
        after = start.get("sk") if start else None
        if start is not None and not isinstance(after, str):
            raise ValidationFailed(
                "The cursor is not valid for this query.", errors=[FieldError("cursor", "invalid")]
            )
        lines, last_sk = self.store.ledger_page(tenant_id, day, limit, after)
        next_cursor = encode_cursor({"sk": last_sk}, secret=secret, scope=scope) if last_sk else None
        return EntriesPage(day=day, lines=lines, next_cursor=next_cursor)

    def alerts(self, tenant_id: str, day: date) -> list[AlertRecord]:
        """Alerts of the tenant's own scope; the global scope's state is not any one tenant's business."""
        return self.store.alerts(day, tenant_scope(tenant_id))

    def open_holds(self, days: Sequence[date], expired_at: datetime | None = None) -> list[Hold]:
        return [hold for day in days for hold in self.store.open_holds(day, expired_at)]
