"""Business metrics reach CloudWatch as EMF in the Orgair namespace with the dimensions the
dashboard and alarms in template.yaml query; a wrong name, unit or dimension fails here."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from typing import Any

import pytest
from orgair import business_metrics as bm
from support.lambda_events import ROOT


def emitted(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """Every EMF record printed since the last call."""
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def only_record(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    records = emitted(capsys)
    assert len(records) == 1, records
    return records[0]


def directive(record: dict[str, Any]) -> dict[str, Any]:
    (block,) = record["_aws"]["CloudWatchMetrics"]
    assert isinstance(block, dict)
    return block


def metric_units(record: dict[str, Any]) -> dict[str, str]:
    return {metric["Name"]: metric["Unit"] for metric in directive(record)["Metrics"]}


def dimension_names(record: dict[str, Any]) -> set[str]:
    (names,) = directive(record)["Dimensions"]
    return set(names)


def test_score_computed_is_a_count_in_the_orgair_namespace_by_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bm.record_score_computed("v2.0")

    record = only_record(capsys)
    assert directive(record)["Namespace"] == "Orgair"
    assert metric_units(record) == {"ScoresComputed": "Count"}
    assert record["ScoresComputed"] == [1.0]
    assert dimension_names(record) == {"service", "environment", "param_version"}
    assert (record["service"], record["environment"], record["param_version"]) == (
        "orgair",
        "development",
        "v2.0",
    )


def test_environment_dimension_follows_app_env(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_ENV", "staging")
    monkeypatch.setenv("SECRET_KEY", "a-staging-secret-key-of-enough-length-42")  # staging needs its own

    bm.record_review_opened()

    assert only_record(capsys)["environment"] == "staging"


@pytest.mark.parametrize(
    ("emit", "name", "extra_dimensions"),
    [
        (bm.record_review_opened, "ReviewsOpened", {}),
        (lambda: bm.record_review_decided("reject"), "ReviewsDecided", {"decision": "reject"}),
        (lambda: bm.record_assessment("failed"), "Assessments", {"outcome": "failed"}),
        (
            lambda: bm.record_llm_attempt("anthropic", "error"),
            "LlmAttempts",
            {"provider": "anthropic", "outcome": "error"},
        ),
        (bm.record_llm_fallback, "LlmFallbacks", {}),
    ],
)
def test_event_counters_carry_only_their_own_low_cardinality_dimensions(
    capsys: pytest.CaptureFixture[str],
    emit: Callable[[], None],
    name: str,
    extra_dimensions: dict[str, str],
) -> None:
    emit()

    record = only_record(capsys)
    assert metric_units(record) == {name: "Count"}
    assert record[name] == [1.0]
    assert dimension_names(record) == {"service", "environment", *extra_dimensions}
    for key, value in extra_dimensions.items():
        assert record[key] == value


def test_spend_is_recorded_in_micro_usd_without_a_unit(capsys: pytest.CaptureFixture[str]) -> None:
    bm.record_spend(12_345_678)

    record = only_record(capsys)
    assert metric_units(record) == {"LlmSpendMicroUsd": "None"}
    assert record["LlmSpendMicroUsd"] == [12_345_678.0]


def test_budget_utilisation_reports_percent_committed_and_limit_in_one_record(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bm.record_budget_utilisation("global", committed_micro_usd=400_000_000, limit_micro_usd=500_000_000)

    record = only_record(capsys)
    assert metric_units(record) == {
        "BudgetUtilisation": "Percent",
        "BudgetCommittedMicroUsd": "None",
        "BudgetLimitMicroUsd": "None",
    }
    assert record["BudgetUtilisation"] == [80.0]
    assert record["BudgetCommittedMicroUsd"] == [400_000_000.0]
    assert record["BudgetLimitMicroUsd"] == [500_000_000.0]
    assert record["scope"] == "global"


def test_tenant_budgets_share_one_series_so_tenant_ids_never_become_dimensions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bm.record_budget_utilisation("tenant:acme", committed_micro_usd=5, limit_micro_usd=10)

    record = only_record(capsys)
    assert record["scope"] == "tenant"
    assert "acme" not in json.dumps(record)


def test_unknown_budget_scope_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="unknown budget scope"):
        bm.record_budget_utilisation("acme", committed_micro_usd=1, limit_micro_usd=2)
    assert emitted(capsys) == []


@pytest.mark.parametrize(
    ("committed", "limit", "percent"),
    [(0, 0, 0.0), (1, 0, 100.0), (250, 1000, 25.0), (1500, 1000, 150.0)],
)
def test_utilisation_percent_handles_zero_and_exceeded_limits(
    committed: int, limit: int, percent: float
) -> None:
    assert bm.utilisation_percent(committed, limit) == percent


def test_holds_open_and_uncertain_settlements_are_counts(capsys: pytest.CaptureFixture[str]) -> None:
    bm.record_holds_open(3)
    bm.record_uncertain_settlements(2)

    holds, uncertain = emitted(capsys)
    assert metric_units(holds) == {"HoldsOpen": "Count"}
    assert holds["HoldsOpen"] == [3.0]
    assert metric_units(uncertain) == {"UncertainSettlements": "Count"}
    assert uncertain["UncertainSettlements"] == [2.0]


@pytest.mark.parametrize(
    "emit",
    [
        lambda: bm.record_spend(-1),
        lambda: bm.record_holds_open(-1),
        lambda: bm.record_uncertain_settlements(-2),
        lambda: bm.record_budget_utilisation("global", committed_micro_usd=-1, limit_micro_usd=1),
    ],
)
def test_negative_amounts_are_a_caller_bug_and_emit_nothing(
    capsys: pytest.CaptureFixture[str], emit: Callable[[], None]
) -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        emit()
    assert emitted(capsys) == []


def test_one_record_does_not_leak_its_dimensions_into_the_next(capsys: pytest.CaptureFixture[str]) -> None:
    bm.record_review_decided("approve")
    bm.record_llm_fallback()

    _, fallback = emitted(capsys)
    assert dimension_names(fallback) == {"service", "environment"}


def test_no_function_or_layer_module_spells_a_metric_name_inline() -> None:
    """Every `add_metric(name=...)` outside business_metrics names one of its constants."""
    sources = [*(ROOT / "functions").rglob("*.py"), *(ROOT / "layers" / "shared" / "orgair").rglob("*.py")]
    inline = []
    for path in sources:
        if path.name == "business_metrics.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add_metric":
                names = [keyword.value for keyword in node.keywords if keyword.arg == "name"] + node.args[:1]
                inline += [
                    f"{path.relative_to(ROOT)}:{node.lineno}"
                    for name in names
                    if isinstance(name, ast.Constant)
                ]
    assert sources
    assert inline == [], f"metric names spelled inline (add a constant to business_metrics): {inline}"


def test_a_call_degraded_by_its_jobs_budget_counts_under_the_job_kind_never_its_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bm.record_llm_degraded("default_not_admissible", "job:01JD3Q5ZKXW8M4T7V2N6R9B1CE")

    record = only_record(capsys)
    assert record["scope"] == "job"
    assert "01JD3Q5ZKXW8M4T7V2N6R9B1CE" not in json.dumps(record)
