"""`orgair costs restate` against the embedded DynamoDB (locally and with `--aws`, whose STS the
embedded moto server answers), through `main()` as the console script calls it.

The day's calls go through the ledger at the layer's price table; then a late price change is
appended to that table (a row in force since the start of the day, as an operator appends one to
pricing.json and deploys), and the command restates the day at it."""

from __future__ import annotations

import getpass
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from orgair.costs import pricing
from orgair.costs.budget import start_of_day, tenant_scope
from orgair.costs.corrections import rederive_total
from orgair.costs.ledger import CostLedger
from orgair.costs.money import format_usd
from orgair.costs.pricing import PriceTable, Usage, price_table
from orgair.dal.costs import CostsStore
from orgair.records.costs import CallMeta
from support.costs import FakeClock, cost_settings

from devtools.cli import main
from devtools.embedded_dynamodb import EmbeddedDynamoDB

MODEL = "gpt-4o-2024-08-06"
OTHER = "gpt-4o-mini-2024-07-18"
DAY = datetime.now(UTC).date() - timedelta(days=2)
LAYER_PRICES = price_table()  # before any late row: what priced the day's calls


def store() -> CostsStore:
    return CostsStore("CostsTable")


def spend_day(day: date) -> int:
    """Three calls of MODEL and one of OTHER on `day`, priced at the layer's table; their total."""
    clock = FakeClock(datetime.combine(day, time(10), tzinfo=UTC))
    ledger = CostLedger(cost_settings(), clock=clock, prices=LAYER_PRICES)
    for index, model in enumerate((MODEL, MODEL, MODEL, OTHER)):
        meta = CallMeta("acme", "assessment", f"c{index}", f"r{index}", f"r{index}")
        hold = ledger.reserve(meta, model, 200_000, call_id=f"call-{day}-{index}")
        clock.advance(seconds=30)
        ledger.settle(hold, Usage(input_tokens=1_000 * (index + 1), output_tokens=300), outcome="ok")
    return sum(line.cost_micros for line in store().day_lines(day))


def raised_price(table: PriceTable, since: date) -> PriceTable:
    """`table` plus a row for MODEL in force since `since` with a dearer input price."""
    last = table.price(MODEL, start_of_day(since))
    row = replace(
        last,
        input=last.input + Decimal("0.25"),
        effective_from=start_of_day(since),
        source="provider restatement (test)",
    )
    return table.with_row(row, f"{table.version}+restated")


@pytest.fixture
def restated_prices(monkeypatch: pytest.MonkeyPatch) -> PriceTable:
    """The layer's price table after the late row was appended (what the deployed layer holds)."""
    table = raised_price(LAYER_PRICES, DAY)
    monkeypatch.setattr(pricing, "price_table", lambda: table)
    return table


def restate(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    code = main(["--endpoint-url", dynamodb.endpoint_url, "costs", "restate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def printed(out: str, name: str) -> str:
    [line] = [line for line in out.splitlines() if line.strip().startswith(name + " ")]
    return line.strip().removeprefix(name).strip()


def test_restate_appends_one_correction_per_repriced_line_and_prints_the_totals(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str], restated_prices: PriceTable
) -> None:
    before = spend_day(DAY)

    code, out, err = restate(dynamodb, capsys, "--day", DAY.isoformat(), "--reason", "OpenAI restated input")

    assert code == 0, err
    lines = store().day_lines(DAY)
    corrections = [line for line in lines if line.kind == "correction"]
    after = sum(line.cost_micros for line in lines)
    assert len(corrections) == 3  # the three calls of MODEL; OTHER's row did not change
    assert {line.model for line in corrections} == {MODEL}
    assert all(
        line.price_row_id == restated_prices.price(MODEL, start_of_day(DAY)).row_id for line in corrections
    )
    assert after > before
    assert after == rederive_total(lines, restated_prices)
    assert printed(out, "lines appended") == "3 correction lines"
    assert printed(out, "lines examined") == "4"
    assert printed(out, "total before") == f"{format_usd(before)} USD"
    assert printed(out, "total after") == f"{format_usd(after)} USD"
    assert restated_prices.version in out
    assert store().counter(tenant_scope("acme"), DAY).settled_micros == after


def test_each_correction_names_the_operator_and_the_reason(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str], restated_prices: PriceTable
) -> None:
    spend_day(DAY)

    code, _, err = restate(dynamodb, capsys, "--day", DAY.isoformat(), "--reason", "ticket FIN-42")

    assert code == 0, err
    corrections = [line for line in store().day_lines(DAY) if line.kind == "correction"]
    assert corrections
    for line in corrections:
        assert line.reason is not None
        assert line.reason.startswith("ticket FIN-42 (by local:" + getpass.getuser() + " at ")


def test_a_second_restatement_appends_nothing_and_the_total_stays(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str], restated_prices: PriceTable
) -> None:
    spend_day(DAY)
    restate(dynamodb, capsys, "--day", DAY.isoformat(), "--reason", "first")
    total = sum(line.cost_micros for line in store().day_lines(DAY))

    code, out, err = restate(dynamodb, capsys, "--day", DAY.isoformat(), "--reason", "again")

    assert code == 0, err
    assert printed(out, "lines appended") == "0 correction lines"
    assert printed(out, "total before") == printed(out, "total after") == f"{format_usd(total)} USD"
    assert "nothing to correct" in out
    assert sum(line.kind == "correction" for line in store().day_lines(DAY)) == 3


def test_a_day_whose_prices_did_not_change_appends_nothing(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    total = spend_day(DAY)

    code, out, err = restate(dynamodb, capsys, "--day", DAY.isoformat(), "--reason", "check")

    assert code == 0, err
    assert printed(out, "lines appended") == "0 correction lines"
    assert printed(out, "total after") == f"{format_usd(total)} USD"


@pytest.mark.parametrize(
    ("day", "reason", "says"),
    [
        (datetime.now(UTC).date().isoformat(), "late price", "Only a closed day"),
        ((datetime.now(UTC).date() + timedelta(days=1)).isoformat(), "late price", "Only a closed day"),
        ("yesterday", "late price", "--day must be a UTC day, YYYY-MM-DD"),
        ("2026-3-1", "late price", "--day must be a UTC day, YYYY-MM-DD"),
        (DAY.isoformat(), "   ", "needs a reason"),
        (DAY.isoformat(), "x" * 501, "needs a reason"),
    ],
)
def test_an_open_day_a_bad_day_or_a_missing_reason_is_refused_and_appends_nothing(
    dynamodb: EmbeddedDynamoDB,
    capsys: pytest.CaptureFixture[str],
    restated_prices: PriceTable,
    day: str,
    reason: str,
    says: str,
) -> None:
    code, out, err = restate(dynamodb, capsys, "--day", day, "--reason", reason)

    assert code == 2
    assert says in err
    assert out == ""
    assert store().day_lines(DAY) == []


def test_the_reason_is_required(dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--endpoint-url", dynamodb.endpoint_url, "costs", "restate", "--day", DAY.isoformat()])

    assert exited.value.code == 2
    assert "--reason" in capsys.readouterr().err


def test_aws_restate_records_the_callers_arn(
    dynamodb: EmbeddedDynamoDB,
    capsys: pytest.CaptureFixture[str],
    restated_prices: PriceTable,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", dynamodb.endpoint_url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    spend_day(DAY)

    code = main(["--aws", "costs", "restate", "--day", DAY.isoformat(), "--reason", "restated"])
    captured = capsys.readouterr()

    assert code == 0, captured.err
    corrections = [line for line in store().day_lines(DAY) if line.kind == "correction"]
    assert len(corrections) == 3
    assert all(line.reason is not None and "(by arn:aws:" in line.reason for line in corrections)
