"""The business metrics of orgair: one typed function per metric, so callers never spell a metric
name, a unit or a dimension themselves and the dashboard and alarms in template.yaml stay true.

Each call writes one CloudWatch Embedded Metric Format record to stdout at once (namespace Orgair),
with its own dimensions: `service`, `environment` (APP_ENV, so dev, staging and prod never mix in
one series) and at most two low-cardinality dimensions of its own. Per-event dimensions are why
these do not go through the shared `metrics` buffer, whose dimensions apply to every metric of an
invocation. Tenant ids, model names and amounts are never dimensions (cost and cardinality).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

from orgair.observability import METRICS_NAMESPACE, SERVICE_NAME

if TYPE_CHECKING:
    from orgair.records.costs import Provider
    from orgair.scoring.versions import ParamVersion

ReviewDecision = Literal["approve", "reject"]
AssessmentOutcome = Literal["completed", "failed"]
LlmOutcome = Literal["success", "error"]
ScopeKind = Literal["global", "tenant"]
OutputMode = Literal["structured", "prompt"]
DegradeScopeKind = Literal["global", "tenant", "global-share", "job"]

SCORES_COMPUTED: Final = "ScoresComputed"
REVIEWS_OPENED: Final = "ReviewsOpened"
REVIEWS_DECIDED: Final = "ReviewsDecided"
ASSESSMENTS: Final = "Assessments"
LLM_ATTEMPTS: Final = "LlmAttempts"
LLM_FALLBACKS: Final = "LlmFallbacks"
LLM_SPEND_MICRO_USD: Final = "LlmSpendMicroUsd"
BUDGET_UTILISATION: Final = "BudgetUtilisation"
BUDGET_COMMITTED_MICRO_USD: Final = "BudgetCommittedMicroUsd"
BUDGET_LIMIT_MICRO_USD: Final = "BudgetLimitMicroUsd"
HOLDS_OPEN: Final = "HoldsOpen"
UNCERTAIN_SETTLEMENTS: Final = "UncertainSettlements"
ANOMALOUS_PROVIDER_USAGE: Final = "AnomalousProviderUsage"
LLM_REPAIRS: Final = "LlmRepairs"
LLM_DEGRADED_CALLS: Final = "LlmDegradedCalls"

# The authorizer's counts: added to the shared `metrics` buffer (one record per invocation, with
# the cold-start metric), not emitted through `_emit`; their names live here with every other.
API_KEY_ACCEPTED: Final = "ApiKeyAccepted"
API_KEY_REJECTED: Final = "ApiKeyRejected"
API_KEY_WITHOUT_USAGE_KEY: Final = "ApiKeyWithoutUsageKey"
API_KEY_STORE_UNAVAILABLE: Final = "ApiKeyStoreUnavailable"
AUTHORIZER_ERROR: Final = "AuthorizerError"


def _emit(
    values: list[tuple[str, MetricUnit, float]],
    dimensions: dict[str, str] | None = None,
) -> None:
    """One EMF record with the common dimensions plus the event's own, flushed immediately."""
    # Imported here: the authorizer imports this module for its metric names only, and its init
    # does not load the settings module (aws.py loads it with the first client).
    from orgair.settings import get_settings

    record = EphemeralMetrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)
    record.add_dimension(name="environment", value=get_settings().APP_ENV)
    for name, value in (dimensions or {}).items():
        record.add_dimension(name=name, value=value)
    for name, unit, amount in values:
        record.add_metric(name=name, unit=unit, value=amount)
    record.flush_metrics()


def _non_negative(name: str, value: int) -> int:
    if value < 0:
        raise ValueError(f"{name} cannot be negative (got {value})")
    return value


def record_score_computed(version: ParamVersion, count: int = 1) -> None:
    """`count` company or individual scores were computed (stored or simulated) under `version`."""
    _emit([(SCORES_COMPUTED, MetricUnit.Count, _non_negative("count", count))], {"param_version": version})


def record_review_opened(count: int = 1) -> None:
    """Stored scores opened `count` human review items (status pending)."""
    _emit([(REVIEWS_OPENED, MetricUnit.Count, _non_negative("count", count))])


def record_review_decided(decision: ReviewDecision) -> None:
    """A reviewer approved or rejected a pending review item."""
    _emit([(REVIEWS_DECIDED, MetricUnit.Count, 1)], {"decision": decision})


def record_assessment(outcome: AssessmentOutcome) -> None:
    """An evidence assessment finished: `completed` stored a score, `failed` did not."""
    _emit([(ASSESSMENTS, MetricUnit.Count, 1)], {"outcome": outcome})


def record_llm_attempt(provider: Provider, outcome: LlmOutcome) -> None:
    """One provider call that may be billed (every attempt, including retries and fallbacks)."""
    _emit([(LLM_ATTEMPTS, MetricUnit.Count, 1)], {"provider": provider, "outcome": outcome})


def record_llm_fallback() -> None:
    """A request moved from the default model to the fallback model."""
    _emit([(LLM_FALLBACKS, MetricUnit.Count, 1)])


def record_spend(micro_usd: int) -> None:
    """Money settled on the ledger by one call, in integer micro-USD (Sum over a period = spend)."""
    _emit([(LLM_SPEND_MICRO_USD, MetricUnit.NoUnit, _non_negative("micro_usd", micro_usd))])


def utilisation_percent(committed_micro_usd: int, limit_micro_usd: int) -> float:
    """committed / limit in percent; a zero limit is fully used as soon as anything is committed."""
    if limit_micro_usd <= 0:
        return 100.0 if committed_micro_usd > 0 else 0.0
    return float(Decimal(committed_micro_usd) * 100 / Decimal(limit_micro_usd))


def record_budget_utilisation(scope: str, committed_micro_usd: int, limit_micro_usd: int) -> None:
    """Today's committed amount against the limit of one budget scope (`global` or `tenant:<id>`).

    Tenant scopes share the dimension `scope=tenant` (read its Maximum: the most used tenant), so
    the number of series does not grow with the number of tenants. The budget alarm watches
    `scope=global`; the dashboard plots committed against limit from the same record.
    """
    kind: ScopeKind = "global" if scope == "global" else "tenant"
    if kind == "tenant" and not scope.startswith("tenant:"):
        raise ValueError(f"unknown budget scope {scope!r}; expected 'global' or 'tenant:<id>'")
    committed = _non_negative("committed_micro_usd", committed_micro_usd)
    limit = _non_negative("limit_micro_usd", limit_micro_usd)
    _emit(
        [
            (BUDGET_UTILISATION, MetricUnit.Percent, utilisation_percent(committed, limit)),
            (BUDGET_COMMITTED_MICRO_USD, MetricUnit.NoUnit, committed),
            (BUDGET_LIMIT_MICRO_USD, MetricUnit.NoUnit, limit),
        ],
        {"scope": kind},
    )


def record_holds_open(count: int) -> None:
    """Budget holds still open when the budget check ran (a gauge: read its Maximum)."""
    _emit([(HOLDS_OPEN, MetricUnit.Count, _non_negative("count", count))])


def record_uncertain_settlements(count: int) -> None:
    """Expired holds the budget check settled conservatively as `uncertain` in one run."""
    _emit([(UNCERTAIN_SETTLEMENTS, MetricUnit.Count, _non_negative("count", count))])


def record_anomalous_usage() -> None:
    """A provider reported usage costing more than the call's reservation; it was settled at the
    reservation and flagged `anomalous` on its ledger line. One series per environment (no
    per-provider dimension) so AnomalousProviderUsageAlarm watches exactly one metric; the log
    line of the settlement names the call and the model."""
    _emit([(ANOMALOUS_PROVIDER_USAGE, MetricUnit.Count, 1)])


def record_llm_repair(mode: OutputMode) -> None:
    """An answer failed validation and a paid repair request follows; `mode` is how the structure was
    asked for (`structured`: native structured outputs, `prompt`: the schema in the prompt)."""
    _emit([(LLM_REPAIRS, MetricUnit.Count, 1)], {"mode": mode})


def record_llm_degraded(reason: str, scope: str) -> None:
    """A request was routed to DEGRADED_LLM_MODEL; `reason` is `soft_threshold` or
    `default_not_admissible`, the scope is reduced to its kind (tenant ids are never dimensions)."""
    if reason not in ("soft_threshold", "default_not_admissible"):
        raise ValueError(f"unknown degrade reason {reason!r}")
    kind: DegradeScopeKind
    if scope == "global":
        kind = "global"
    elif scope.startswith("tenant:"):
        kind = "tenant"
    elif scope.startswith("global-share:"):
        kind = "global-share"
    elif scope.startswith("job:"):
        kind = "job"  # a job's own budget (orgair.costs.job_budget)
    else:
        raise ValueError(f"unknown budget scope {scope!r}")
    _emit([(LLM_DEGRADED_CALLS, MetricUnit.Count, 1)], {"reason": reason, "scope": kind})


RECONCILIATIONS: Final = "Reconciliations"
ReconciliationStatus = Literal["matched", "flagged", "error"]


def record_reconciliation(provider: str, status: ReconciliationStatus) -> None:
    """One provider day reconciled with its bill: `matched`, `flagged` (an alert was due) or `error`
    (its admin report could not be read; the result says why)."""
    _emit([(RECONCILIATIONS, MetricUnit.Count, 1)], {"provider": provider, "status": status})
