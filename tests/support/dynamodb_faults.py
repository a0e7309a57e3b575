"""DynamoDB clients that fail the way the real one does when the store is down or refuses a call."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any, Final

import boto3
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.config import Config
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

UNREACHABLE_URL = "http://unreachable.invalid"


def closed_endpoint() -> str:
    """A loopback URL nothing listens on (the port was free a moment ago); a test that connects to it
    opens a socket, so it is marked `network` (support/tiers.py)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def refuse_connections(client: Any) -> Any:
    """Make every call of this DynamoDB client fail to connect, at once and without a socket:
    botocore's own connection error is raised where it would send the request, so its retry
    handling and the caller see exactly what a refused connection gives them."""

    def refuse(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url=UNREACHABLE_URL)

    client.meta.events.register("before-send.dynamodb", refuse)
    return client


def unreachable_client() -> Any:
    """A DynamoDB client whose every call fails to connect (`refuse_connections`)."""
    return refuse_connections(
        boto3.client(
            "dynamodb",
            endpoint_url=UNREACHABLE_URL,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"mode": "standard", "max_attempts": 1}),
        )
    )


def _error_response(code: str, message: str, status: int, extra: dict[str, Any] | None = None) -> Any:
    http = AWSResponse(UNREACHABLE_URL, status, HTTPHeaders(), None)
    parsed = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
        **(extra or {}),
    }
    return http, parsed


FAULTS: Final[dict[str, Callable[[], Any]]] = {
    "ProvisionedThroughputExceededException": lambda: _error_response(
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput exceeded",
        400,
    ),
    "ThrottlingException": lambda: _error_response("ThrottlingException", "Rate of requests exceeds", 400),
    "ServiceUnavailable": lambda: _error_response("ServiceUnavailable", "Service unavailable", 503),
    "InternalServerError": lambda: _error_response("InternalServerError", "Internal server error", 500),
}
"""DynamoDB error answers, as botocore would parse them off the wire."""


def inject_fault(client: Any, operation: str, fault: str, *, calls: set[int] | None = None) -> list[int]:
    """Make `operation` on `client` (e.g. "UpdateItem") fail with `fault`: a FAULTS key (an error
    answer), `ReadTimeout`, `ConnectTimeout` or `EndpointConnection` (the endpoint is down).

    With `calls`, only those call numbers (1-based) of the operation fail and the others go through.
    Returns the list of call numbers seen, to assert on.
    """
    seen: list[int] = []

    def answer(**_: Any) -> Any:
        seen.append(len(seen) + 1)
        if calls is not None and seen[-1] not in calls:
            return None
        if fault == "ReadTimeout":
            raise ReadTimeoutError(endpoint_url=UNREACHABLE_URL)
        if fault == "ConnectTimeout":
            raise ConnectTimeoutError(endpoint_url=UNREACHABLE_URL)
        if fault == "EndpointConnection":
            raise EndpointConnectionError(endpoint_url=UNREACHABLE_URL)
        if fault == "TransactionCanceledThrottled":
            reasons = [{"Code": "ThrottlingError", "Message": "Throughput exceeds the current capacity"}]
            return _error_response(
                "TransactionCanceledException",
                "Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError]",
                400,
                {"CancellationReasons": reasons},
            )
        return FAULTS[fault]()

    client.meta.events.register(f"before-call.dynamodb.{operation}", answer)
    return seen


def record_operations(client: Any) -> list[str]:
    """The names of the operations this client calls from now on, in order."""
    calls: list[str] = []

    def note(model: Any, **_: Any) -> None:
        calls.append(str(model.name))

    client.meta.events.register("before-call.dynamodb", note)
    return calls
