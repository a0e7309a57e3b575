"""`GET /costs/reconciliations`: each provider's and stage's result of a day, with its breakdown.

Money as 6-place USD strings (each side's exact amount rounded half-even to the micro-dollar),
tokens per type with the provider's cache writes split by TTL.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orgair import response_examples as ex
from orgair.costs.money import format_usd
from orgair.jsontypes import IsoDay
from orgair.records.reconciliations import AlertClaim, ModelComparison, ModelFigures, ReconciliationResult
from orgair.timestamps import Timestamp, rfc3339

Money = str


class TokensView(BaseModel):
    input: int = Field(description="Uncached input tokens.")
    cached_input: int = Field(description="Input tokens read from the provider's cache.")
    cache_write_5m: int = Field(
        description="Tokens written to the cache with the 5-minute TTL (the ledger's cache writes)."
    )
    cache_write_1h: int = Field(description="Tokens written to the cache with the 1-hour TTL.")
    output: int


class FiguresView(BaseModel):
    cost: Money
    tokens: TokensView

    @classmethod
    def of(cls, figures: ModelFigures) -> FiguresView:
        from orgair.costs.reconciliation.figures import micros_of

        return cls(
            cost=format_usd(micros_of(figures.amount_usd)), tokens=TokensView(**figures.tokens.as_dict())
        )


class ModelReconciliationView(BaseModel):
    model: str = Field(
        description="The provider's model name; '(unattributed)' for costs that name no model."
    )
    flagged: list[str] = Field(
        description="Why the model is flagged: 'dollars' and/or 'tokens:<type>'; empty when within the thresholds."
    )
    ledger: FiguresView
    provider: FiguresView

    @classmethod
    def of(cls, row: ModelComparison) -> ModelReconciliationView:
        return cls(
            model=row.model,
            flagged=list(row.reasons),
            ledger=FiguresView.of(row.ledger),
            provider=FiguresView.of(row.provider),
        )


class ReconciliationAlertView(BaseModel):
    state: Literal["claimed", "published"]
    claimed_at: Timestamp
    published_at: Timestamp | None


class ReconciliationView(BaseModel):
    provider: str
    stage: Literal["provisional", "close"] = Field(description="provisional: checked at T+1; close: at T+2.")
    status: Literal["matched", "flagged", "error"]
    checked_at: Timestamp
    error: str | None = Field(description="Why the provider's report could not be used (status error).")
    ledger_total: Money
    provider_total: Money
    models: list[ModelReconciliationView]
    alert: ReconciliationAlertView | None

    @classmethod
    def of(cls, result: ReconciliationResult, claim: AlertClaim | None) -> ReconciliationView:
        return cls(
            provider=result.provider,
            stage=result.stage,
            status=result.status,
            checked_at=rfc3339(result.checked_at),
            error=result.error,
            ledger_total=format_usd(result.ledger_total_micros),
            provider_total=format_usd(result.provider_total_micros),
            models=[ModelReconciliationView.of(row) for row in result.rows],
            alert=None
            if claim is None
            else ReconciliationAlertView(
                state=claim.state,
                claimed_at=rfc3339(claim.claimed_at),
                published_at=rfc3339(claim.published_at) if claim.published_at else None,
            ),
        )


class ReconciliationsView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.RECONCILIATIONS]})

    date: IsoDay
    items: list[ReconciliationView]
