"""A FOCUS 1.0 validator written from the specification's column definitions, and readers.

Source: the FOCUS 1.0 specification, `specification/columns/*.md` of the FOCUS_Spec repository
(each column's feature level, data type, nullability and allowed values). Checked here: every
mandatory column is present, column names are unique and custom ones start with `x_`, every value
has its column's type (Decimal, aware UTC DateTime, String), nulls only where the spec allows them,
allowed values (ChargeCategory, ChargeClass, ChargeFrequency, PricingCategory, ServiceCategory,
ISO 4217 BillingCurrency), the conditional rules of ConsumedQuantity/ConsumedUnit and of the pricing
columns, period order, and Tags as a JSON object of strings.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

DECIMAL, DATETIME, STRING = "Decimal", "DateTime", "String"

# column: (data type, allows nulls); feature level Mandatory in FOCUS 1.0
MANDATORY: Final = {
    "BilledCost": (DECIMAL, False),
    "BillingAccountId": (STRING, False),
    "BillingAccountName": (STRING, True),
    "BillingCurrency": (STRING, False),
    "BillingPeriodEnd": (DATETIME, False),
    "BillingPeriodStart": (DATETIME, False),
    "ChargeCategory": (STRING, False),
    "ChargeClass": (STRING, True),
    "ChargeDescription": (STRING, True),
    "ChargePeriodEnd": (DATETIME, False),
    "ChargePeriodStart": (DATETIME, False),
    "ContractedCost": (DECIMAL, False),
    "EffectiveCost": (DECIMAL, False),
    "InvoiceIssuerName": (STRING, False),
    "ListCost": (DECIMAL, False),
    "PricingQuantity": (DECIMAL, True),
    "PricingUnit": (STRING, True),
    "ProviderName": (STRING, False),
    "PublisherName": (STRING, False),
    "ServiceCategory": (STRING, False),
    "ServiceName": (STRING, False),
}
# Conditional or Recommended columns, validated when present
OPTIONAL: Final = {
    "ChargeFrequency": (STRING, True),
    "ConsumedQuantity": (DECIMAL, True),
    "ConsumedUnit": (STRING, True),
    "ContractedUnitPrice": (DECIMAL, True),
    "ListUnitPrice": (DECIMAL, True),
    "PricingCategory": (STRING, True),
    "SkuId": (STRING, True),
    "SkuPriceId": (STRING, True),
    "SubAccountId": (STRING, True),
    "SubAccountName": (STRING, True),
    "Tags": (STRING, True),
}
ALLOWED: Final = {
    "ChargeCategory": {"Usage", "Purchase", "Tax", "Credit", "Adjustment"},
    "ChargeClass": {"Correction"},
    "ChargeFrequency": {"One-Time", "Recurring", "Usage-Based"},
    "PricingCategory": {"Standard", "Dynamic", "Committed", "Other"},
    "ServiceCategory": {
        "AI and Machine Learning",
        "Analytics",
        "Business Applications",
        "Compute",
        "Databases",
        "Developer Tools",
        "Multicloud",
        "Identity",
        "Integration",
        "Internet of Things",
        "Management and Governance",
        "Media",
        "Migration",
        "Mobile",
        "Networking",
        "Security",
        "Storage",
        "Web",
        "Other",
    },
}
_DATETIME_TEXT: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

Row = dict[str, Any]


@lru_cache(maxsize=256)
def _instant(text: str) -> datetime:
    assert _DATETIME_TEXT.match(text), f"{text!r} is not an ISO 8601 UTC instant"
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def read_csv(body: bytes) -> tuple[list[str], list[Row]]:
    """CSV text to typed values: empty → null, Decimal and DateTime columns parsed (strictly)."""
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    header = next(reader)
    kinds = {**MANDATORY, **OPTIONAL}
    rows: list[Row] = []
    for record in reader:
        row: Row = {}
        for name, text in zip(header, record, strict=True):
            kind = kinds.get(name, (STRING, True))[0]
            if text == "":
                row[name] = None
            elif kind == DECIMAL:
                row[name] = Decimal(text)
            elif kind == DATETIME:
                row[name] = _instant(text)
            else:
                row[name] = text
        rows.append(row)
    return header, rows


def read_parquet(body: bytes) -> tuple[list[str], list[Row]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(body))
    kinds = {**MANDATORY, **OPTIONAL}
    for field in table.schema:
        kind = kinds.get(field.name, (STRING, True))[0]
        if kind == DECIMAL:
            assert pa.types.is_decimal(field.type), f"{field.name}: {field.type}"
        elif kind == DATETIME:
            assert pa.types.is_timestamp(field.type), field.type
            assert field.type.tz in ("UTC", "+00:00"), field.type
        else:
            assert pa.types.is_string(field.type), f"{field.name}: {field.type}"
    return list(table.column_names), table.to_pylist()


def validate(header: list[str], rows: list[Row]) -> list[str]:
    """Every violation of the FOCUS 1.0 column rules, as messages (empty: the dataset conforms)."""
    problems: list[str] = []
    if len(set(header)) != len(header):
        problems.append("duplicate column names")
    problems += [f"missing mandatory column {name}" for name in MANDATORY if name not in header]
    known = {**MANDATORY, **OPTIONAL}
    problems += [
        f"custom column {name} lacks the x_ prefix"
        for name in header
        if name not in known and not name.startswith("x_")
    ]
    for number, row in enumerate(rows, start=1):
        for name in header:
            if name not in known:
                continue
            kind, nullable = known[name]
            value = row.get(name)
            if value is None:
                if not nullable:
                    problems.append(f"row {number}: {name} is null")
                continue
            if kind == DECIMAL and (not isinstance(value, Decimal) or not value.is_finite()):
                problems.append(f"row {number}: {name} is not a Decimal: {value!r}")
            if kind == DATETIME and not (
                isinstance(value, datetime) and value.utcoffset() is not None and not value.utcoffset()
            ):
                problems.append(f"row {number}: {name} is not a UTC DateTime: {value!r}")
            if kind == STRING and not isinstance(value, str):
                problems.append(f"row {number}: {name} is not a String: {value!r}")
            if name in ALLOWED and value not in ALLOWED[name]:
                problems.append(f"row {number}: {name} {value!r} is not an allowed value")
        if not re.fullmatch(r"[A-Z]{3}", str(row.get("BillingCurrency"))):
            problems.append(f"row {number}: BillingCurrency is not an ISO 4217 code")
        for start, end in (
            ("BillingPeriodStart", "BillingPeriodEnd"),
            ("ChargePeriodStart", "ChargePeriodEnd"),
        ):
            if row.get(start) is not None and row.get(end) is not None and not row[start] < row[end]:
                problems.append(f"row {number}: {start} is not before {end}")
        usage = row.get("ChargeCategory") == "Usage"
        correction = row.get("ChargeClass") == "Correction"
        if "ConsumedQuantity" in header:
            for name in ("ConsumedQuantity", "ConsumedUnit"):
                if usage and not correction and row.get(name) is None:
                    problems.append(f"row {number}: {name} is null on a Usage charge")
                if not usage and row.get(name) is not None:
                    problems.append(f"row {number}: {name} is set on a non-Usage charge")
        if row.get("ChargeCategory") in ("Usage", "Purchase") and not correction:
            for name in ("PricingQuantity", "PricingUnit", "ListUnitPrice", "ContractedUnitPrice"):
                if name in header and row.get(name) is None:
                    problems.append(f"row {number}: {name} is null on a {row['ChargeCategory']} charge")
        tags = row.get("Tags")
        if tags is not None:
            try:
                parsed = json.loads(tags)
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict) or not all(
                isinstance(key, str) and isinstance(value, str) for key, value in parsed.items()
            ):
                problems.append(f"row {number}: Tags is not a JSON object of strings")
    return problems
