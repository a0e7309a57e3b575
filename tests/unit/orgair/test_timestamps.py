"""The API's one timestamp format: RFC 3339, UTC, milliseconds, `Z`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from orgair.timestamps import RFC3339_PATTERN, Timestamp, as_rfc3339, now_rfc3339, rfc3339
from pydantic import BaseModel, ValidationError


def test_an_instant_is_rendered_in_utc_with_milliseconds_and_z() -> None:
    paris = timezone(timedelta(hours=1))
    assert rfc3339(datetime(2026, 12, 3, 11, 15, 30, 123456, tzinfo=paris)) == "2026-12-03T10:15:30.123Z"
    assert rfc3339(datetime(2026, 12, 3, tzinfo=UTC)) == "2026-12-03T00:00:00.000Z"


def test_a_naive_datetime_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="naive"):
        rfc3339(datetime(2026, 12, 3))  # noqa: DTZ001 - the point of the test


def test_now_has_the_same_shape() -> None:
    assert re.fullmatch(RFC3339_PATTERN, now_rfc3339())


@pytest.mark.parametrize(
    "stored",
    ["2026-12-03T10:15:30.123+00:00", "2026-12-03T10:15:30.123456Z", "2026-12-03T11:15:30.123+01:00"],
)
def test_stored_instants_of_earlier_formats_are_rendered_in_the_one_format(stored: str) -> None:
    assert as_rfc3339(stored) == "2026-12-03T10:15:30.123Z"


def test_a_timestamp_field_refuses_another_shape_and_documents_date_time() -> None:
    class Event(BaseModel):
        at: Timestamp

    assert Event(at="2026-12-03T10:15:30.123Z").at == "2026-12-03T10:15:30.123Z"
    with pytest.raises(ValidationError):
        Event(at="2026-12-03T10:15:30Z")
    schema = Event.model_json_schema()["properties"]["at"]
    assert schema["format"] == "date-time"
