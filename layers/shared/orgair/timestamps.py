"""The one timestamp format of the API: RFC 3339 in UTC with milliseconds and a `Z`
(`2026-12-03T10:15:30.123Z`), in every response body field, alert and problem detail.

Storage keeps its own formats (the ledger's sort keys carry microseconds so string order is time
order); anything read back is rendered through `as_rfc3339` before it leaves the service.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Final

from pydantic import Field

RFC3339_PATTERN: Final = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"
EXAMPLE: Final = "2026-12-03T10:15:30.123Z"
_SHAPE: Final = re.compile(RFC3339_PATTERN)

Timestamp = Annotated[
    str,
    Field(
        pattern=RFC3339_PATTERN,
        examples=[EXAMPLE],
        json_schema_extra={"format": "date-time"},
    ),
]
"""A response field holding an instant: OpenAPI `format: date-time`, always this one shape."""


def rfc3339(instant: datetime) -> str:
    """`instant` (timezone-aware) in UTC, milliseconds, `Z`; sub-millisecond digits are dropped."""
    if instant.tzinfo is None:
        raise ValueError("a naive datetime has no defined instant; pass an aware one")
    utc = instant.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def now_rfc3339() -> str:
    return rfc3339(datetime.now(UTC))


def as_rfc3339(text: str) -> str:
    """A stored ISO 8601 instant (any offset, any precision, `Z` or `+00:00`) in the API's format."""
    if _SHAPE.match(text):
        return text
    instant = datetime.fromisoformat(text)
    return rfc3339(instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC))
