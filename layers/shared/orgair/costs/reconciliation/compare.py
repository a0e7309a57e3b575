"""The comparison of one provider day: per model, dollars and each token type, against thresholds.

A model's dollars differ when |provider − ledger| > max(0.5 % of the provider's amount, $0.25);
a token type differs when |provider − ledger| > 0.1 % of the provider's count (any difference when
the provider counts none). The provider's figures are the reference: they are the bill. Pure:
no I/O, exact `Decimal` and integer arithmetic only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from orgair.costs.reconciliation.figures import micros_of
from orgair.records.reconciliations import (
    TOKEN_TYPES,
    ModelComparison,
    ModelFigures,
    ReconciliationResult,
    Stage,
    Status,
)

DOLLAR_RELATIVE_TOLERANCE: Final = Decimal("0.005")
DOLLAR_ABSOLUTE_TOLERANCE_USD: Final = Decimal("0.25")
TOKEN_RELATIVE_TOLERANCE: Final = Decimal("0.001")


def dollar_tolerance(provider_usd: Decimal) -> Decimal:
    return max(provider_usd * DOLLAR_RELATIVE_TOLERANCE, DOLLAR_ABSOLUTE_TOLERANCE_USD)


def dollars_differ(ledger_usd: Decimal, provider_usd: Decimal) -> bool:
    return abs(provider_usd - ledger_usd) > dollar_tolerance(provider_usd)


def tokens_differ(ledger_tokens: int, provider_tokens: int) -> bool:
    difference = abs(provider_tokens - ledger_tokens)
    return difference > 0 and (provider_tokens == 0 or difference * 1000 > provider_tokens)


def compare_model(model: str, ledger: ModelFigures, provider: ModelFigures) -> ModelComparison:
    reasons: list[str] = []
    if dollars_differ(ledger.amount_usd, provider.amount_usd):
        reasons.append("dollars")
    reasons.extend(
        f"tokens:{token_type}"
        for token_type in TOKEN_TYPES
        if tokens_differ(ledger.tokens.of(token_type), provider.tokens.of(token_type))
    )
    return ModelComparison(model=model, ledger=ledger, provider=provider, reasons=tuple(reasons))


def compare(
    ledger: Mapping[str, ModelFigures], provider: Mapping[str, ModelFigures]
) -> tuple[ModelComparison, ...]:
    """Every model either side names, in name order."""
    empty = ModelFigures()
    return tuple(
        compare_model(model, ledger.get(model, empty), provider.get(model, empty))
        for model in sorted(set(ledger) | set(provider))
    )


def result_of(
    day: date,
    provider: str,
    stage: Stage,
    checked_at: datetime,
    ledger: Mapping[str, ModelFigures],
    reported: Mapping[str, ModelFigures],
) -> ReconciliationResult:
    rows = compare(ledger, reported)
    status: Status = "flagged" if any(row.flagged for row in rows) else "matched"
    return ReconciliationResult(
        day=day,
        provider=provider,
        stage=stage,
        status=status,
        checked_at=checked_at,
        rows=rows,
        ledger_total_micros=sum(micros_of(row.ledger.amount_usd) for row in rows),
        provider_total_micros=sum(micros_of(row.provider.amount_usd) for row in rows),
    )
