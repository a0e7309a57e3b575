"""AWS clients (one per container) and the translation of AWS failures into our error hierarchy.

Clients are created on first use, not at import, so functions that never touch DynamoDB never pay
for boto3. Timeouts are short and retries bounded: a Lambda behind API Gateway has 29 seconds at
most, and an unreachable store must fail closed (503) well inside that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from orgair.errors import DependencyUnavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

T = TypeVar("T")

RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "LimitExceededException",
    }
)


@lru_cache(maxsize=1)
def dynamodb_client() -> DynamoDBClient:
    """The container's DynamoDB client (honours AWS_ENDPOINT_URL_DYNAMODB for the local runner)."""
    from orgair.observability import trace_libraries

    trace_libraries("botocore")
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=1,
        read_timeout=3,
        retries={"mode": "standard", "max_attempts": 3},
        tcp_keepalive=True,
    )
    return boto3.client("dynamodb", config=config)


def reset_clients() -> None:
    """Forget cached clients (tests that move the endpoint; the SnapStart restore hook)."""
    dynamodb_client.cache_clear()


def error_code(error: BaseException) -> str:
    response: Any = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def is_unavailable(error: BaseException) -> bool:
    """True for failures meaning 'the store cannot answer now' (not 'your request is wrong')."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, ClientError):
        return error_code(error) in RETRYABLE_CODES
    return isinstance(error, BotoCoreError)


TRANSIENT_CANCELLATION_REASONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
)
"""Why DynamoDB may cancel a transaction that would succeed if simply retried."""


def cancelled_transiently(error: BaseException) -> bool:
    """A TransactWriteItems cancelled for capacity or a concurrent transaction only (no condition or
    validation failed): the store could not do it now, which is a 503 to retry, never a 409."""
    if error_code(error) != "TransactionCanceledException":
        return False
    response: Any = getattr(error, "response", None)
    reasons = response.get("CancellationReasons", []) if isinstance(response, dict) else []
    codes = {str(reason.get("Code") or "None") for reason in reasons if isinstance(reason, dict)}
    return bool(codes & TRANSIENT_CANCELLATION_REASONS) and codes <= TRANSIENT_CANCELLATION_REASONS | {"None"}


def conditional_write(what: str, write: Callable[[], T]) -> T | None:
    """Run one conditional DynamoDB write: its result, or None when its condition failed
    (another caller won), with an unreachable store failing closed as in `store_errors`."""
    try:
        with store_errors(what):
            return write()
    except Exception as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return None
        raise


@contextmanager
def store_errors(what: str) -> Iterator[None]:
    """Turn an unreachable or throttled DynamoDB into DependencyUnavailable (fail closed, 503)."""
    try:
        yield
    except Exception as error:
        if is_unavailable(error):
            raise DependencyUnavailable(f"The data store could not be reached while {what}.") from error
        raise
