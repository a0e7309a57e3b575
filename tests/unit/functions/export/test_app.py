"""ExportFunction end to end: the real handler over the embedded DynamoDB and moto's S3 on the same
in-process server; the ledger lines are written as the ledger writes them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest
from orgair.aws import dynamodb_client, s3_client
from orgair.costs.export import object_key
from orgair.costs.pricing import PriceTable, Usage, price_table
from orgair.dal.costs.items import line_item
from orgair.errors import ValidationFailed
from orgair.records.costs import CallMeta, LedgerLine
from orgair.settings import get_settings
from support.costs import settled_line
from support.focus import read_csv, read_parquet, validate
from support.lambda_events import ROOT, FakeLambdaContext, load_function

from devtools.embedded_dynamodb import EmbeddedDynamoDB

SCHEDULE_EVENT = json.loads((ROOT / "events" / "export-schedule.json").read_text())
MODEL = "gpt-4o-2024-08-06"


@pytest.fixture
def bucket(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """An S3 bucket on the embedded moto server, named by EXPORT_BUCKET_NAME; days close at midnight."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", dynamodb.endpoint_url)
    s3_client.cache_clear()
    s3 = boto3.client("s3", endpoint_url=dynamodb.endpoint_url, region_name="us-east-1")
    name = f"export-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    monkeypatch.setenv("EXPORT_BUCKET_NAME", name)
    monkeypatch.setenv("EXPORT_BILLING_ACCOUNT_ID", "orgair-test")
    # Without this the handler's own (real) clock would make "yesterday" open until 01:00 UTC.
    monkeypatch.setenv("EXPORT_CLOSE_DELAY_SECONDS", "0")
    yield s3, name
    for item in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)
    s3_client.cache_clear()


@pytest.fixture
def export() -> ModuleType:
    return load_function("export")


def today() -> date:
    return datetime.now(UTC).date()


def line(day: date, index: int, table: PriceTable) -> LedgerLine:
    """A settled call of MODEL at 10:00 + index seconds of `day`, priced as the ledger prices it."""
    timestamp = datetime.combine(day, time(10), tzinfo=UTC) + timedelta(seconds=index)
    usage = Usage(input_tokens=1_000 + index, cached_input_tokens=index, output_tokens=100 + 3 * index)
    meta = CallMeta(f"tenant{index % 3}", "assessment", f"c{index}", f"r{index}", f"p{index}")
    return settled_line(table, MODEL, timestamp, usage, meta, call_id=str(uuid.uuid4()))


def write_day(day: date, count: int) -> int:
    """`count` ledger lines of `day`; returns their total in µUSD."""
    table = price_table()
    lines = [line(day, index, table) for index in range(count)]
    client = dynamodb_client()
    for item in lines:
        client.put_item(TableName=get_settings().COSTS_TABLE_NAME, Item=line_item(item))
    return sum(item.cost_micros for item in lines)


def invoke(module: ModuleType, event: Any) -> dict[str, Any]:
    result: dict[str, Any] = module.lambda_handler(event, FakeLambdaContext("ExportFunction", 300_000))
    return result


def keys(s3: Any, name: str) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", []))


def exported(s3: Any, name: str, day: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    csv_body = s3.get_object(Bucket=name, Key=object_key(day, "csv"))["Body"].read()
    parquet_body = s3.get_object(Bucket=name, Key=object_key(day, "parquet"))["Body"].read()
    (csv_header, csv_rows), (parquet_header, parquet_rows) = read_csv(csv_body), read_parquet(parquet_body)
    assert validate(csv_header, csv_rows) == []
    assert validate(parquet_header, parquet_rows) == []
    return csv_rows, parquet_rows


def test_the_scheduled_event_exports_yesterday_to_s3_equal_to_the_ledger(
    bucket: tuple[Any, str], export: ModuleType
) -> None:
    s3, name = bucket
    yesterday = today() - timedelta(days=1)
    total = write_day(yesterday, 12)
    write_day(yesterday - timedelta(days=1), 5)  # another closed day: not asked for

    result = invoke(export, SCHEDULE_EVENT)

    (day,) = result["days"]
    assert day["day"] == yesterday.isoformat()
    assert day["lines"] == 12
    assert day["billed_micro_usd"] == total
    assert keys(s3, name) == sorted([object_key(yesterday, "csv"), object_key(yesterday, "parquet")])
    for rows in exported(s3, name, yesterday):
        assert sum(row["BilledCost"] for row in rows) * 1_000_000 == total
        assert {row["SubAccountId"] for row in rows} == {"tenant0", "tenant1", "tenant2"}


def test_an_on_demand_day_is_exported_and_a_second_run_writes_identical_objects(
    bucket: tuple[Any, str], export: ModuleType
) -> None:
    s3, name = bucket
    day = today() - timedelta(days=3)
    total = write_day(day, 7)

    first = invoke(export, {"day": day.isoformat()})
    again = invoke(export, {"day": day.isoformat()})

    assert [entry["day"] for entry in first["days"]] == [day.isoformat()]
    assert first["days"][0]["billed_micro_usd"] == total
    assert again["days"][0]["objects"] == first["days"][0]["objects"]
    assert keys(s3, name) == sorted([object_key(day, "csv"), object_key(day, "parquet")])


def test_an_on_demand_range_exports_every_day_of_it_including_empty_ones(
    bucket: tuple[Any, str], export: ModuleType
) -> None:
    s3, name = bucket
    last = today() - timedelta(days=2)
    first = last - timedelta(days=2)
    totals = {first: write_day(first, 4), last: write_day(last, 6)}

    result = invoke(export, {"from": first.isoformat(), "to": last.isoformat()})

    assert [entry["day"] for entry in result["days"]] == [
        (first + timedelta(days=offset)).isoformat() for offset in range(3)
    ]
    assert [entry["billed_micro_usd"] for entry in result["days"]] == [totals[first], 0, totals[last]]
    assert len(keys(s3, name)) == 6
    csv_rows, _ = exported(s3, name, first + timedelta(days=1))
    assert csv_rows == []


def test_an_open_day_is_refused_and_nothing_is_written(
    bucket: tuple[Any, str], export: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3, name = bucket
    write_day(today(), 3)

    with pytest.raises(ValidationFailed) as refused:
        invoke(export, {"day": today().isoformat()})

    assert refused.value.errors[0].field == "day"
    assert "not closed" in str(refused.value)
    assert keys(s3, name) == []


def test_yesterday_is_refused_until_the_close_delay_has_passed(
    bucket: tuple[Any, str], export: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3, name = bucket
    monkeypatch.setenv("EXPORT_CLOSE_DELAY_SECONDS", "86400")  # closes at the end of today
    get_settings.cache_clear()

    with pytest.raises(ValidationFailed, match="not closed"):
        invoke(export, SCHEDULE_EVENT)

    assert keys(s3, name) == []


def test_a_range_over_31_days_is_refused_before_anything_is_read_or_written(
    bucket: tuple[Any, str], export: ModuleType
) -> None:
    s3, name = bucket
    last = today() - timedelta(days=2)

    with pytest.raises(ValidationFailed, match="1 to 31 days") as refused:
        invoke(export, {"from": (last - timedelta(days=31)).isoformat(), "to": last.isoformat()})

    assert refused.value.errors[0].field == "to"
    assert keys(s3, name) == []
    assert (
        len(invoke(export, {"from": (last - timedelta(days=30)).isoformat(), "to": last.isoformat()})["days"])
        == 31
    )


@pytest.mark.parametrize(
    ("event", "field", "says"),
    [
        ({"day": "yesterday"}, "day", "like 2026-03-01"),
        ({"day": 20260301}, "day", "like 2026-03-01"),
        ({"day": "2026-03-01" + "0" * 10_000}, "day", "like 2026-03-01"),
        ({"from": "2026-03-07", "to": "2026-03-01"}, "to", "from <= to"),
        ({"from": "2026-03-01"}, "event", "got the keys ['from']"),
        ({"days": "2026-03-01"}, "days", "An on-demand export is"),
        ({"day": "2026-03-01", "to": "2026-03-02"}, "event", "got the keys ['day', 'to']"),
        ({}, "event", "An on-demand export is"),
        (["2026-03-01"], "event", "must be an object"),
        ("2026-03-01", "event", "must be an object"),
    ],
)
def test_bad_input_is_a_clear_error_naming_the_field_and_nothing_is_written(
    bucket: tuple[Any, str], export: ModuleType, event: Any, field: str, says: str
) -> None:
    s3, name = bucket

    with pytest.raises(ValidationFailed) as refused:
        invoke(export, event)

    assert refused.value.errors[0].field == field
    assert says in str(refused.value)
    assert keys(s3, name) == []
