"""Review items in ReviewsTable: the repository (`ReviewRepository`) and its DynamoDB implementation.

Layout: pk `T#<tenant>`, sk `R#<review_id>` (review ids sort by time, so a tenant's reviews are one
descending key-range query); gsi1pk `T#<tenant>#ST#<status>` lists one status, newest first. A
review is opened in the transaction that stores its score (`orgair.dal.scores.ScoreWrite`, with the
item `review_item` lays out); it is decided here, once: the decision, the score's `review_status` and (for an approval) the company's
moved pointer are one transaction.

Typed answers only: a missing review is None, a refused decision a `DecideRefusal`; the logic maps
them to errors. The in-memory fake and the contract suite both pass are in
tests/support/fakes/reviews.py and tests/contract/test_reviews_contract.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, cast

from orgair.aws import store_errors
from orgair.dal.pointers import PointerUpdate, company_pk, score_sk
from orgair.dal.tables import ScoreAndReviewTables
from orgair.dynamo.codec import from_item, to_item, to_value
from orgair.dynamo.transact import ConditionFailed, transact
from orgair.records.reviews import Decision, ReviewDecision, ReviewRecord, ReviewStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

INDEX: Final = "gsi1"
LIST_QUERIES_PER_PAGE: Final = 8
"""Queries one page may take to fill up past reviews of the other parameter version."""
_KEYS: Final = frozenset({"pk", "sk", "gsi1pk", "gsi1sk"})

DecideRefusal = Literal["already_decided", "pointer_moved"]
"""`already_decided`: the review is no longer pending (or its score is gone); `pointer_moved`: the
company's pointer changed since it was read (read it again and retry). Nothing was written."""


class ReviewRepository(Protocol):
    """A tenant's reviews; every method fails closed (DependencyUnavailable)."""

    def get(self, tenant_id: str, review_id: str) -> ReviewRecord | None:
        """The review (strongly consistent), if the tenant has one with this id."""
        ...

    def page(
        self,
        tenant_id: str,
        status: ReviewStatus | None,
        *,
        version: str,
        limit: int,
        start_key: dict[str, Any] | None,
    ) -> tuple[list[ReviewRecord], dict[str, Any] | None]:
        """Up to `limit` of the tenant's reviews of one parameter version (optionally of one status),
        newest first, and where the next page starts (None: no more)."""
        ...

    def decide(
        self, review: ReviewRecord, decision: ReviewDecision, pointer: PointerUpdate | None
    ) -> ReviewRecord | DecideRefusal:
        """Record the one decision of a pending review, the score's review status and (for an
        approval) the company's moved pointer, all or nothing: the decided review, or why not."""
        ...


def review_status_pk(tenant_id: str, status: str) -> str:
    return f"T#{tenant_id}#ST#{status}"


def review_item(tenant_id: str, review: Mapping[str, Any]) -> dict[str, Any]:
    """A new review's item (attribute values): its fields and keys; written by the transaction that
    stores its score (`orgair.dal.scores.ScoreWrite`)."""
    review_id = str(review["review_id"])
    return to_item(
        {
            **review,
            "pk": f"T#{tenant_id}",
            "sk": f"R#{review_id}",
            "gsi1pk": review_status_pk(tenant_id, str(review["status"])),
            "gsi1sk": f"R#{review_id}",
        }
    )


def review_from(item: Mapping[str, Any]) -> ReviewRecord:
    """A stored review item (attribute values) as its record."""
    values = from_item(item)
    return ReviewRecord(
        review_id=str(values["review_id"]),
        tenant_id=str(values["tenant_id"]),
        score_id=str(values["score_id"]),
        company_id=str(values["company_id"]),
        param_version=str(values["param_version"]),
        status=cast(ReviewStatus, values["status"]),
        reasons=tuple(dict(reason) for reason in values.get("reasons") or ()),
        created_at=str(values["created_at"]),
        decision=cast("Decision | None", values.get("decision")),
        comment=values.get("comment"),
        reviewer_key_id=values.get("reviewer_key_id"),
        decided_at=values.get("decided_at"),
    )


class ReviewTable(ScoreAndReviewTables):
    """The DynamoDB `ReviewRepository`: ReviewsTable, and ScoresTable for what a decision moves."""

    def get(self, tenant_id: str, review_id: str) -> ReviewRecord | None:
        with store_errors("reading the review"):
            response = self._client.get_item(
                TableName=self._reviews,
                Key={"pk": to_value(f"T#{tenant_id}"), "sk": to_value(f"R#{review_id}")},
                ConsistentRead=True,
            )
        item = response.get("Item")
        return review_from(item) if item else None

    def page(
        self,
        tenant_id: str,
        status: ReviewStatus | None,
        *,
        version: str,
        limit: int,
        start_key: dict[str, Any] | None,
    ) -> tuple[list[ReviewRecord], dict[str, Any] | None]:
        """Reviews of the other version are filtered out by DynamoDB; the page is filled by further
        queries (at most LIST_QUERIES_PER_PAGE), so it may come back short, never wrong."""
        values: dict[str, Any] = {":version": to_value(version)}
        if status is None:
            request: dict[str, Any] = {
                "TableName": self._reviews,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            }
            values.update({":pk": to_value(f"T#{tenant_id}"), ":prefix": to_value("R#")})
        else:
            request = {
                "TableName": self._reviews,
                "IndexName": INDEX,
                "KeyConditionExpression": "gsi1pk = :pk",
            }
            values[":pk"] = to_value(review_status_pk(tenant_id, status))
        request.update(
            {
                "ScanIndexForward": False,
                "FilterExpression": "param_version = :version",
                "ExpressionAttributeValues": values,
            }
        )
        records: list[ReviewRecord] = []
        last: dict[str, Any] | None = to_item(start_key) if start_key else None
        for _ in range(LIST_QUERIES_PER_PAGE):
            page = {**request, "Limit": limit - len(records)}
            if last:
                page["ExclusiveStartKey"] = last
            with store_errors("reading reviews"):
                response = self._client.query(**page)
            records.extend(review_from(item) for item in response.get("Items", []))
            last = cast("dict[str, Any] | None", response.get("LastEvaluatedKey"))
            if not last or len(records) >= limit:
                break
        return records, (from_item(last) if last else None)

    def decide(
        self, review: ReviewRecord, decision: ReviewDecision, pointer: PointerUpdate | None
    ) -> ReviewRecord | DecideRefusal:
        tenant_id, new_status = review.tenant_id, decision.status
        fields: dict[str, Any] = {
            "decision": decision.decision,
            "comment": decision.comment,
            "reviewer_key_id": decision.reviewer_key_id,
            "decided_at": decision.decided_at,
        }
        assignments = ", ".join(f"#{key} = :{key}" for key in fields)
        pk = company_pk(tenant_id, review.company_id, review.param_version)
        items: list[Any] = [
            {
                "Update": {
                    "TableName": self._reviews,
                    "Key": {"pk": to_value(f"T#{tenant_id}"), "sk": to_value(f"R#{review.review_id}")},
                    "UpdateExpression": f"SET {assignments}, #status = :new_status, gsi1pk = :gsi1pk",
                    "ConditionExpression": "#status = :pending",
                    "ExpressionAttributeNames": {**{f"#{key}": key for key in fields}, "#status": "status"},
                    "ExpressionAttributeValues": {
                        **{f":{key}": to_value(value) for key, value in fields.items()},
                        ":new_status": to_value(new_status),
                        ":pending": to_value("pending"),
                        ":gsi1pk": to_value(review_status_pk(tenant_id, new_status)),
                    },
                }
            },
            {
                "Update": {
                    "TableName": self._scores,
                    "Key": {"pk": to_value(pk), "sk": to_value(score_sk(review.score_id))},
                    "UpdateExpression": "SET review_status = :new_status",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeValues": {":new_status": to_value(new_status)},
                }
            },
        ]
        if pointer is not None:
            items.append(pointer.pointer.put(self._scores, pk, review.company_id, pointer.read))
        # One attempt, as every score write: a transient cancellation is a 503 with Retry-After for the
        # caller to retry (tests/unit/functions/reviews: a throttled decision is 503, not 409).
        outcome = transact(
            self._client,
            cast("list[TransactWriteItemTypeDef]", items),
            "recording the review decision",
            attempts=1,
        )
        if isinstance(outcome, ConditionFailed):
            return "pointer_moved" if outcome.index == 2 else "already_decided"
        return review.decided(decision)
