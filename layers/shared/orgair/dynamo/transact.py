"""The one TransactWriteItems of the service: transient cancellations retried with jittered
backoff, condition failures decoded into a typed outcome naming the refusing item.

DynamoDB cancels a whole transaction when any item's condition fails, or when it cannot take it now
(a concurrent transaction on an item, throttling). The first is an answer (`ConditionFailed`, with
the item's position and, when the request asked for it, its current state); the second is retried
up to `TRANSACTION_ATTEMPTS` times and then DependencyUnavailable (503, Retry-After). Anything else
(a validation failure) is a bug and propagates.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from orgair.aws import error_code, store_errors
from orgair.errors import DependencyUnavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

TRANSACTION_ATTEMPTS: Final = 8
BACKOFF_BASE_SECONDS: Final = 0.02
BACKOFF_CAP_SECONDS: Final = 0.5
TRANSIENT_CANCELLATION_REASONS: Final = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
)
"""Why DynamoDB may cancel a transaction that would succeed if simply retried."""
_jitter = random.SystemRandom()


@dataclass(frozen=True, slots=True)
class Committed:
    """Every item was written."""


@dataclass(frozen=True, slots=True)
class ConditionFailed:
    """The transaction was cancelled because item `index`'s condition failed; nothing was written.

    `item` is that item's current attributes when its request set
    `ReturnValuesOnConditionCheckFailure: ALL_OLD` (and it existed), else None; `failed` the
    positions of every item whose condition failed (`index` is the first).
    """

    index: int
    item: Mapping[str, Any] | None = None
    failed: frozenset[int] = frozenset()


TransactOutcome = Committed | ConditionFailed


def cancellation_codes(error: BaseException) -> list[str]:
    """The cancellation reason of each item of a cancelled transaction, in item order ("None": fine)."""
    if error_code(error) != "TransactionCanceledException":
        return []
    response: Any = getattr(error, "response", None)
    reasons = response.get("CancellationReasons", []) if isinstance(response, dict) else []
    return [str(reason.get("Code") or "None") if isinstance(reason, dict) else "None" for reason in reasons]


def cancelled_transiently(error: BaseException) -> bool:
    """A TransactWriteItems cancelled for capacity or a concurrent transaction only (no condition or
    validation failed): the store could not do it now, which is a 503 to retry, never a 409."""
    codes = set(cancellation_codes(error))
    return bool(codes & TRANSIENT_CANCELLATION_REASONS) and codes <= TRANSIENT_CANCELLATION_REASONS | {"None"}


def _condition_failed(error: BaseException) -> ConditionFailed | None:
    response: Any = getattr(error, "response", None)
    reasons = response.get("CancellationReasons", []) if isinstance(response, dict) else []
    failed = [
        index for index, code in enumerate(cancellation_codes(error)) if code == "ConditionalCheckFailed"
    ]
    if not failed:
        return None
    first = failed[0]
    reason = reasons[first] if first < len(reasons) and isinstance(reasons[first], dict) else {}
    return ConditionFailed(index=first, item=reason.get("Item"), failed=frozenset(failed))


def backoff_seconds(attempt: int) -> float:
    """Full jitter: random(0, min(cap, base × 2^attempt))."""
    return _jitter.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt))


def transact(
    client: DynamoDBClient,
    items: Sequence[TransactWriteItemTypeDef],
    what: str,
    *,
    token: str | None = None,
    attempts: int = TRANSACTION_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> TransactOutcome:
    """Write `items` all or none. `token` (a ClientRequestToken) makes a retried write apply once.

    `what` completes "... while <what>" in the 503 a caller sees when the store stays unavailable.
    """
    request: dict[str, Any] = {"TransactItems": list(items)}
    if token is not None:
        request["ClientRequestToken"] = token
    for attempt in range(attempts):
        if attempt:
            sleep(backoff_seconds(attempt - 1))
        try:
            with store_errors(what):
                client.transact_write_items(**request)
            return Committed()
        except Exception as error:
            if error_code(error) == "TransactionInProgressException":
                continue
            failed = _condition_failed(error)
            if failed is not None:
                return failed
            if not cancelled_transiently(error):
                raise
    raise DependencyUnavailable(
        f"The data store could not take the write while {what}.", retry_after_seconds=1
    )
