"""What Lambda's runtime and API Gateway make of a function's result: its JSON text (`marshal`, as
the runtime serialises it) and the HTTP response of a proxy integration (`proxy_response`), or why
API Gateway would answer 502 instead."""

from __future__ import annotations

import base64
import binascii
import decimal
import json
from collections.abc import Mapping
from typing import Any

from devtools.localrun.gateway import HttpResponse

_PROXY_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})


class MalformedProxyResponseError(ValueError):
    """What API Gateway logs as "Malformed Lambda proxy response" before answering 502."""


def _marshal_default(value: Any) -> Any:
    """The Lambda runtime serialises Decimal as a number; anything else not JSON is a MarshalError."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def marshal(result: Any) -> str:
    return json.dumps(result, default=_marshal_default, ensure_ascii=False)


def _header_text(value: Any, name: str) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str | int | float | decimal.Decimal):
        text = str(value)
    else:
        raise MalformedProxyResponseError(f"header {name!r} has a {type(value).__name__} value")
    if "\r" in text or "\n" in text or "\r" in name or "\n" in name:
        raise MalformedProxyResponseError(f"header {name!r} contains a line break")
    return text


def proxy_response(result: Any) -> HttpResponse:
    """The HTTP response API Gateway makes of a proxy integration result, or the reason it would 502."""
    if not isinstance(result, Mapping):
        raise MalformedProxyResponseError(f"the handler returned {type(result).__name__}, not an object")
    unknown = set(result) - _PROXY_KEYS
    if unknown:
        raise MalformedProxyResponseError(f"unexpected keys {sorted(unknown)}")
    status = result.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedProxyResponseError(f"statusCode must be an HTTP status, not {status!r}")
    headers = result.get("headers") or {}
    multi = result.get("multiValueHeaders") or {}
    if not isinstance(headers, Mapping) or not isinstance(multi, Mapping):
        raise MalformedProxyResponseError("headers and multiValueHeaders must be objects")
    pairs: list[tuple[str, str]] = []
    multi_names = {str(name).lower() for name in multi}
    for name, value in headers.items():
        if str(name).lower() not in multi_names:
            pairs.append((str(name), _header_text(value, str(name))))
    for name, values in multi.items():
        if not isinstance(values, list | tuple):
            raise MalformedProxyResponseError(f"multiValueHeaders[{name!r}] must be a list")
        pairs.extend((str(name), _header_text(value, str(name))) for value in values)
    body = result.get("body")
    is_base64 = result.get("isBase64Encoded", False)
    if body is not None and not isinstance(body, str):
        raise MalformedProxyResponseError(f"body must be a string, not {type(body).__name__}")
    if not isinstance(is_base64, bool):
        raise MalformedProxyResponseError("isBase64Encoded must be a boolean")
    if body is None:
        payload = b""
    elif is_base64:
        try:
            payload = base64.b64decode(body, validate=True)
        except binascii.Error:
            raise MalformedProxyResponseError("isBase64Encoded is true but body is not base64") from None
    else:
        payload = body.encode("utf-8")
    response = HttpResponse(status, pairs, payload)
    response.set_default("Content-Type", "application/json")
    return response
