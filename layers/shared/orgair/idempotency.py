"""Exactly-once handling of a client's retried request, with Powertools idempotency on DynamoDB.

The key is the caller's `Idempotency-Key` header scoped by operation and tenant, so two tenants
can never collide; the stored response is what every retry gets back. A key reused with another
body is a 422; a key whose first request is still running is a 409 with `Retry-After`.

A replay answers like the first request (same status, same body) plus `Idempotent-Replayed: true`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from orgair.errors import Conflict, DependencyUnavailable, FieldError, ValidationFailed

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
    from aws_lambda_powertools.utilities.typing import LambdaContext

IDEMPOTENCY_HEADER: Final = "Idempotency-Key"
REPLAYED_HEADER: Final = "Idempotent-Replayed"
KEY_PATTERN: Final = re.compile(r"^[\x21-\x7e]{1,255}$")
RESPONSE_TTL_SECONDS: Final = 24 * 3600


def check_key(key: str | None, *, required: bool) -> str | None:
    """Validate the header: 1–255 visible ASCII characters; absent is fine unless `required`."""
    if key is None:
        if required:
            raise ValidationFailed(
                "This operation requires an Idempotency-Key header.",
                errors=[FieldError(IDEMPOTENCY_HEADER, "header required")],
            )
        return None
    if not KEY_PATTERN.match(key):
        raise ValidationFailed(
            "The Idempotency-Key header is invalid.",
            errors=[FieldError(IDEMPOTENCY_HEADER, "must be 1 to 255 visible ASCII characters")],
        )
    return key


def _persistence(table_name: str) -> DynamoDBPersistenceLayer:
    """The persistence layer on the container's current client (`reset_clients` replaces it)."""
    from orgair.aws import dynamodb_client

    return _persistence_on(table_name, dynamodb_client())


@lru_cache(maxsize=2)
def _persistence_on(table_name: str, client: Any) -> DynamoDBPersistenceLayer:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(table_name=table_name, boto3_client=client)


def run_once(
    *,
    operation: str,
    tenant_id: str,
    key: str | None,
    payload: Any,
    produce: Callable[[], dict[str, Any]],
    table_name: str,
    context: LambdaContext | None = None,
) -> tuple[dict[str, Any], bool]:
    """Run `produce` once per (operation, tenant, key); later calls get its stored JSON-ready result.

    Returns the result and whether it is a replay (`produce` did not run for this call). Without a
    key (the caller sent none) `produce` simply runs: there is nothing to replay.
    """
    if key is None:
        return produce(), False
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="[operation, tenant_id, key]",
        payload_validation_jmespath="payload",
        expires_after_seconds=RESPONSE_TTL_SECONDS,
        hash_function="sha256",
        lambda_context=context,
    )

    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=_persistence(table_name),
        config=config,
        key_prefix=f"orgair.{operation}",
    )
    def execute(request: dict[str, Any]) -> dict[str, Any]:
        produced.append(True)
        return produce()

    produced: list[bool] = []
    request = {"operation": operation, "tenant_id": tenant_id, "key": key, "payload": payload}
    try:
        result: dict[str, Any] = execute(request=request)
    except IdempotencyValidationError:
        raise ValidationFailed(
            "This Idempotency-Key was already used with a different request.",
            errors=[FieldError(IDEMPOTENCY_HEADER, "already used with a different request body")],
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            headers={"Retry-After": "1"},
        ) from None
    except IdempotencyPersistenceLayerError as error:
        raise DependencyUnavailable("The idempotency store could not be reached.") from error
    return result, not produced


def replay_headers(replayed: bool) -> dict[str, str]:
    """The header a replayed answer carries (none on a first answer)."""
    return {REPLAYED_HEADER: "true"} if replayed else {}
