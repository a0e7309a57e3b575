"""AWS clients (one per container; the one place the service builds them) and the translation of AWS failures into our error hierarchy.

Clients are created on first use, not at import, so functions that never touch DynamoDB never pay
for boto3. Timeouts are short and retries bounded (settings `AWS_CONNECT_TIMEOUT_SECONDS`,
`AWS_READ_TIMEOUT_SECONDS`, `AWS_MAX_ATTEMPTS`): the worst case of one call,
`call_budget_seconds()`, fits well inside the shortest function timeout (10 s, template Globals),
so a stalled DynamoDB, SSM or Secrets Manager is a 503 with Retry-After, never a 504 at the
platform's deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from orgair.errors import DependencyUnavailable

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider, SSMProvider
    from botocore.config import Config
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sns import SNSClient

    from orgair.settings import Settings

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


STANDARD_RETRY_BACKOFF_CAP_SECONDS: Final = 20.0
"""botocore's standard retry mode waits random(0, 1) × 2^(attempt − 1) s before a retry, capped here."""


def call_budget_seconds(connect: float, read: float, attempts: int) -> float:
    """The longest one SDK call can take: every attempt stalls to both timeouts, with the longest
    backoff between attempts. Reads and connects may each stall fully on every attempt."""
    backoff = sum(min(STANDARD_RETRY_BACKOFF_CAP_SECONDS, 2.0**retry) for retry in range(attempts - 1))
    return attempts * (connect + read) + backoff


def settings_call_budget_seconds(settings: Settings) -> float:
    """`call_budget_seconds` of the configured timeouts and attempts."""
    return call_budget_seconds(
        float(settings.AWS_CONNECT_TIMEOUT_SECONDS),
        float(settings.AWS_READ_TIMEOUT_SECONDS),
        settings.AWS_MAX_ATTEMPTS,
    )


def client_config() -> Config:
    """Timeouts and retries of every AWS client of the service, from settings."""
    from botocore.config import Config

    from orgair.settings import get_settings

    settings = get_settings()
    return Config(
        connect_timeout=float(settings.AWS_CONNECT_TIMEOUT_SECONDS),
        read_timeout=float(settings.AWS_READ_TIMEOUT_SECONDS),
        retries={"mode": "standard", "total_max_attempts": settings.AWS_MAX_ATTEMPTS},
        tcp_keepalive=True,
    )


def _traced_client(service: str, config: Config) -> Any:
    """A boto3 client whose calls are traced (botocore is patched for X-Ray before boto3 loads)."""
    from orgair.observability import trace_libraries

    trace_libraries("botocore")
    import boto3

    return boto3.client(service, config=config)  # type: ignore[call-overload]  # a str, not one literal


@lru_cache(maxsize=1)
def dynamodb_client() -> DynamoDBClient:
    """The container's DynamoDB client (honours AWS_ENDPOINT_URL_DYNAMODB for the local runner)."""
    return cast("DynamoDBClient", _traced_client("dynamodb", client_config()))


@lru_cache(maxsize=1)
def ssm_provider() -> SSMProvider:
    """Powertools' SSM parameter provider (its own 5-minute cache) on a client with our time budget."""
    import boto3
    from aws_lambda_powertools.utilities.parameters import SSMProvider

    return SSMProvider(boto3_client=boto3.client("ssm", config=client_config()))


@lru_cache(maxsize=1)
def secrets_provider() -> SecretsProvider:
    """Powertools' Secrets Manager provider on a client with our time budget."""
    import boto3
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=boto3.client("secretsmanager", config=client_config()))


@lru_cache(maxsize=1)
def s3_client() -> Any:
    """The container's S3 client (the FOCUS export's writes, evidence documents), with our time
    budget; Signature Version 4, which pre-signed uploads of SSE-KMS objects need."""
    import boto3
    from botocore.config import Config

    return boto3.client("s3", config=client_config().merge(Config(signature_version="s3v4")))


def publisher_config() -> Config:
    """Timeouts of the alert publishers (SNS, EventBridge): a short connect, standard retries."""
    from botocore.config import Config

    return Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard"})


@lru_cache(maxsize=1)
def sns_client() -> SNSClient:
    """The container's SNS client (budget and reconciliation alerts)."""
    return cast("SNSClient", _traced_client("sns", publisher_config()))


@lru_cache(maxsize=1)
def events_client() -> EventBridgeClient:
    """The container's EventBridge client (budget alert events)."""
    return cast("EventBridgeClient", _traced_client("events", publisher_config()))


@lru_cache(maxsize=1)
def sqs_client() -> Any:
    """The container's SQS client (a job's company messages, the worker's backoff), with our time budget."""
    import boto3

    return boto3.client("sqs", config=client_config())


def reset_clients() -> None:
    """Forget cached clients (tests that move the endpoint; the SnapStart restore hook)."""
    dynamodb_client.cache_clear()
    sns_client.cache_clear()
    events_client.cache_clear()
    s3_client.cache_clear()
    sqs_client.cache_clear()
    ssm_provider.cache_clear()
    secrets_provider.cache_clear()


def error_code(error: BaseException) -> str:
    response: Any = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def is_unavailable(error: BaseException) -> bool:
    """True for failures meaning 'the store cannot answer now' (not 'your request is wrong')."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, ClientError):
        status = getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return error_code(error) in RETRYABLE_CODES or int(status or 0) >= 500
    return isinstance(error, BotoCoreError)


def caused_by_unavailable(error: BaseException) -> bool:
    """True when `error` or anything it was raised from (Powertools wraps SDK errors) means the
    service could not answer now: a timeout, a refused connection, throttling or a 5xx."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if is_unavailable(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@contextmanager
def store_errors(what: str) -> Iterator[None]:
    """Turn an unreachable or throttled DynamoDB into DependencyUnavailable (fail closed, 503)."""
    try:
        yield
    except Exception as error:
        if is_unavailable(error):
            raise DependencyUnavailable(f"The data store could not be reached while {what}.") from error
        raise
