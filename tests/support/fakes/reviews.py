"""An in-memory `ReviewRepository` (orgair.dal.reviews): ReviewsTable's answers, no socket.

A decision in the store also touches the reviewed score and the company's pointer (ScoresTable), so
the fake keeps both: `open_review` is what storing a score with a pending review leaves behind.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from orgair.dal.pointers import Pointer, PointerUpdate
from orgair.dal.reviews import DecideRefusal
from orgair.records.reviews import ReviewDecision, ReviewRecord, ReviewStatus

CompanyKey = tuple[str, str, str]
"""(tenant, company, parameter version): one pointer."""


class InMemoryReviews:
    def __init__(self) -> None:
        self._reviews: dict[tuple[str, str], ReviewRecord] = {}
        self._review_status: dict[tuple[str, str], ReviewStatus] = {}
        """Each stored score's review status, by (tenant, score id)."""
        self._pointers: dict[CompanyKey, Pointer] = {}

    def open_review(self, review: ReviewRecord, pointer: Pointer) -> None:
        """What storing `review`'s score left: the pending review, its score, the company's pointer."""
        self._reviews[(review.tenant_id, review.review_id)] = review
        self._review_status[(review.tenant_id, review.score_id)] = review.status
        self._pointers[(review.tenant_id, review.company_id, review.param_version)] = pointer

    def get(self, tenant_id: str, review_id: str) -> ReviewRecord | None:
        return self._reviews.get((tenant_id, review_id))

    def page(
        self,
        tenant_id: str,
        status: ReviewStatus | None,
        *,
        version: str,
        limit: int,
        start_key: dict[str, Any] | None,
    ) -> tuple[list[ReviewRecord], dict[str, Any] | None]:
        after = str(start_key["review_id"]) if start_key else None
        matching = sorted(
            (
                review
                for (tenant, _), review in self._reviews.items()
                if tenant == tenant_id
                and review.param_version == version
                and (status is None or review.status == status)
                and (after is None or review.review_id < after)
            ),
            key=lambda review: review.review_id,
            reverse=True,
        )
        page = matching[:limit]
        return page, ({"review_id": page[-1].review_id} if len(page) == limit else None)

    def decide(
        self, review: ReviewRecord, decision: ReviewDecision, pointer: PointerUpdate | None
    ) -> ReviewRecord | DecideRefusal:
        key = (review.tenant_id, review.review_id)
        stored = self._reviews.get(key)
        if stored is None or stored.status != "pending":
            return "already_decided"
        if (review.tenant_id, review.score_id) not in self._review_status:
            return "already_decided"
        company = (review.tenant_id, review.company_id, review.param_version)
        if pointer is not None and not _may_replace(self._pointers.get(company), pointer):
            return "pointer_moved"
        decided = stored.decided(decision)
        self._reviews[key] = decided
        self._review_status[(review.tenant_id, review.score_id)] = decision.status
        if pointer is not None:
            self._pointers[company] = replace(pointer.pointer, revision=(pointer.read.revision or 0) + 1)
        return decided


def _may_replace(current: Pointer | None, update: PointerUpdate) -> bool:
    """The condition of `Pointer.put`: nobody wrote the pointer since it was read, and the newest
    score id never moves back in time."""
    read, written = update.read, update.pointer
    if read.latest is None:
        return current is None
    if current is None or current.latest is None:
        return False
    unchanged = current.revision is None if read.revision is None else current.revision == read.revision
    if written.latest is not None and written.latest != read.latest:
        unchanged = unchanged and current.latest.score_id < written.latest.score_id
    return unchanged
