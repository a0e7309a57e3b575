"""Stored scores and their history in ScoresTable, and review items in ReviewsTable.

Layout (every key starts with the tenant, so no query can reach another tenant's items):

- score:  pk `T#<tenant>#C#<company>#V#<version>`, sk `S#<score_id>` (score ids sort by time, so
  the history is one descending key-range query); gsi1pk `T#<tenant>#S#<score_id>` to fetch by id;
- latest: same pk, sk `LATEST`: the company's newest headline score of that version, which the
  human-review rule compares against (one strongly consistent GetItem, or BatchGetItem for portfolios);
- review: ReviewsTable pk `T#<tenant>`, sk `R#<review_id>`; gsi1pk `T#<tenant>#ST#<status>` lists
  one status, newest first.

A score, its latest pointer and its review are written in one transaction: nothing half-written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from orgair.aws import cancelled_transiently, dynamodb_client, error_code, store_errors
from orgair.dal.codec import from_item, to_item, to_value
from orgair.errors import Conflict, DependencyUnavailable, NotFound

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


@dataclass(frozen=True)
class ScoreWrite:
    """Everything one stored score writes: the score, the latest pointer, and maybe a review."""

    tenant_id: str
    company_id: str
    version: str
    score_id: str
    score: dict[str, Any]
    latest: dict[str, Any]
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
            {"Put": {"TableName": scores_table, "Item": to_item({**self.latest, "pk": pk, "sk": "LATEST"})}},
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


def latest(tenant_id: str, company_id: str, version: str, scores_table: str) -> dict[str, Any] | None:
    with store_errors("reading the previous score"):
        response = dynamodb_client().get_item(
            TableName=scores_table,
            Key={"pk": to_value(company_pk(tenant_id, company_id, version)), "sk": to_value("LATEST")},
            ConsistentRead=True,
        )
    item = response.get("Item")
    return _strip_keys(from_item(item)) if item else None


def latest_many(
    tenant_id: str, company_ids: Iterable[str], version: str, scores_table: str
) -> dict[str, dict[str, Any]]:
    """The latest pointer of many companies in BatchGetItem calls of 100 keys (retrying unprocessed)."""
    client = dynamodb_client()
    unique = list(dict.fromkeys(company_ids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(unique), MAX_BATCH_GET):
        keys = [
            {"pk": to_value(company_pk(tenant_id, company, version)), "sk": to_value("LATEST")}
            for company in unique[start : start + MAX_BATCH_GET]
        ]
        request: dict[str, Any] = {scores_table: {"Keys": keys, "ConsistentRead": True}}
        while request:
            with store_errors("reading previous scores"):
                response = client.batch_get_item(RequestItems=request)
            for raw in response.get("Responses", {}).get(scores_table, []):
                item = from_item(raw)
                found[str(item["company_id"])] = _strip_keys(item)
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


def save(write: ScoreWrite, scores_table: str, reviews_table: str) -> None:
    _transact(write.transact_items(scores_table, reviews_table), "storing the score")


def save_many(
    writes: Sequence[ScoreWrite], scores_table: str, reviews_table: str
) -> list[BaseException | None]:
    """Store many scores in as few transactions as fit (≤ 100 items each), each score whole.

    Returns, per write, None when stored or the error of the transaction that carried it, so a
    failed chunk is reported on exactly its own companies and nothing is ever half-written.
    """
    outcome: list[BaseException | None] = [None] * len(writes)
    chunk: list[int] = []
    chunk_items: list[Any] = []

    def flush() -> None:
        if not chunk:
            return
        try:
            _transact(list(chunk_items), "storing the portfolio's scores")
        except Exception as error:
            for index in chunk:
                outcome[index] = error
        chunk.clear()
        chunk_items.clear()

    for index, write in enumerate(writes):
        items = write.transact_items(scores_table, reviews_table)
        if len(chunk_items) + len(items) > MAX_TRANSACTION_ITEMS:
            flush()
        chunk.append(index)
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


def list_reviews(
    tenant_id: str,
    status: str | None,
    reviews_table: str,
    *,
    limit: int,
    start_key: dict[str, Any] | None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of the tenant's reviews (optionally of one status), newest first."""
    if status is None:
        request: dict[str, Any] = {
            "TableName": reviews_table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": to_value(f"T#{tenant_id}"), ":prefix": to_value("R#")},
        }
    else:
        request = {
            "TableName": reviews_table,
            "IndexName": INDEX,
            "KeyConditionExpression": "gsi1pk = :pk",
            "ExpressionAttributeValues": {":pk": to_value(review_status_pk(tenant_id, status))},
        }
    request.update({"ScanIndexForward": False, "Limit": limit})
    if start_key:
        request["ExclusiveStartKey"] = to_item(start_key)
    with store_errors("reading reviews"):
        response = dynamodb_client().query(**request)
    items = [_strip_keys(from_item(item)) for item in response.get("Items", [])]
    last = response.get("LastEvaluatedKey")
    return items, (from_item(last) if last else None)


def get_review(tenant_id: str, review_id: str, reviews_table: str) -> dict[str, Any] | None:
    with store_errors("reading the review"):
        response = dynamodb_client().get_item(
            TableName=reviews_table,
            Key={"pk": to_value(f"T#{tenant_id}"), "sk": to_value(f"R#{review_id}")},
            ConsistentRead=True,
        )
    item = response.get("Item")
    return _strip_keys(from_item(item)) if item else None


def decide_review(
    tenant_id: str,
    review_id: str,
    *,
    decision: dict[str, Any],
    new_status: str,
    scores_table: str,
    reviews_table: str,
) -> dict[str, Any]:
    """Record the one decision of a pending review and the score's review status, atomically.

    A review that does not exist for this tenant is NotFound; one already decided is Conflict.
    """
    review = get_review(tenant_id, review_id, reviews_table)
    if review is None:
        raise NotFound("No review with this id.")
    if review.get("status") != "pending":
        raise Conflict("This review has already been decided.", extensions={"status": review.get("status")})
    values = {f":{key}": to_value(value) for key, value in decision.items()}
    assignments = ", ".join(f"#{key} = :{key}" for key in decision)
    names = {f"#{key}": key for key in decision}
    score_keys = {
        "pk": to_value(company_pk(tenant_id, str(review["company_id"]), str(review["param_version"]))),
        "sk": to_value(score_sk(str(review["score_id"]))),
    }
    transaction: list[Any] = [
        {
            "Update": {
                "TableName": reviews_table,
                "Key": {"pk": to_value(f"T#{tenant_id}"), "sk": to_value(f"R#{review_id}")},
                "UpdateExpression": f"SET {assignments}, #status = :new_status, gsi1pk = :gsi1pk",
                "ConditionExpression": "#status = :pending",
                "ExpressionAttributeNames": {**names, "#status": "status"},
                "ExpressionAttributeValues": {
                    **values,
                    ":new_status": to_value(new_status),
                    ":pending": to_value("pending"),
                    ":gsi1pk": to_value(review_status_pk(tenant_id, new_status)),
                },
            }
        },
        {
            "Update": {
                "TableName": scores_table,
                "Key": score_keys,
                "UpdateExpression": "SET review_status = :new_status",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": {":new_status": to_value(new_status)},
            }
        },
    ]
    try:
        _transact(transaction, "recording the review decision")
    except Exception as error:
        if error_code(error) == "TransactionCanceledException":
            raise Conflict("This review has already been decided.") from None
        raise
    return {**review, **decision, "status": new_status}
