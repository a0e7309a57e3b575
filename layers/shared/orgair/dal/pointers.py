"""The company pointer in ScoresTable: what the human-review rule compares against, and how it
moves only forward under concurrent writers.

pk `T#<tenant>#C#<company>#V#<version>`, sk `LATEST`: the company's newest score of that version
(`score_id`, `score`, `ebitda_impact_pct`), its review baseline (newest accepted score, `baseline_*`)
and anchor (newest approved score, or the first, `anchor_*`), and a `revision`. Every write of the
pointer is conditional on the revision it read and never moves `score_id` back in time, so
concurrent writers retry instead of overwriting each other. Written by `orgair.dal.scores` (a stored
score) and `orgair.dal.reviews` (an approval), each in its own transaction.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from orgair.aws import dynamodb_client, store_errors
from orgair.dynamo.codec import from_item, to_item, to_value

MAX_BATCH_GET: Final = 100


def company_pk(tenant_id: str, company_id: str, version: str) -> str:
    return f"T#{tenant_id}#C#{company_id}#V#{version}"


def score_sk(score_id: str) -> str:
    return f"S#{score_id}"


POINTER_SK: Final = "LATEST"
WRITE_ATTEMPTS: Final = 8
"""How often a caller re-reads a moved pointer and writes again before answering 503."""
_BACKOFF_BASE_SECONDS: Final = 0.01
_BACKOFF_CAP_SECONDS: Final = 0.2
_jitter = random.SystemRandom()


def pause_before_retry(attempt: int) -> None:
    """Exponential backoff with full jitter after losing a race for a pointer, so racers spread out."""
    time.sleep(_jitter.uniform(0, min(_BACKOFF_CAP_SECONDS, _BACKOFF_BASE_SECONDS * 2**attempt)))


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
