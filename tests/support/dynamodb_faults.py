"""DynamoDB clients that fail the way the real one does when the store is down or refuses a call."""

from __future__ import annotations

import socket
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

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


def fail_operation(client: Any, operation: str) -> None:
    """Make `operation` (e.g. "UpdateItem") on this client fail as if the endpoint were down."""

    def refuse(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url=UNREACHABLE_URL)

    client.meta.events.register(f"before-call.dynamodb.{operation}", refuse)


def record_operations(client: Any) -> list[str]:
    """The names of the operations this client calls from now on, in order."""
    calls: list[str] = []

    def note(model: Any, **_: Any) -> None:
        calls.append(str(model.name))

    client.meta.events.register("before-call.dynamodb", note)
    return calls
