"""The FOCUS export of a closed day: exact to the ledger, valid FOCUS 1.0, byte-identical on re-export."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest
from orgair.aws import dynamodb_client
from orgair.costs.corrections import plan_corrections, restate_day
from orgair.costs.export import FocusExport, object_key, requested_days
from orgair.costs.focus import allocate, focus_rows, to_csv, to_parquet
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import PriceTable, Usage, price_table
from orgair.dal.costs.items import line_item
from orgair.errors import ValidationFailed
from orgair.records.costs import CallMeta, LedgerLine
from support.costs import FakeClock, at, cost_settings, settled_line
from support.focus import read_csv, read_parquet, validate

from devtools.embedded_dynamodb import EmbeddedDynamoDB

DAY = date(2026, 3, 2)
MODELS = ("gpt-4o-2024-08-06", "gpt-4o-mini", "claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929")
RESTATED = "o3-mini"


@pytest.fixture
def bucket(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", dynamodb.endpoint_url)
    s3 = boto3.client("s3", endpoint_url=dynamodb.endpoint_url, region_name="us-east-1")
    name = f"focus-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield s3, name
    for item in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)


def synthetic_line(index: int, table: PriceTable, model: str) -> LedgerLine:
    """A settled call of `model` at 10:00 + index ms, priced exactly as the ledger prices it."""
    timestamp = at("2026-03-02T10:00:00") + timedelta(milliseconds=index)
    anthropic = table.price(model, timestamp).provider == "anthropic"
    usage = Usage(
        input_tokens=100 + index % 9_973,
        cached_input_tokens=(index * 7) % 1_000,
        cache_write_tokens=(index * 3) % 500 if anthropic else 0,
        output_tokens=1 + (index * 13) % 1_500,
    )
    meta = CallMeta(
        tenant_id=f"tenant{index % 7}",
        purpose="assessment" if index % 4 else "external",
        correlation_id=f"c{index}",
        request_id=f"r{index}",
        parent_request_id=f"p{index}",
    )
    return settled_line(table, model, timestamp, usage, meta, call_id=str(uuid.UUID(int=index + 1)))


def write_lines(lines: list[LedgerLine]) -> None:
    client = dynamodb_client()
    table = cost_settings().COSTS_TABLE_NAME
    for start in range(0, len(lines), 25):
        pending: Any = {
            table: [{"PutRequest": {"Item": line_item(line)}} for line in lines[start : start + 25]]
        }
        while pending:
            pending = client.batch_write_item(RequestItems=pending)["UnprocessedItems"]


def test_allocation_sums_exactly_and_favours_the_largest_remainders() -> None:
    assert allocate([Decimal("1.4"), Decimal("2.6")], 5) == [2, 3]
    assert allocate([Decimal("1.4"), Decimal("2.6")], 4) == [1, 3]
    assert allocate([Decimal("-1.5"), Decimal("0.2")], -2) == [-2, 0]
    assert sum(allocate([Decimal("0.333333")] * 3, 1)) == 1


def restated_table(table: PriceTable) -> PriceTable:
    last = table.price(RESTATED, at("2026-03-02T00:00:00"))
    row = replace(last, input=Decimal("1.21"), effective_from=at("2026-03-02T00:00:00"), source="restated")
    return table.with_row(row, "r1")


def day_of_lines(charges: int, restated: int) -> list[LedgerLine]:
    table = price_table()
    lines = [synthetic_line(index, table, MODELS[index % len(MODELS)]) for index in range(charges)]
    return lines + [synthetic_line(charges + index, table, RESTATED) for index in range(restated)]


@pytest.mark.slow  # ~10 s of CPU on 2 cores: a full day of FOCUS rows
def test_a_day_of_ten_thousand_lines_with_corrections_sums_to_the_ledger_and_is_valid_focus() -> None:
    lines = day_of_lines(9_700, 300)
    prices = restated_table(price_table())
    planned = plan_corrections(
        lines, prices, reason="provider restated", operator="ops", now=at("2026-03-03T09:00:00")
    )
    day = lines + [correction for correction, _ in planned]
    ledger_total = sum(line.cost_micros for line in day)

    rows = focus_rows(day, DAY, prices)
    csv_body = to_csv(rows, "orgair-test", "orgair-test")
    parquet_body = to_parquet(rows, "orgair-test", "orgair-test")

    assert len(planned) == 300
    assert len(day) == 10_300
    assert sum(row.billed_micros for row in rows) == ledger_total
    assert focus_rows(list(reversed(day)), DAY, prices) == rows
    for header, read in (read_csv(csv_body), read_parquet(parquet_body)):
        assert validate(header, read) == []
        assert sum(row["BilledCost"] for row in read) * 1_000_000 == ledger_total
        corrections = [row for row in read if row["ChargeClass"] == "Correction"]
        assert {row["x_CallId"].rpartition("#")[2] for row in corrections} == {"C001"}
        assert sum(row["BilledCost"] for row in corrections) * 1_000_000 == sum(
            c.cost_micros for c, _ in planned
        )
        assert {row["SkuId"].rpartition("/")[2] for row in read} == {
            "input",
            "cached_input",
            "cache_write",
            "output",
        }


def test_the_export_of_a_closed_day_writes_csv_and_parquet_equal_to_the_ledger_and_identical_again(
    bucket: Any, clock: FakeClock
) -> None:
    s3, name = bucket
    write_lines(day_of_lines(200, 40))
    prices = restated_table(price_table())
    clock.now = at("2026-03-03T02:00:00")
    ledger = CostLedger(cost_settings(), clock=clock, prices=prices)
    restatement = restate_day(
        ledger.store, prices, DAY, reason="provider restated", operator="ops", now=clock()
    )
    exporter = FocusExport(ledger, s3, name)

    first = exporter.export_day(DAY)
    csv_body = s3.get_object(Bucket=name, Key=object_key(DAY, "csv"))["Body"].read()
    parquet_body = s3.get_object(Bucket=name, Key=object_key(DAY, "parquet"))["Body"].read()
    again = exporter.export_day(DAY)
    ledger_total = sum(line.cost_micros for line in ledger.store.day_lines(DAY))

    assert len(restatement.corrections) == 40
    assert first.lines == 280
    assert first.billed_micros == ledger_total == first.ledger_micros
    assert again.objects == first.objects
    assert first.objects[object_key(DAY, "csv")] == hashlib.sha256(csv_body).hexdigest()
    assert first.objects[object_key(DAY, "parquet")] == hashlib.sha256(parquet_body).hexdigest()
    for header, read in (read_csv(csv_body), read_parquet(parquet_body)):
        assert validate(header, read) == []
        assert sum(row["BilledCost"] for row in read) * 1_000_000 == ledger_total


def test_the_validator_catches_what_focus_forbids() -> None:
    header, read = read_csv(to_csv(focus_rows(day_of_lines(3, 0), DAY, price_table()), "a", "a"))
    broken = [
        dict(read[0], ChargeClass="Regular"),
        dict(read[1], BillingCurrency="usd"),
        dict(read[2], ConsumedQuantity=None),
    ]
    problems = validate([*header, "Extra"], broken)
    assert any("ChargeClass 'Regular'" in problem for problem in problems)
    assert any("BillingCurrency" in problem for problem in problems)
    assert any("ConsumedQuantity is null" in problem for problem in problems)
    assert any("x_ prefix" in problem for problem in problems)


def test_each_lines_rows_carry_its_tokens_tenant_and_purpose_and_sum_to_its_cost() -> None:
    table = price_table()
    line = synthetic_line(42, table, "claude-haiku-4-5-20251001")
    rows = focus_rows([line], DAY, table)

    assert sum(row.billed_micros for row in rows) == line.cost_micros
    assert {row.sku: row.tokens for row in rows} == {
        "anthropic/claude-haiku-4-5-20251001/input": line.usage.input_tokens,
        "anthropic/claude-haiku-4-5-20251001/cached_input": line.usage.cached_input_tokens,
        "anthropic/claude-haiku-4-5-20251001/cache_write": line.usage.cache_write_tokens,
        "anthropic/claude-haiku-4-5-20251001/output": line.usage.output_tokens,
    }
    values = rows[0].values("acct", "acct")
    assert '{"purpose":"assessment","tenant":"tenant0"}' in values


def test_an_uncertain_line_is_one_reserved_row_and_an_empty_one_no_row() -> None:
    table = price_table()
    line = synthetic_line(1, table, "gpt-4o-mini")
    uncertain = replace(line, usage=Usage(), cost_micros=12_345, status="uncertain")
    empty = replace(line, call_id="x", usage=Usage(), cost_micros=0)
    rows = focus_rows([uncertain, empty], DAY, table)

    assert [(row.sku, row.billed_micros, row.tokens) for row in rows] == [
        ("openai/gpt-4o-mini/reserved", 12_345, 0)
    ]


def test_an_open_day_is_not_exported(bucket: Any, clock: FakeClock) -> None:
    s3, name = bucket
    clock.now = at("2026-03-03T00:30:00")
    exporter = FocusExport(CostLedger(cost_settings(), clock=clock), s3, name)
    with pytest.raises(ValidationFailed) as refused:
        exporter.export_day(DAY)
    assert refused.value.errors[0].field == "day"
    assert "Contents" not in s3.list_objects_v2(Bucket=name)


def test_the_schedule_exports_yesterday_and_an_operator_a_bounded_range() -> None:
    now = at("2026-03-03T02:00:00")
    assert requested_days({"source": "aws.events", "detail-type": "Scheduled Event"}, now) == [DAY]
    assert requested_days({"day": "2026-03-01"}, now) == [date(2026, 3, 1)]
    assert len(requested_days({"from": "2026-02-01", "to": "2026-03-03"}, now)) == 31
    with pytest.raises(ValidationFailed):
        requested_days({"from": "2026-01-01", "to": "2026-03-01"}, now)
    with pytest.raises(ValidationFailed):
        requested_days({"day": "yesterday"}, now)
    with pytest.raises(ValidationFailed):  # not a schedule's event, not an export request
        requested_days({"source": "aws.events"}, now)
