"""Stored scores and their history in ScoresTable, and the review items a score opens in ReviewsTable
(reading and deciding reviews: `orgair.dal.reviews`).

Layout (every key starts with the tenant, so no query can reach another tenant's items):

- score:  pk `T#<tenant>#C#<company>#V#<version>`, sk `S#<score_id>` (score ids sort by time, so
  the history is one descending key-range query); gsi1pk `T#<tenant>#S#<score_id>` to fetch by id;
- pointer: same pk, sk `LATEST` (`orgair.dal.pointers`): the company's newest score, review
  baseline and anchor, each moving only forward, under a revision every write is conditional on;
- review: ReviewsTable (`orgair.dal.reviews`, which lays out the item this module writes).

A score, its pointer and its review are written in one transaction: nothing half-written.

Typed answers only (`ScoreRepository`): scores are `ScoreRecord`s, a write refused because the
company's pointer moved is the outcome `"pointer_moved"`; the logic retries and maps them to errors.
The in-memory fake and the contract suite both pass are in tests/support/fakes/scores.py and
tests/contract/test_scores_contract.py. The pointer names are re-exported here for the score logic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal, Protocol, cast

from orgair.aws import store_errors
from orgair.dal.pointers import WRITE_ATTEMPTS as WRITE_ATTEMPTS
from orgair.dal.pointers import Mark as Mark
from orgair.dal.pointers import Pointer as Pointer
from orgair.dal.pointers import PointerUpdate as PointerUpdate
from orgair.dal.pointers import company_pk as company_pk
from orgair.dal.pointers import pause_before_retry as pause_before_retry
from orgair.dal.pointers import pointer as pointer
from orgair.dal.pointers import pointers as pointers
from orgair.dal.pointers import score_mark as score_mark
from orgair.dal.pointers import score_sk
from orgair.dal.reviews import review_item
from orgair.dal.tables import ScoreAndReviewTables
from orgair.dynamo.codec import from_item, record_values, to_item, to_value
from orgair.dynamo.transact import ConditionFailed, transact
from orgair.records.reviews import ReviewRecord, ReviewStatus
from orgair.records.scores import AssessmentRecord, EvidenceProvenance, EvidenceSource, ScoreRecord

INDEX: Final = "gsi1"
MAX_TRANSACTION_ITEMS: Final = 100

SaveOutcome = Literal["stored", "pointer_moved"]
"""`pointer_moved`: the company's pointer changed since it was read; nothing was written (read it
again and retry)."""


def score_index_pk(tenant_id: str, score_id: str) -> str:
    return f"T#{tenant_id}#S#{score_id}"


def score_values(score: ScoreRecord) -> dict[str, Any]:
    """A score's stored attributes (None ones are left out of the item)."""
    return record_values(score)


def _evidence_from(values: Mapping[str, Any]) -> EvidenceProvenance:
    return EvidenceProvenance(
        evidence_id=str(values["evidence_id"]),
        source=cast(EvidenceSource, values["source"]),
        location=str(values["location"]),
        sha256=str(values["sha256"]),
        size_bytes=int(values["size_bytes"]),
        content_type=str(values["content_type"]),
    )


def _assessment_from(values: Mapping[str, Any]) -> AssessmentRecord:
    evidence = values.get("evidence")
    prompt_version = values.get("prompt_version")
    return AssessmentRecord(
        ratings=dict(values["ratings"]),
        evidence_chars=int(values["evidence_chars"]),
        llm=dict(values["llm"]),
        evidence=_evidence_from(evidence) if evidence else None,
        prompt_version=None if prompt_version is None else str(prompt_version),
    )


def score_from(values: Mapping[str, Any]) -> ScoreRecord:
    """A stored score item (plain values) as its record; scores stored before a field was kept read
    it as absent."""
    assessment = values.get("assessment")
    return ScoreRecord(
        tenant_id=str(values["tenant_id"]),
        company_id=str(values["company_id"]),
        score_id=str(values["score_id"]),
        param_version=str(values["param_version"]),
        created_at=str(values["created_at"]),
        inputs=dict(values["inputs"]),
        result=dict(values["result"]),
        headline=Decimal(values["headline"]),
        requires_review=bool(values.get("requires_review")),
        review_id=values.get("review_id") or None,
        review_status=cast("ReviewStatus | None", values.get("review_status")),
        review_reasons=tuple(dict(reason) for reason in values.get("review_reasons") or ()),
        correlation_id=str(values.get("correlation_id") or ""),
        request_id=values.get("request_id"),
        key_id=values.get("key_id"),
        assessment=_assessment_from(assessment) if assessment else None,
    )


@dataclass(frozen=True)
class ScoreWrite:
    """Everything one stored score writes: the score, the company's pointer, and maybe a review.

    `read` is the pointer as read before deciding on review; `pointer` the one to write in its place.
    """

    score: ScoreRecord
    read: Pointer
    pointer: Pointer
    review: ReviewRecord | None = None

    @property
    def company_key(self) -> tuple[str, str, str]:
        """(tenant, company, parameter version): the pointer this write replaces."""
        return (self.score.tenant_id, self.score.company_id, self.score.param_version)

    def transact_items(self, scores_table: str, reviews_table: str) -> list[Any]:
        score = self.score
        pk = company_pk(score.tenant_id, score.company_id, score.param_version)
        score_item = {
            **score_values(score),
            "pk": pk,
            "sk": score_sk(score.score_id),
            "gsi1pk": score_index_pk(score.tenant_id, score.score_id),
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
            self.pointer.put(scores_table, pk, score.company_id, self.read),
        ]
        if self.review is not None:
            items.append(
                {
                    "Put": {
                        "TableName": reviews_table,
                        "Item": review_item(score.tenant_id, record_values(self.review)),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            )
        return items


class TransactionRefused(Exception):
    """A score transaction refused by a condition other than a pointer's: a score id or review id
    already stored, which fresh time-ordered ids never are (a bug, never a caller's mistake)."""

    def __init__(self, failed: frozenset[int]) -> None:
        super().__init__(f"conditions of transaction items {sorted(failed)} failed")
        self.failed = failed


class ScoreRepository(Protocol):
    """A tenant's stored scores and company pointers; every method fails closed (DependencyUnavailable)."""

    def pointer(self, tenant_id: str, company_id: str, version: str) -> Pointer:
        """The company's pointer (empty when it has no score of this version yet), strongly consistent."""
        ...

    def pointers(self, tenant_id: str, company_ids: Iterable[str], version: str) -> dict[str, Pointer]:
        """The pointers of many companies; companies without a score of this version are absent."""
        ...

    def save(self, write: ScoreWrite) -> SaveOutcome:
        """Store one score, its pointer and its review whole, or nothing."""
        ...

    def save_many(self, writes: Sequence[ScoreWrite]) -> list[SaveOutcome | BaseException]:
        """Store many scores, each whole: per write, its outcome or the error of the write that carried it."""
        ...

    def get(self, tenant_id: str, score_id: str) -> ScoreRecord | None:
        """The tenant's score with this id, of any version."""
        ...

    def history(
        self, tenant_id: str, company_id: str, version: str, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ScoreRecord], dict[str, Any] | None]:
        """One page of a company's scores of one version, newest first, and the next page's start key."""
        ...


POINTER_POSITION: Final = 1
"""Where a score write's pointer Put sits among its transaction items (after the score)."""


class ScoreTable(ScoreAndReviewTables):
    """The DynamoDB `ScoreRepository`: ScoresTable, and ReviewsTable for the reviews scores open."""

    def pointer(self, tenant_id: str, company_id: str, version: str) -> Pointer:
        return pointer(tenant_id, company_id, version, self._scores)

    def pointers(self, tenant_id: str, company_ids: Iterable[str], version: str) -> dict[str, Pointer]:
        return pointers(tenant_id, company_ids, version, self._scores)

    def _write(self, items: list[Any], what: str) -> frozenset[int]:
        """One transaction of the shared core, in one attempt: a transient cancellation is a 503 with
        Retry-After for the caller to retry (the logic re-reads and retries only moved pointers).
        Returns the positions of the items whose condition failed (empty: all written)."""
        outcome = transact(self._client, items, what, attempts=1)
        return outcome.failed if isinstance(outcome, ConditionFailed) else frozenset()

    def save(self, write: ScoreWrite) -> SaveOutcome:
        failed = self._write(write.transact_items(self._scores, self._reviews), "storing the score")
        if POINTER_POSITION in failed:
            return "pointer_moved"
        if failed:
            raise TransactionRefused(failed)
        return "stored"

    def save_many(self, writes: Sequence[ScoreWrite]) -> list[SaveOutcome | BaseException]:
        """In as few transactions as fit (≤ 100 items each), each score whole.

        A failed chunk is reported on exactly its own companies and nothing is ever half-written. A
        chunk cancelled because a pointer changed since it was read reports `pointer_moved` on every
        company of the chunk (none of them was written): the caller reads their pointers again.
        """
        outcome: list[SaveOutcome | BaseException] = ["stored"] * len(writes)
        chunk: list[int] = []
        chunk_items: list[Any] = []
        pointer_positions: set[int] = set()

        def flush() -> None:
            if not chunk:
                return
            result: SaveOutcome | BaseException = "stored"
            try:
                failed = self._write(list(chunk_items), "storing the portfolio's scores")
            except Exception as error:
                result = error
            else:
                if failed:
                    result = "pointer_moved" if failed & pointer_positions else TransactionRefused(failed)
            for index in chunk:
                outcome[index] = result
            chunk.clear()
            chunk_items.clear()
            pointer_positions.clear()

        for index, write in enumerate(writes):
            items = write.transact_items(self._scores, self._reviews)
            if len(chunk_items) + len(items) > MAX_TRANSACTION_ITEMS:
                flush()
            chunk.append(index)
            pointer_positions.add(len(chunk_items) + POINTER_POSITION)
            chunk_items.extend(items)
        flush()
        return outcome

    def get(self, tenant_id: str, score_id: str) -> ScoreRecord | None:
        with store_errors("reading the score"):
            response = self._client.query(
                TableName=self._scores,
                IndexName=INDEX,
                KeyConditionExpression="gsi1pk = :pk",
                ExpressionAttributeValues={":pk": to_value(score_index_pk(tenant_id, score_id))},
                Limit=1,
            )
        items = response.get("Items", [])
        return score_from(from_item(items[0])) if items else None

    def history(
        self, tenant_id: str, company_id: str, version: str, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ScoreRecord], dict[str, Any] | None]:
        request: dict[str, Any] = {
            "TableName": self._scores,
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
            response = self._client.query(**request)
        items = [score_from(from_item(item)) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return items, (from_item(last) if last else None)
