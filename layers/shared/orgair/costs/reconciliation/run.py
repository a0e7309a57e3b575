"""One run of the daily reconciliation: yesterday (T+1, provisional) and the day before (T+2, close).

For each day and each provider with an admin key: the ledger's figures of the service's own calls
(lines with `source = gateway`, every tenant) against the provider's usage and cost reports, per
model. The result (matched, flagged with its breakdown, or error with its reason) is stored,
replacing an earlier run's; a flagged result claims its alert once per day, provider and stage and
only the winner publishes to the alert topic. A provider whose report cannot be read gives an
`error` result and no alert; the other provider's run goes on.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Protocol

from orgair.costs.money import MICROS_PER_USD, MONEY_CONTEXT, format_usd
from orgair.costs.reconciliation.compare import result_of
from orgair.costs.reconciliation.figures import (
    STAGE_LAG_DAYS,
    ProviderReportError,
    add_model,
    micros_of,
    plus,
)
from orgair.dal.reconciliations import ReconciliationRepository
from orgair.errors import ConfigurationError, DependencyUnavailable
from orgair.observability import logger
from orgair.records.reconciliations import (
    STAGES,
    AlertClaim,
    ModelFigures,
    ReconciliationResult,
    Stage,
    Tokens,
)
from orgair.transport import Deadline

if TYPE_CHECKING:
    from orgair.records.costs import LedgerLine
    from orgair.settings import Settings


CLAIM_LEASE: Final = timedelta(minutes=15)
"""Longer than a run can take (the function's timeout). A run that fails to publish releases its
claim at once; the lease only matters when a run died between its claim and its confirmation."""
MAX_ALERT_ROWS: Final = 50


class AdminSource(Protocol):
    provider: str

    def day(self, day: date, deadline: Deadline) -> dict[str, ModelFigures]: ...


class AlertSink(Protocol):
    def publish(self, subject: str, message: str) -> None: ...


def ledger_figures(lines: Iterable[LedgerLine]) -> dict[str, dict[str, ModelFigures]]:
    """The service's own calls of a day per provider and model (reported usage is not ours to bill)."""
    figures: dict[str, dict[str, ModelFigures]] = {}
    for line in lines:
        if line.source != "gateway":
            continue
        tokens = Tokens(
            input=line.usage.input_tokens,
            cached_input=line.usage.cached_input_tokens,
            cache_write_5m=line.usage.cache_write_tokens,
            output=line.usage.output_tokens,
        )
        amount = MONEY_CONTEXT.divide(Decimal(line.cost_micros), Decimal(MICROS_PER_USD))
        per_model = figures.setdefault(line.provider, {})
        per_model[line.model] = plus(per_model.get(line.model, ModelFigures()), tokens, amount)
    return figures


def admin_sources(settings: Settings) -> list[AdminSource]:
    """The providers with an admin key configured (none configured: nothing is reconciled)."""
    from orgair.costs.reconciliation.anthropic import AnthropicAdmin
    from orgair.costs.reconciliation.openai import OpenAIAdmin

    sources: list[AdminSource] = []
    if settings.configured("OPENAI_ADMIN_KEY"):
        sources.append(
            _LazyKey(
                settings, "OPENAI_ADMIN_KEY", lambda key: OpenAIAdmin(settings.OPENAI_BASE_URL, key), "openai"
            )
        )
    if settings.configured("ANTHROPIC_ADMIN_KEY"):
        sources.append(
            _LazyKey(
                settings,
                "ANTHROPIC_ADMIN_KEY",
                lambda key: AnthropicAdmin(settings.ANTHROPIC_BASE_URL, key),
                "anthropic",
            )
        )
    return sources


class _LazyKey:
    """A source whose admin key is read when it is first needed: a key that cannot be read is that
    provider's error result, not the run's crash."""

    def __init__(
        self, settings: Settings, name: Any, build: Callable[[Any], AdminSource], provider: str
    ) -> None:
        self.settings = settings
        self.name = name
        self.build = build
        self.provider = provider

    def day(self, day: date, deadline: Deadline) -> dict[str, ModelFigures]:
        try:
            key = self.settings.secret(self.name)
        except (ConfigurationError, DependencyUnavailable) as error:
            raise ProviderReportError(
                f"{self.provider}: the admin key could not be read ({type(error).__name__})"
            ) from None
        if key is None:
            raise ProviderReportError(f"{self.provider}: no admin key")
        return self.build(key).day(day, deadline)


@dataclass(slots=True)
class RunReport:
    results: list[ReconciliationResult] = field(default_factory=list)
    alerts_published: list[str] = field(default_factory=list)
    alerts_failed: list[str] = field(default_factory=list)


def alert_subject(result: ReconciliationResult) -> str:
    return f"orgair: {result.provider} bill differs from the ledger on {result.day.isoformat()} ({result.stage})"[
        :100
    ]


def alert_message(result: ReconciliationResult) -> str:
    """The breakdown as JSON: money as 6-place USD strings, tokens per type, why each model is flagged."""
    flagged = result.flagged_rows
    body = {
        "kind": "reconciliation",
        "provider": result.provider,
        "date": result.day.isoformat(),
        "stage": result.stage,
        "ledger_total": format_usd(result.ledger_total_micros),
        "provider_total": format_usd(result.provider_total_micros),
        "flagged_models": len(flagged),
        "models": [
            {
                "model": row.model,
                "reasons": list(row.reasons),
                "ledger": {
                    "cost": format_usd(micros_of(row.ledger.amount_usd)),
                    "tokens": row.ledger.tokens.as_dict(),
                },
                "provider": {
                    "cost": format_usd(micros_of(row.provider.amount_usd)),
                    "tokens": row.provider.tokens.as_dict(),
                },
            }
            for row in flagged[:MAX_ALERT_ROWS]
        ],
        "route": f"GET /costs/reconciliations?date={result.day.isoformat()}",
    }
    return json.dumps(body, sort_keys=True)


class Reconciler:
    """One run over T+1 and T+2 for every configured provider."""

    def __init__(
        self,
        store: ReconciliationRepository,
        sources: list[AdminSource],
        ledger_lines: Callable[[date], Iterable[LedgerLine]],
        sink: AlertSink,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.sources = sources
        self.ledger_lines = ledger_lines
        self.sink = sink
        self.clock = clock

    def run(self, deadline: Deadline, stages: tuple[Stage, ...] = STAGES) -> RunReport:
        report = RunReport()
        if not self.sources:
            return report
        today = self.clock().astimezone(UTC).date()
        for stage in stages:
            day = today - timedelta(days=STAGE_LAG_DAYS[stage])
            ours = ledger_figures(self.ledger_lines(day))
            claims = self.store.alert_claims(day)
            for source in self.sources:
                result = self._reconcile(source, day, stage, ours.get(source.provider, {}), deadline)
                self.store.put_result(result)
                report.results.append(result)
                if result.status == "flagged":
                    self._alert_once(result, claims.get((source.provider, stage)), report)
        return report

    def _reconcile(
        self,
        source: AdminSource,
        day: date,
        stage: Stage,
        ours: Mapping[str, ModelFigures],
        deadline: Deadline,
    ) -> ReconciliationResult:
        try:
            theirs = source.day(day, deadline)
            bounded: dict[str, ModelFigures] = {}
            for model, figures in ours.items():  # the ledger's side is held to the same bounds
                add_model(bounded, model, figures.tokens, figures.amount_usd)
        except ProviderReportError as error:
            logger.warning("reconciliation of %s for %s (%s) failed: %s", source.provider, day, stage, error)
            return ReconciliationResult(
                day=day,
                provider=source.provider,
                stage=stage,
                status="error",
                checked_at=self.clock(),
                error=str(error),
            )
        return result_of(day, source.provider, stage, self.clock(), bounded, theirs)

    def _alert_once(
        self, result: ReconciliationResult, existing: AlertClaim | None, report: RunReport
    ) -> None:
        now = self.clock()
        if existing is not None and (
            existing.state == "published" or now - existing.claimed_at < CLAIM_LEASE
        ):
            return
        claim = AlertClaim(
            day=result.day,
            provider=result.provider,
            stage=result.stage,
            state="claimed",
            claim_token=str(uuid.uuid4()),
            claimed_at=now,
        )
        won = (
            self.store.claim_alert(claim)
            if existing is None
            else self.store.take_over_alert(claim, existing.claim_token)
        )
        if not won:
            return
        name = f"{result.provider}:{result.day.isoformat()}:{result.stage}"
        try:
            self.sink.publish(alert_subject(result), alert_message(result))
        except Exception:
            logger.exception("reconciliation alert %s claimed but not published; claim released", name)
            self.store.release_alert(claim)
            report.alerts_failed.append(name)
            return
        self.store.mark_alert_published(claim, self.clock())
        report.alerts_published.append(name)


class SnsAlertSink:
    """Publishes reconciliation alerts to the alert topic (the budget alerts' SNS client)."""

    def __init__(self, topic_arn: str | None) -> None:
        if not topic_arn:
            raise ConfigurationError("ALERT_TOPIC_ARN: required to publish reconciliation alerts")
        self.topic_arn = topic_arn

    def publish(self, subject: str, message: str) -> None:
        from orgair.aws import sns_client

        sns_client().publish(TopicArn=self.topic_arn, Subject=subject, Message=message)


def every_tenants_lines(
    table_name: str, tenants: Callable[[], list[str]]
) -> Callable[[date], Iterable[LedgerLine]]:
    """The day's ledger lines of every tenant (the ledger is partitioned by tenant and day)."""
    from orgair.dal.costs import CostsStore

    store = CostsStore(table_name)

    def lines(day: date) -> Iterable[LedgerLine]:
        for tenant in tenants():
            yield from store.ledger_lines(tenant, day)

    return lines


def record_run_metrics(report: RunReport) -> None:
    from orgair.business_metrics import record_reconciliation

    for result in report.results:
        record_reconciliation(result.provider, result.status)
