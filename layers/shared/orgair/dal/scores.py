"""Stored scores and their history in ScoresTable, and the review items a score opens in ReviewsTable
(reading and deciding reviews: `orgair.dal.reviews`).

Layout (every key starts with the tenant, so no query can reach another tenant's items):

- score:  pk `T#<tenant>#C#<company>#V#<version>`, sk `S#<score_id>` (score ids sort by time, so
  the history is one descending key-range query); gsi1pk `T#<tenant>#S#<score_id>` to fetch by id;
- pointer: same pk, sk `LATEST`: the company's newest score of that version (`score_id`, `score`,
  `ebitda_impact_pct`), its review baseline (newest accepted score, `baseline_*`) and anchor (newest
  approved score, or the first, `anchor_*`), and a `revision`; the human-review rule compares against
  baseline and anchor (one strongly consistent GetItem, or BatchGetItem for portfolios). Every write
  of the pointer is conditional on the revision it read and never moves `score_id` back in time, so
  concurrent writers retry instead of overwriting each other: each mark only moves forward;
- review: ReviewsTable pk `T#<tenant>`, sk `R#<review_id>`; gsi1pk `T#<tenant>#ST#<status>` lists
  one status, newest first.

A score, its pointer and its review are written in one transaction: nothing half-written.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from orgair.aws import dynamodb_client, error_code, store_errors
from orgair.dynamo.codec import from_item, to_item, to_value
from orgair.dynamo.transact import cancelled_transiently
from orgair.errors import DependencyUnavailable

INDEX: Final = "gsi1"
MAX_TRANSACTION_ITEMS: Final = 100
MAX_BATCH_GET: Final = 100


def company_pk(tenant_id: str, company_id: str, version: str) -> str:
    return f"T#{tenant_id}#C#{company_id}#V#{version}"


def score_sk(score_id: str) -> str:
    return f"S#{score_id}"


def score_index_pk(tenant_id: str, score_id: str) -> str:
    return f"T#{tenant_id}#S#{score_id}"


def review_status_pk(tenant_id: str, status: str) -> str:
    return f"T#{tenant_id}#ST#{status}"


POINTER_SK: Final = "LATEST"
WRITE_ATTEMPTS: Final = 8
"""How often a caller re-reads a moved pointer and writes again before answering 503."""
_BACKOFF_BASE_SECONDS: Final = 0.01
_BACKOFF_CAP_SECONDS: Final = 0.2
_jitter = random.SystemRandom()


def pause_before_retry(attempt: int) -> None:
    """Exponential backoff with full jitter after losing a race for a pointer, so racers spread out."""
    time.sleep(_jitter.uniform(0, min(_BACKOFF_CAP_SECONDS, _BACKOFF_BASE_SECONDS * 2**attempt)))


class PointerMoved(Exception):
    """The company's pointer changed between reading it and writing: read it again and retry.

    A signal between the data access and the logic (which retries, then answers 503), never a
    problem a caller sees.
    """

    def __init__(self) -> None:
        super().__init__("Another score of this company was stored at the same time.")


@dataclass(frozen=True, slots=True)
class Mark:
    """One score as the pointer records it: the values the human-review rule compares."""

    score_id: str
    score: Decimal
    ebitda_impact_pct: Decimal | None = None

    def attributes(self, prefix: str = "") -> dict[str, Any]:
        """Flat attributes (cheaper to store and copy than a map), `<prefix>score_id` and so on."""
        return {
            f"{prefix}score_id": self.score_id,
            f"{prefix}score": self.score,
            f"{prefix}ebitda_impact_pct": self.ebitda_impact_pct,
        }

    @classmethod
    def of(cls, item: Mapping[str, Any], prefix: str = "") -> Mark | None:
        score_id = item.get(f"{prefix}score_id")
        if score_id is None:
            return None
        ebitda = item.get(f"{prefix}ebitda_impact_pct")
        return cls(
            score_id=str(score_id),
            score=Decimal(item[f"{prefix}score"]),
            ebitda_impact_pct=None if ebitda is None else Decimal(ebitda),
        )

    def is_newer_than(self, other: Mark | None) -> bool:
        """Score ids sort by creation time, so the larger id is the newer score."""
        return other is None or self.score_id > other.score_id


@dataclass(frozen=True, slots=True)
class Pointer:
    """A company's pointer item as read (`revision` None: there is none yet, or it predates revisions).

    `latest` is the newest stored score; `baseline` the newest accepted score; `anchor` the newest
    approved score, or the first accepted one while none was approved. Each only moves forward.
    Stored flat: `score_id`, `score`, `ebitda_impact_pct` for the latest; `baseline_*` only when the
    baseline is not the latest, `anchor_*` only when the anchor is not the baseline.
    """

    revision: int | None = None
    latest: Mark | None = None
    baseline: Mark | None = None
    anchor: Mark | None = None

    def with_score(self, mark: Mark, *, accepted: bool) -> Pointer:
        """The pointer after storing a score, accepted (needing no review) or not (pending review)."""
        return Pointer(
            revision=self.revision,
            latest=mark if mark.is_newer_than(self.latest) else self.latest,
            baseline=mark if accepted and mark.is_newer_than(self.baseline) else self.baseline,
            anchor=mark if accepted and self.anchor is None else self.anchor,
        )

    def with_approval(self, mark: Mark) -> Pointer:
        """The pointer after a reviewer approved this score: it is accepted and approved."""
        return Pointer(
            revision=self.revision,
            latest=mark if mark.is_newer_than(self.latest) else self.latest,
            baseline=mark if mark.is_newer_than(self.baseline) else self.baseline,
            anchor=mark if mark.is_newer_than(self.anchor) else self.anchor,
        )

    @classmethod
    def of(cls, item: Mapping[str, Any] | None) -> Pointer:
        """Parse a stored pointer item; one written before revisions compared with its latest score."""
        latest = Mark.of(item) if item else None
        if item is None or latest is None:
            return cls()
        if item.get("revision") is None:
            return cls(revision=None, latest=latest, baseline=latest, anchor=latest)
        baseline = Mark.of(item, "baseline_") or latest
        return cls(
            revision=int(item["revision"]),
            latest=latest,
            baseline=baseline,
            anchor=Mark.of(item, "anchor_") or baseline,
        )

    def put(self, table: str, pk: str, company_id: str, previous: Pointer) -> dict[str, Any]:
        """The conditional Put that replaces `previous` (as read) with this pointer.

        It succeeds only if nobody wrote the pointer since it was read (same revision) and only if
        it does not move the newest score id back in time (the ids are time-ordered).
        """
        if self.latest is None or self.baseline is None or self.anchor is None:
            raise ValueError("a pointer is written only once it has an accepted score")
        item = {"pk": pk, "sk": POINTER_SK, "company_id": company_id, **self.latest.attributes()}
        item["revision"] = (previous.revision or 0) + 1
        if self.baseline != self.latest:
            item.update(self.baseline.attributes("baseline_"))
        if self.anchor != self.baseline:
            item.update(self.anchor.attributes("anchor_"))
        values: dict[str, Any] = {}
        if previous.latest is None:
            condition = "attribute_not_exists(pk)"
        elif previous.revision is None:
            condition = "attribute_not_exists(#revision)"
        else:
            condition = "#revision = :revision"
            values[":revision"] = to_value(previous.revision)
        if previous.latest is not None and self.latest != previous.latest:
            condition += " AND score_id < :latest"
            values[":latest"] = to_value(self.latest.score_id)
        put: dict[str, Any] = {"TableName": table, "Item": to_item(item), "ConditionExpression": condition}
        if "#revision" in condition:
            put["ExpressionAttributeNames"] = {"#revision": "revision"}
        if values:
            put["ExpressionAttributeValues"] = values
        return {"Put": put}


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
            review_id = str(self.review["review_id"])
            review_item = {
                **self.review,
                "pk": f"T#{self.tenant_id}",
                "sk": f"R#{review_id}",
                "gsi1pk": review_status_pk(self.tenant_id, str(self.review["status"])),
                "gsi1sk": f"R#{review_id}",
            }
            items.append(
                {
                    "Put": {
                        "TableName": reviews_table,
                        "Item": to_item(review_item),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            )
        return items


def _strip_keys(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in {"pk", "sk", "gsi1pk", "gsi1sk"}}


def pointer(tenant_id: str, company_id: str, version: str, scores_table: str) -> Pointer:
    """The company's pointer (empty when it has no score of this version yet), strongly consistent."""
    with store_errors("reading the previous score"):
        response = dynamodb_client().get_item(
            TableName=scores_table,
            Key={"pk": to_value(company_pk(tenant_id, company_id, version)), "sk": to_value(POINTER_SK)},
            ConsistentRead=True,
        )
    item = response.get("Item")
    return Pointer.of(from_item(item) if item else None)


def pointers(
    tenant_id: str, company_ids: Iterable[str], version: str, scores_table: str
) -> dict[str, Pointer]:
    """The pointers of many companies in BatchGetItem calls of 100 keys (retrying unprocessed).

    Companies without a score of this version are absent from the result.
    """
    client = dynamodb_client()
    unique = list(dict.fromkeys(company_ids))
    found: dict[str, Pointer] = {}
    for start in range(0, len(unique), MAX_BATCH_GET):
        keys = [
            {"pk": to_value(company_pk(tenant_id, company, version)), "sk": to_value(POINTER_SK)}
            for company in unique[start : start + MAX_BATCH_GET]
        ]
        request: dict[str, Any] = {scores_table: {"Keys": keys, "ConsistentRead": True}}
        while request:
            with store_errors("reading previous scores"):
                response = client.batch_get_item(RequestItems=request)
            for raw in response.get("Responses", {}).get(scores_table, []):
                item = from_item(raw)
                found[str(item["company_id"])] = Pointer.of(item)
            request = dict(response.get("UnprocessedKeys") or {})
    return found


def _transact(items: list[Any], what: str) -> None:
    """One transaction; unreachable, throttled or cancelled for capacity: DependencyUnavailable (503)."""
    try:
        with store_errors(what):
            dynamodb_client().transact_write_items(TransactItems=items)
    except Exception as error:
        if cancelled_transiently(error):
            raise DependencyUnavailable(
                f"The data store could not take the write while {what}.", retry_after_seconds=1
            ) from error
        raise


def failed_conditions(error: BaseException) -> set[int]:
    """Positions of the items whose condition failed in a cancelled transaction (empty otherwise)."""
    if error_code(error) != "TransactionCanceledException":
        return set()
    response: Any = getattr(error, "response", None)
    reasons = response.get("CancellationReasons", []) if isinstance(response, dict) else []
    return {
        position
        for position, reason in enumerate(reasons)
        if isinstance(reason, dict) and reason.get("Code") == "ConditionalCheckFailed"
    }


POINTER_POSITION: Final = 1
"""Where a score write's pointer Put sits among its transaction items (after the score)."""


def save(write: ScoreWrite, scores_table: str, reviews_table: str) -> None:
    """Store one score whole; PointerMoved when its pointer changed since it was read (nothing written)."""
    try:
        _transact(write.transact_items(scores_table, reviews_table), "storing the score")
    except Exception as error:
        if POINTER_POSITION in failed_conditions(error):
            raise PointerMoved from None
        raise


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
        try:
            _transact(list(chunk_items), "storing the portfolio's scores")
        except Exception as error:
            failure: BaseException = PointerMoved() if failed_conditions(error) & pointer_positions else error
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


def score_mark(
    tenant_id: str, company_id: str, version: str, score_id: str, scores_table: str
) -> Mark | None:
    """The values of one stored score that the pointer records (None if it does not exist)."""
    with store_errors("reading the reviewed score"):
        response = dynamodb_client().get_item(
            TableName=scores_table,
            Key={
                "pk": to_value(company_pk(tenant_id, company_id, version)),
                "sk": to_value(score_sk(score_id)),
            },
            ConsistentRead=True,
            ProjectionExpression="score_id, headline, #result.ebitda_impact_pct",
            ExpressionAttributeNames={"#result": "result"},
        )
    raw = response.get("Item")
    if not raw:
        return None
    item = from_item(raw)
    ebitda = (item.get("result") or {}).get("ebitda_impact_pct")
    return Mark(str(item["score_id"]), Decimal(item["headline"]), None if ebitda is None else Decimal(ebitda))


@dataclass(frozen=True)
class PointerUpdate:
    """A pointer to replace, as read (`read`) and as it must become (`pointer`)."""

    read: Pointer
    pointer: Pointer
