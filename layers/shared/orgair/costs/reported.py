"""Usage another service reports (`POST /costs`): priced from our own table, admitted under the
reporting tenant's scopes only, recorded once per (tenant, Idempotency-Key)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Final

from orgair.costs.budget import day_of
from orgair.costs.ledger_base import LedgerBase
from orgair.costs.money import format_usd, usd_to_micros_floor
from orgair.dal.costs import Duplicate, ScopeRefused, StoreInconsistency, ledger_sk
from orgair.errors import FieldError, ValidationFailed
from orgair.records.costs import CallMeta, ExternalMarker, LedgerLine, Usage

_EXTERNAL_NAMESPACE: Final = uuid.UUID("0b8f5f7e-52a4-4c55-b0a5-6f3a8f1d2c44")
_TOKEN_FIELDS: Final = ("input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens")


@dataclass(frozen=True, slots=True)
class UsageReport:
    """Usage another service reports (`POST /costs`), priced here from our own table."""

    provider: str
    model: str
    usage: Usage
    purpose: str = "external"
    parent_request_id: str | None = None


def _fingerprint(report: UsageReport) -> str:
    """A digest of every field of the report (the whole request body), so a reused key with any
    difference — tokens, model, purpose or parent request id — is refused instead of replayed."""
    canonical = json.dumps(
        {
            "provider": report.provider,
            "model": report.model,
            "purpose": report.purpose,
            "parent_request_id": report.parent_request_id,
            **{name: getattr(report.usage, name) for name in _TOKEN_FIELDS},
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class ReportedUsage(LedgerBase):
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
                    for name in _TOKEN_FIELDS
                    if getattr(report.usage, name)
                ],
            )
        day = day_of(now)
        updates = self.admission(self.external_limits(meta.tenant_id), cost, day, now)
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
        outcome = self.store.record_external(marker, line, updates, now)
        if isinstance(outcome, ScopeRefused):
            raise self.refusal(outcome, day, now)
        if isinstance(outcome, Duplicate):
            raced = self.store.external_marker(meta.tenant_id, idempotency_key)
            if raced is None:
                raise StoreInconsistency("usage report marker vanished")
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
