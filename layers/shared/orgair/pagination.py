"""Opaque pagination cursors: a DynamoDB start key, bound to the tenant and the query, HMAC-signed.

A caller cannot forge or edit a cursor to read past another tenant's key range: the signature
covers the tenant and the query's scope, and a bad cursor is a 422 naming `cursor`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from orgair.errors import FieldError, ValidationFailed


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, scope: str, payload: bytes) -> bytes:
    return hmac.new(secret, scope.encode() + b"\x00" + payload, hashlib.sha256).digest()[:16]


def encode_cursor(start_key: dict[str, Any] | None, *, secret: bytes, scope: str) -> str | None:
    """`scope` names the tenant and query (e.g. `acme|history|c1|v2.0`); None when no more pages."""
    if not start_key:
        return None
    payload = json.dumps(start_key, sort_keys=True, separators=(",", ":")).encode()
    return _b64(payload) + "." + _b64(_signature(secret, scope, payload))


def decode_cursor(cursor: str | None, *, secret: bytes, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    invalid = ValidationFailed(
        "The cursor is not valid for this query.",
        errors=[FieldError("cursor", "not a cursor returned by this query")],
    )
    try:
        payload_text, signature_text = cursor.split(".", 1)
        payload = _unb64(payload_text)
        signature = _unb64(signature_text)
    except ValueError:
        raise invalid from None
    if not hmac.compare_digest(signature, _signature(secret, scope, payload)):
        raise invalid
    try:
        start_key = json.loads(payload)
    except ValueError:
        raise invalid from None
    if not isinstance(start_key, dict):
        raise invalid
    return start_key


def page_position(
    cursor: str | None,
    *,
    limit: int,
    most: int,
    secret: bytes,
    scope: str,
    field: str,
    accept: Callable[[str], bool] | None = None,
) -> str | None:
    """Where a page starts: the `field` a signed cursor of this query carries (None: the first page).

    A limit outside 1..`most` is a 422 naming `limit`; a cursor of another query, or one whose
    `field` is not a string (`accept`ed, when given), a 422 naming `cursor`.
    """
    if not 1 <= limit <= most:
        raise ValidationFailed(
            f"limit must be between 1 and {most}.",
            errors=[FieldError("limit", f"must be between 1 and {most}")],
        )
    start = decode_cursor(cursor, secret=secret, scope=scope)
    if start is None:
        return None
    position = start.get(field)
    if not isinstance(position, str) or (accept is not None and not accept(position)):
        raise ValidationFailed(
            "The cursor is not valid for this query.", errors=[FieldError("cursor", "invalid")]
        )
    return position
