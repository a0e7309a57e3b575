"""An in-memory `ScoreRepository` (orgair.dal.scores): ScoresTable's answers, no socket.

A write replaces the company's pointer only if it is the pointer the writer read (same revision) and
does not move the newest score back in time, exactly the conditions of the DynamoDB Put; the reviews
scores open are kept in `reviews` for a test to look at.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from orgair.dal.pointers import Pointer
from orgair.dal.scores import SaveOutcome, ScoreWrite
from orgair.records.reviews import ReviewRecord
from orgair.records.scores import ScoreRecord

CompanyKey = tuple[str, str, str]
"""(tenant, company, parameter version): one pointer."""


class InMemoryScores:
    def __init__(self) -> None:
        self._scores: dict[tuple[str, str], ScoreRecord] = {}
        self._pointers: dict[CompanyKey, Pointer] = {}
        self.reviews: dict[tuple[str, str], ReviewRecord] = {}

    def pointer(self, tenant_id: str, company_id: str, version: str) -> Pointer:
        return self._pointers.get((tenant_id, company_id, version), Pointer())

    def pointers(self, tenant_id: str, company_ids: Iterable[str], version: str) -> dict[str, Pointer]:
        return {
            company: self._pointers[(tenant_id, company, version)]
            for company in company_ids
            if (tenant_id, company, version) in self._pointers
        }

    def _may_write(self, write: ScoreWrite) -> bool:
        stored = self._pointers.get(write.company_key, Pointer())
        if stored != write.read:
            return False
        latest, before = write.pointer.latest, write.read.latest
        return before is None or latest == before or (latest is not None and latest.is_newer_than(before))

    def _apply(self, write: ScoreWrite) -> None:
        score = write.score
        self._scores[(score.tenant_id, score.score_id)] = score
        self._pointers[write.company_key] = replace(write.pointer, revision=(write.read.revision or 0) + 1)
        if write.review is not None:
            self.reviews[(score.tenant_id, write.review.review_id)] = write.review

    def save(self, write: ScoreWrite) -> SaveOutcome:
        new = write.pointer
        if new.latest is None or new.baseline is None or new.anchor is None:
            raise ValueError("a pointer is written only once it has an accepted score")
        if not self._may_write(write):
            return "pointer_moved"
        self._apply(write)
        return "stored"

    def save_many(self, writes: Sequence[ScoreWrite]) -> list[SaveOutcome | BaseException]:
        return [self.save(write) for write in writes]

    def get(self, tenant_id: str, score_id: str) -> ScoreRecord | None:
        return self._scores.get((tenant_id, score_id))

    def history(
        self, tenant_id: str, company_id: str, version: str, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ScoreRecord], dict[str, Any] | None]:
        after = str(start_key["score_id"]) if start_key else None
        matching = sorted(
            (
                score
                for (tenant, _), score in self._scores.items()
                if tenant == tenant_id
                and score.company_id == company_id
                and score.param_version == version
                and (after is None or score.score_id < after)
            ),
            key=lambda score: score.score_id,
            reverse=True,
        )
        page = matching[:limit]
        return page, ({"score_id": page[-1].score_id} if len(page) == limit else None)
