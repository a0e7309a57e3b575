"""Stored scores and their history in ScoresTable, and the review items a score opens in ReviewsTable
(reading and deciding reviews: `orgair.dal.reviews`).

Layout (every key starts with the tenant, so no query can reach another tenant's items):

- score:  pk `T#<tenant>#C#<company>#V#<version>`, sk `S#<score_id>` (score ids sort by time, so
  the history is one descending key-range query); gsi1pk `T#<tenant>#S#<score_id>` to fetch by id;
- pointer: same pk, sk `LATEST` (`orgair.dal.pointers`): the company's newest score, review
  baseline and anchor, each moving only forward, under a revision every write is conditional on;
- review: ReviewsTable (`orgair.dal.reviews`, which lays out the item this module writes).

A score, its pointer and its review are written in one transaction: nothing half-written. The
pointer names are re-exported here for the score logic, which reads them as `scores_dal.Pointer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from orgair.aws import dynamodb_client, store_errors
from orgair.dal.pointers import WRITE_ATTEMPTS as WRITE_ATTEMPTS
from orgair.dal.pointers import Mark as Mark
from orgair.dal.pointers import Pointer as Pointer
from orgair.dal.pointers import PointerMoved as PointerMoved
from orgair.dal.pointers import PointerUpdate as PointerUpdate
from orgair.dal.pointers import company_pk as company_pk
from orgair.dal.pointers import pause_before_retry as pause_before_retry
from orgair.dal.pointers import pointer as pointer
from orgair.dal.pointers import pointers as pointers
from orgair.dal.pointers import score_mark as score_mark
from orgair.dal.pointers import score_sk
from orgair.dal.reviews import review_item
from orgair.dynamo.codec import from_item, to_item, to_value
from orgair.dynamo.transact import ConditionFailed, transact

INDEX: Final = "gsi1"
MAX_TRANSACTION_ITEMS: Final = 100


def score_index_pk(tenant_id: str, score_id: str) -> str:
    return f"T#{tenant_id}#S#{score_id}"


@dataclass(frozen=True)
class ScoreWrite:
    """Everything one stored score writes: the score, the company's pointer, and maybe a review.

    `read` is the pointer as read before deciding on review; `pointer` the one to write in its place.
    """

    tenant_id: str
    company_id: str
    version: str
    score_id: str
    score: dict[str, Any]
    read: Pointer
    pointer: Pointer
    review: dict[str, Any] | None = None
    keys: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "keys",
            {"pk": company_pk(self.tenant_id, self.company_id, self.version), "sk": score_sk(self.score_id)},
        )

    def transact_items(self, scores_table: str, reviews_table: str) -> list[Any]:
        pk = self.keys["pk"]
        score_item = {
            **self.score,
            **self.keys,
            "gsi1pk": score_index_pk(self.tenant_id, self.score_id),
            "gsi1sk": "SCORE",
        }
        items: list[Any] = [
            {
                "Put": {
                    "TableName": scores_table,
                    "Item": to_item(score_item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            self.pointer.put(scores_table, pk, self.company_id, self.read),
        ]
        if self.review is not None:
            items.append(
                {
                    "Put": {
                        "TableName": reviews_table,
                        "Item": review_item(self.tenant_id, self.review),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            )
        return items


def _strip_keys(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in {"pk", "sk", "gsi1pk", "gsi1sk"}}


class TransactionRefused(Exception):
    """A score transaction refused by a condition other than a pointer's: a score id or review id
    already stored, which fresh time-ordered ids never are (a bug, never a caller's mistake)."""

    def __init__(self, failed: frozenset[int]) -> None:
        super().__init__(f"conditions of transaction items {sorted(failed)} failed")
        self.failed = failed


def _write(items: list[Any], what: str) -> frozenset[int]:
    """One transaction of the shared core, in one attempt: a transient cancellation is a 503 with
    Retry-After for the caller to retry (the pointer logic re-reads and retries only moved pointers).
    Returns the positions of the items whose condition failed (empty: all written)."""
    outcome = transact(dynamodb_client(), items, what, attempts=1)
    return outcome.failed if isinstance(outcome, ConditionFailed) else frozenset()


POINTER_POSITION: Final = 1
"""Where a score write's pointer Put sits among its transaction items (after the score)."""


def save(write: ScoreWrite, scores_table: str, reviews_table: str) -> None:
    """Store one score whole; PointerMoved when its pointer changed since it was read (nothing written)."""
    failed = _write(write.transact_items(scores_table, reviews_table), "storing the score")
    if POINTER_POSITION in failed:
        raise PointerMoved
    if failed:
        raise TransactionRefused(failed)


def save_many(
    writes: Sequence[ScoreWrite], scores_table: str, reviews_table: str
) -> list[BaseException | None]:
    """Store many scores in as few transactions as fit (≤ 100 items each), each score whole.

    Returns, per write, None when stored or the error of the transaction that carried it, so a
    failed chunk is reported on exactly its own companies and nothing is ever half-written. A chunk
    cancelled because a pointer changed since it was read reports PointerMoved on every company of
    the chunk (none of them was written): the caller reads their pointers again and retries them.
    """
    outcome: list[BaseException | None] = [None] * len(writes)
    chunk: list[int] = []
    chunk_items: list[Any] = []
    pointer_positions: set[int] = set()

    def flush() -> None:
        if not chunk:
            return
        failure: BaseException | None = None
        try:
            failed = _write(list(chunk_items), "storing the portfolio's scores")
        except Exception as error:
            failure = error
        else:
            if failed:
                failure = PointerMoved() if failed & pointer_positions else TransactionRefused(failed)
        for index in chunk:
            outcome[index] = failure
        chunk.clear()
        chunk_items.clear()
        pointer_positions.clear()

    for index, write in enumerate(writes):
        items = write.transact_items(scores_table, reviews_table)
        if len(chunk_items) + len(items) > MAX_TRANSACTION_ITEMS:
            flush()
        chunk.append(index)
        pointer_positions.add(len(chunk_items) + POINTER_POSITION)
        chunk_items.extend(items)
    flush()
    return outcome


def get(tenant_id: str, score_id: str, scores_table: str) -> dict[str, Any] | None:
    with store_errors("reading the score"):
        response = dynamodb_client().query(
            TableName=scores_table,
            IndexName=INDEX,
            KeyConditionExpression="gsi1pk = :pk",
            ExpressionAttributeValues={":pk": to_value(score_index_pk(tenant_id, score_id))},
            Limit=1,
        )
    items = response.get("Items", [])
    return _strip_keys(from_item(items[0])) if items else None


def history(
    tenant_id: str,
    company_id: str,
    version: str,
    scores_table: str,
    *,
    limit: int,
    start_key: dict[str, Any] | None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of a company's scores of one version, newest first, and the next page's start key."""
    request: dict[str, Any] = {
        "TableName": scores_table,
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {
            ":pk": to_value(company_pk(tenant_id, company_id, version)),
            ":prefix": to_value("S#"),
        },
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if start_key:
        request["ExclusiveStartKey"] = to_item(start_key)
    with store_errors("reading the score history"):
        response = dynamodb_client().query(**request)
    items = [_strip_keys(from_item(item)) for item in response.get("Items", [])]
    last = response.get("LastEvaluatedKey")
    return items, (from_item(last) if last else None)
