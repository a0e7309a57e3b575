"""Test helpers for cost governance: an injectable UTC clock, settings, and ledger reconciliation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from orgair.costs.budget import GLOBAL_SCOPE, external_scope, tenant_scope
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import PriceTable, Usage
from orgair.records.costs import CallMeta, LedgerLine
from orgair.settings import Settings, load_settings

OPENAI_TEST_URL = "https://openai.test/v1"
ANTHROPIC_TEST_URL = "https://anthropic.test"


@dataclass
class FakeClock:
    """A settable UTC clock: tests move time instead of sleeping."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def at(text: str) -> datetime:
    """`2026-03-01T12:00:00` as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def cost_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "DAILY_COST_BUDGET_USD": Decimal("500"),
        "MAX_REQUEST_COST_USD": Decimal("1.00"),
        "OPENAI_BASE_URL": OPENAI_TEST_URL,
        "ANTHROPIC_BASE_URL": ANTHROPIC_TEST_URL,
        "OPENAI_API_KEY": "sk-test-openai-key",
        "ANTHROPIC_API_KEY": "anthropic-test-key",
        "LLM_MAX_RETRIES": 1,
    }
    values.update(overrides)
    return load_settings(**values)


def call_meta(tenant: str = "acme", attempt: int = 1, parent_request_id: str = "parent-1") -> CallMeta:
    """The attribution of one assessment call of `tenant` (fixed correlation and request ids)."""
    return CallMeta(
        tenant_id=tenant,
        purpose="assessment",
        correlation_id="corr-1",
        request_id="req-1",
        parent_request_id=parent_request_id,
        attempt=attempt,
    )


def settled_line(
    table: PriceTable, model: str, timestamp: datetime, usage: Usage, meta: CallMeta, call_id: str
) -> LedgerLine:
    """A settled, answered gateway call of `model` at `timestamp`, priced exactly as the ledger prices it."""
    row = table.price(model, timestamp)
    return LedgerLine(
        call_id=call_id,
        meta=meta,
        day=timestamp.date(),
        timestamp=timestamp,
        provider=row.provider,
        model=model,
        usage=usage,
        cost_micros=row.cost_micros(usage),
        pricing_version=table.version,
        status="settled",
        outcome="answered",
        source="gateway",
        price_row_id=row.row_id,
    )


def ledger_total(ledger: CostLedger, tenant_id: str, day: Any) -> int:
    return sum(line.cost_micros for line in ledger.store.ledger_lines(tenant_id, day))


def assert_reconciled(ledger: CostLedger, tenants: list[str], day: Any) -> None:
    """Σ ledger lines = settled of every scope, to the micro-dollar; nothing left held.

    `global` counts this service's own calls only (`source = gateway`); reported usage is in the
    tenant's scope and its `external:<id>` scope, never in `global`.
    """
    totals = {tenant: ledger_total(ledger, tenant, day) for tenant in tenants}
    gateway = 0
    for tenant, total in totals.items():
        counter = ledger.store.counter(tenant_scope(tenant), day)
        assert counter.settled_micros == total
        assert counter.committed_micros == counter.settled_micros
        lines = list(ledger.store.ledger_lines(tenant, day))
        external = sum(line.cost_micros for line in lines if line.source == "external")
        gateway += sum(line.cost_micros for line in lines if line.source == "gateway")
        external_counter = ledger.store.counter(external_scope(tenant), day)
        assert external_counter.settled_micros == external
        assert external_counter.committed_micros == external
    global_counter = ledger.store.counter(GLOBAL_SCOPE, day)
    assert global_counter.settled_micros == gateway
    assert global_counter.committed_micros == global_counter.settled_micros
