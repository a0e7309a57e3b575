"""Opaque pagination cursors: a round trip, tamper detection, and binding to tenant and query."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from orgair.errors import ValidationFailed
from orgair.pagination import decode_cursor, encode_cursor, page_position

SECRET = b"a-test-secret-of-at-least-32-bytes!!"
SCOPE = "acme|history|c1|v2.0"
START = {"pk": "T#acme#C#c1#V#v2.0", "sk": "S#01M83CZX90SFAVDV9HFJ5ZPE58"}


def refused(cursor: str, *, secret: bytes = SECRET, scope: str = SCOPE) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        decode_cursor(cursor, secret=secret, scope=scope)
    return caught.value


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_a_cursor_round_trips_to_the_same_start_key() -> None:
    cursor = encode_cursor(START, secret=SECRET, scope=SCOPE)

    assert cursor is not None
    assert decode_cursor(cursor, secret=SECRET, scope=SCOPE) == START


@given(
    start=st.dictionaries(
        st.text(min_size=1, max_size=12), st.text(max_size=40) | st.integers(), min_size=1, max_size=4
    )
)
def test_any_start_key_round_trips_and_the_cursor_is_url_safe(start: dict[str, Any]) -> None:
    cursor = encode_cursor(start, secret=SECRET, scope=SCOPE)

    assert cursor is not None
    assert all(char.isalnum() or char in "-_." for char in cursor)
    assert decode_cursor(cursor, secret=SECRET, scope=SCOPE) == start


def test_no_more_pages_is_no_cursor_and_no_cursor_is_the_first_page() -> None:
    assert encode_cursor(None, secret=SECRET, scope=SCOPE) is None
    assert encode_cursor({}, secret=SECRET, scope=SCOPE) is None
    assert decode_cursor(None, secret=SECRET, scope=SCOPE) is None
    assert decode_cursor("", secret=SECRET, scope=SCOPE) is None


def test_an_edited_start_key_is_refused_naming_cursor() -> None:
    cursor = encode_cursor(START, secret=SECRET, scope=SCOPE)
    assert cursor is not None
    _, signature = cursor.split(".")
    forged = b64(json.dumps({**START, "pk": "T#globex#C#c1#V#v2.0"}).encode()) + "." + signature

    error = refused(forged)

    assert error.status == 422
    assert [e.field for e in error.errors] == ["cursor"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda c: c[:-2],
        lambda c: c.split(".")[0],
        lambda c: c.replace(".", ""),
        lambda c: "." + c.split(".")[1],
        lambda c: c + "A",
        lambda c: "%%%." + c.split(".")[1],
        lambda c: c.split(".")[0] + "." + b64(b"\x00" * 16),
    ],
    ids=["truncated", "unsigned", "no-separator", "no-payload", "appended", "not-base64", "zero-signature"],
)
def test_a_damaged_cursor_is_refused(damage: Any) -> None:
    cursor = encode_cursor(START, secret=SECRET, scope=SCOPE)
    assert cursor is not None

    assert [e.field for e in refused(damage(cursor)).errors] == ["cursor"]


def test_a_cursor_is_bound_to_its_scope_tenant_and_query() -> None:
    cursor = encode_cursor(START, secret=SECRET, scope=SCOPE)
    assert cursor is not None

    for other in ("globex|history|c1|v2.0", "acme|history|c2|v2.0", "acme|history|c1|v1.0", "acme|reviews|*"):
        refused(cursor, scope=other)


def test_a_cursor_signed_with_another_secret_is_refused() -> None:
    cursor = encode_cursor(START, secret=b"another-deployment-secret-32-bytes!", scope=SCOPE)
    assert cursor is not None

    refused(cursor)


def test_a_correctly_signed_payload_that_is_not_a_start_key_is_refused() -> None:
    def signed(payload: bytes) -> str:
        signature = hmac.new(SECRET, SCOPE.encode() + b"\x00" + payload, hashlib.sha256).digest()[:16]
        return b64(payload) + "." + b64(signature)

    # The format is the documented one: the same bytes with the right signature decode.
    assert decode_cursor(signed(json.dumps(START).encode()), secret=SECRET, scope=SCOPE) == START
    for payload in (b"[1, 2]", b'"pk"', b"not json", b"\xff\xfe"):
        refused(signed(payload))


def position(cursor: str | None, limit: int = 10, **options: Any) -> str | None:
    return page_position(cursor, limit=limit, most=100, secret=SECRET, scope=SCOPE, field="after", **options)


def test_a_page_starts_where_its_cursor_says_or_at_the_first_item() -> None:
    assert position(None) is None
    assert position(encode_cursor({"after": "t-042"}, secret=SECRET, scope=SCOPE)) == "t-042"


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_a_limit_outside_its_range_is_refused_naming_limit(limit: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        position(None, limit)
    assert [error.field for error in caught.value.errors] == ["limit"]
    assert "between 1 and 100" in caught.value.detail


@pytest.mark.parametrize(
    ("start", "accept"), [({"sk": "x"}, None), ({"after": 7}, None), ({"after": "bad id"}, str.isalnum)]
)
def test_a_signed_cursor_without_a_usable_position_is_refused_naming_cursor(
    start: dict[str, Any], accept: Any
) -> None:
    cursor = encode_cursor(start, secret=SECRET, scope=SCOPE)
    with pytest.raises(ValidationFailed) as caught:
        position(cursor, accept=accept)
    assert [error.field for error in caught.value.errors] == ["cursor"]
