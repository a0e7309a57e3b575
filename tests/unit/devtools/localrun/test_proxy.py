"""A Lambda proxy result as API Gateway reads it: what makes it malformed (a 502), and how headers
merge and a base64 body decodes."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.localrun.proxy import MalformedProxyResponseError, proxy_response


@pytest.mark.parametrize(
    "result",
    [
        None,
        {"body": "x"},
        {"statusCode": 200, "body": {"a": 1}},
        {"statusCode": 200, "extra": 1},
        {"statusCode": 200, "headers": {"X": ["list"]}},
        {"statusCode": 200, "headers": {"X": "a\r\nInjected: 1"}},
        {"statusCode": 200, "body": "!!", "isBase64Encoded": True},
    ],
)
def test_malformed_results(result: Any) -> None:
    with pytest.raises(MalformedProxyResponseError):
        proxy_response(result)


def test_proxy_response_merges_headers_and_decodes_base64() -> None:
    response = proxy_response(
        {
            "statusCode": 201,
            "headers": {"Location": "/x", "Set-Cookie": "ignored", "X-Count": 2},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": "AAEC",
            "isBase64Encoded": True,
        }
    )
    assert response.status == 201
    assert response.body == b"\x00\x01\x02"
    assert response.headers == [
        ("Location", "/x"),
        ("X-Count", "2"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("Content-Type", "application/json"),
    ]
