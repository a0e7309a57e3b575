"""`orgair budgets show|set` against the embedded DynamoDB (locally and with `--aws`, whose STS and
CloudFormation the embedded moto server answers too), through `main()` as the console script calls it."""

from __future__ import annotations

import getpass
import json
import uuid
from typing import Any

import pytest
from orgair.auth.keys import create_key
from orgair.costs.budget import global_share_scope, tenant_scope
from orgair.costs.ledger import CostLedger
from orgair.costs.money import format_usd
from orgair.costs.pricing import Usage
from orgair.dal.costs import CostsStore
from orgair.records.costs import CallMeta
from support.costs import cost_settings

from devtools.cli import main
from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.localrun.aws_services import aws_client

MODEL = "gpt-4o-2024-08-06"


@pytest.fixture
def tenants(dynamodb: EmbeddedDynamoDB) -> list[str]:
    for tenant in ("acme", "globex"):
        create_key(tenant_id=tenant, scopes=frozenset({"costs:read"}), name="test")
    return ["acme", "globex"]


def run(dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--endpoint-url", dynamodb.endpoint_url, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def field(out: str, name: str) -> str:
    """The value printed after `name` on its own line of `budgets show`."""
    [line] = [line for line in out.splitlines() if line.strip().startswith(name + " ")]
    return line.strip().removeprefix(name).split()[0]


def store() -> CostsStore:
    return CostsStore("CostsTable")


def test_set_stores_the_budget_through_the_layer_with_who_and_when(
    dynamodb: EmbeddedDynamoDB, tenants: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(dynamodb, capsys, "budgets", "set", "--tenant", "acme", "--daily-usd", "25.5")

    assert code == 0, err
    setting = store().tenant_budget_setting("acme")
    assert setting is not None
    assert setting.limit_micros == 25_500_000
    assert setting.updated_by == f"local:{getpass.getuser()}"
    assert setting.updated_at is not None
    assert store().tenant_limit("acme") == 25_500_000
    assert "tenant acme: daily budget 25.500000 USD" in out
    assert f"set by local:{getpass.getuser()}" in out
    [change] = store().budget_history("acme", 10)
    assert (change.limit_micros, change.changed_by) == (25_500_000, f"local:{getpass.getuser()}")


def test_show_for_a_tenant_shows_its_budget_who_set_it_and_every_change(
    dynamodb: EmbeddedDynamoDB, tenants: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    run(dynamodb, capsys, "budgets", "set", "--tenant", "acme", "--daily-usd", "10")
    run(dynamodb, capsys, "budgets", "set", "--tenant", "acme", "--daily-usd", "12.345678")
    code, out, err = run(dynamodb, capsys, "budgets", "show", "--tenant", "acme")

    assert code == 0, err
    assert field(out, "daily budget") == "12.345678"
    assert field(out, "set by") == f"local:{getpass.getuser()}"
    changes = [line.split(": ")[-1] for line in out.splitlines() if line.strip().startswith("change ")]
    assert changes == ["12.345678", "10.000000"]


def test_remove_drops_the_budget_and_the_history_keeps_the_removal(
    dynamodb: EmbeddedDynamoDB, tenants: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    run(dynamodb, capsys, "budgets", "set", "--tenant", "acme", "--daily-usd", "10")
    code, out, _ = run(dynamodb, capsys, "budgets", "set", "--tenant", "acme", "--remove")

    assert code == 0
    assert "daily budget removed" in out
    assert store().tenant_limit("acme") is None
    assert [change.limit_micros for change in store().budget_history("acme", 10)] == [None, 10_000_000]


def test_show_prints_the_global_budget_and_every_tenants_figures_from_the_counters(
    dynamodb: EmbeddedDynamoDB,
    tenants: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAILY_COST_BUDGET_USD", "40")
    ledger = CostLedger(cost_settings(DAILY_COST_BUDGET_USD="40"))
    meta = CallMeta(tenant_id="acme", purpose="t", correlation_id="c", request_id="r", parent_request_id="r")
    settled = ledger.settle(
        ledger.reserve(meta, MODEL, ledger.estimate(MODEL, ["x" * 90], 200)),
        Usage(input_tokens=30, output_tokens=120),
        outcome="ok",
    )
    held = ledger.reserve(meta, MODEL, ledger.estimate(MODEL, ["y" * 90], 200))
    run(dynamodb, capsys, "budgets", "set", "--tenant", "globex", "--daily-usd", "3")

    code, out, err = run(dynamodb, capsys, "budgets", "show")

    assert code == 0, err
    day = held.day
    committed = ledger.store.counter("global", day).committed_micros
    assert committed == settled.cost_micros + held.estimate_micros
    assert field(out, "limit") == "40.000000"
    assert "DAILY_COST_BUDGET_USD of this shell" in out
    assert field(out, "committed") == format_usd(committed)
    assert field(out, "settled") == format_usd(settled.cost_micros)
    assert field(out, "held") == format_usd(held.estimate_micros)
    assert field(out, "available") == format_usd(40_000_000 - committed)
    rows = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line.split()[:1] in (["acme"], ["globex"])
    }
    assert rows["acme"][1:5] == [
        "-",
        format_usd(ledger.store.counter(tenant_scope("acme"), day).committed_micros),
        format_usd(settled.cost_micros),
        format_usd(held.estimate_micros),
    ]
    assert ledger.store.counter(global_share_scope("acme"), day).committed_micros == committed
    assert rows["globex"][1:3] == ["3.000000", "0.000000"]


@pytest.mark.parametrize(
    "value", ["0", "0.000000", "-5", "abc", "1e3", "NaN", "Infinity", "0.0000001", "1000000.000001", "12,50"]
)
def test_a_bad_amount_is_refused_with_exit_2_naming_daily_usd_and_nothing_is_written(
    dynamodb: EmbeddedDynamoDB, tenants: list[str], capsys: pytest.CaptureFixture[str], value: str
) -> None:
    code, out, err = run(dynamodb, capsys, "budgets", "set", "--tenant", "acme", "--daily-usd", value)

    assert code == 2
    assert "daily_usd" in err
    assert out == ""
    assert store().tenant_budget_setting("acme") is None
    assert store().budget_history("acme", 10) == []


def test_the_largest_budget_allowed_is_accepted(
    dynamodb: EmbeddedDynamoDB, tenants: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        dynamodb, capsys, "budgets", "set", "--tenant", "acme", "--daily-usd", "1000000.000000"
    )
    assert code == 0, err
    assert store().tenant_limit("acme") == 1_000_000_000_000


@pytest.mark.parametrize(
    "args",
    [
        ("--tenant", "acme"),
        ("--tenant", "acme", "--daily-usd", "5", "--remove"),
        ("--daily-usd", "5"),
        ("--tenant", "a#b", "--daily-usd", "5"),
    ],
)
def test_an_incomplete_or_contradictory_set_is_refused_with_exit_2(
    dynamodb: EmbeddedDynamoDB, tenants: list[str], capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out, err = run(dynamodb, capsys, "budgets", "set", *args)
    assert code == 2
    assert err.startswith("error: ")
    assert out == ""
    assert store().tenant_budget_settings() == {}


def test_set_global_refuses_and_names_the_template_parameter_and_the_deploy(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(dynamodb, capsys, "budgets", "set", "--global", "--daily-usd", "900")
    assert code == 2
    assert out == ""
    assert "DailyCostBudgetUsd" in err
    assert "samconfig.toml" in err
    assert "deploy" in err


def test_show_of_an_unknown_tenant_fails_with_exit_1(
    dynamodb: EmbeddedDynamoDB, tenants: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(dynamodb, capsys, "budgets", "show", "--tenant", "nobody")
    assert code == 1
    assert "nobody" in err


def test_show_of_a_bad_day_is_refused_with_exit_2(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(dynamodb, capsys, "budgets", "show", "--day", "yesterday")
    assert code == 2
    assert "YYYY-MM-DD" in err


# ---------------------------------------------------------------- --aws


@pytest.fixture
def aws(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> EmbeddedDynamoDB:
    """`--aws` pointed at the embedded moto server (DynamoDB, STS, CloudFormation)."""
    for service in ("STS", "CLOUDFORMATION"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", dynamodb.endpoint_url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    return dynamodb


def cloudformation(dynamodb: EmbeddedDynamoDB) -> Any:
    return aws_client("cloudformation", dynamodb.endpoint_url)


def test_aws_set_records_the_callers_arn(
    aws: EmbeddedDynamoDB, tenants: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--aws", "budgets", "set", "--tenant", "acme", "--daily-usd", "7"])
    out = capsys.readouterr().out

    assert code == 0
    setting = store().tenant_budget_setting("acme")
    assert setting is not None
    assert setting.limit_micros == 7_000_000
    assert setting.updated_by.startswith("arn:aws:")
    assert setting.updated_by in out


def test_aws_show_reads_the_global_limit_from_the_stacks_parameter(
    aws: EmbeddedDynamoDB, tenants: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    stack = f"orgair-{uuid.uuid4().hex[:8]}"
    template = {
        "Parameters": {"DailyCostBudgetUsd": {"Type": "Number", "Default": 500}},
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
    }
    cloudformation(aws).create_stack(
        StackName=stack,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "DailyCostBudgetUsd", "ParameterValue": "125.5"}],
    )
    code = main(["--aws", "--stack", stack, "budgets", "show"])
    captured = capsys.readouterr()

    assert code == 0, captured.err
    assert field(captured.out, "limit") == "125.500000"
    assert f"DailyCostBudgetUsd of stack {stack}" in captured.out
    assert "at most 62.750000 per tenant" in captured.out
