"""The `ReviewRepository` contract, proven against the in-memory fake and ReviewsTable alike.

A review is opened the way the service opens one: in the store, by `ScoreTable.save` (orgair.dal.scores) of an
accepted score and then of a score needing review; in the fake, by `open_review` with the pointer
that leaves behind.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from orgair.dal import scores as scores_dal
from orgair.dal.pointers import Mark, Pointer, PointerUpdate
from orgair.dal.reviews import ReviewRepository, ReviewTable
from orgair.records.reviews import ReviewDecision, ReviewRecord
from support.fakes.reviews import InMemoryReviews
from support.score_records import score_record

SCORES, REVIEWS = "ScoresTable", "ReviewsTable"
TENANT = "acme"
REASON = {"code": "score_jump", "delta": Decimal("20"), "threshold": Decimal("10")}
Opener = Callable[..., ReviewRecord]


def review_record(number: int, *, company: str, version: str, tenant: str = TENANT) -> ReviewRecord:
    return ReviewRecord(
        review_id=f"r{number:04d}",
        tenant_id=tenant,
        score_id=f"s{number:04d}-r",
        company_id=company,
        param_version=version,
        status="pending",
        reasons=(REASON,),
        created_at=f"2030-01-01T00:00:{number % 60:02d}Z",
    )


def accepted(number: int) -> Mark:
    return Mark(f"s{number:04d}-a", Decimal("50"))


def reviewed(number: int) -> Mark:
    return Mark(f"s{number:04d}-r", Decimal("70"), Decimal("1.5"))


def pointer_after_opening(number: int) -> Pointer:
    """The company's pointer once its accepted score, then the score under review, are stored."""
    return Pointer(revision=2, latest=reviewed(number), baseline=accepted(number), anchor=accepted(number))


def _save(
    tenant: str, company: str, version: str, mark: Mark, read: Pointer, review: ReviewRecord | None
) -> None:
    record = score_record(
        company,
        tenant_id=tenant,
        version=version,
        score=str(mark.score),
        ebitda=None if mark.ebitda_impact_pct is None else str(mark.ebitda_impact_pct),
        score_id=mark.score_id,
        review_id=None if review is None else review.review_id,
    )
    write = scores_dal.ScoreWrite(
        score=record, read=read, pointer=read.with_score(mark, accepted=review is None), review=review
    )
    assert scores_dal.ScoreTable.default(SCORES, REVIEWS).save(write) == "stored"


@pytest.fixture
def setup(store: str, request: pytest.FixtureRequest) -> tuple[ReviewRepository, Opener]:
    if store == "fake":
        fake = InMemoryReviews()

        def open_in_fake(
            number: int, *, company: str = "c1", version: str = "v2.0", tenant: str = TENANT
        ) -> ReviewRecord:
            record = review_record(number, company=company, version=version, tenant=tenant)
            fake.open_review(record, pointer_after_opening(number))
            return record

        return fake, open_in_fake
    dynamodb = request.getfixturevalue("dynamodb")

    def open_in_store(
        number: int, *, company: str = "c1", version: str = "v2.0", tenant: str = TENANT
    ) -> ReviewRecord:
        record = review_record(number, company=company, version=version, tenant=tenant)
        _save(tenant, company, version, accepted(number), Pointer(), None)
        first = scores_dal.pointer(tenant, company, version, SCORES)
        _save(tenant, company, version, reviewed(number), first, record)
        assert scores_dal.pointer(tenant, company, version, SCORES) == pointer_after_opening(number)
        return record

    return ReviewTable(dynamodb.client(), SCORES, REVIEWS), open_in_store


def decision(choice: str = "reject", comment: str | None = "not convinced") -> ReviewDecision:
    return ReviewDecision(
        decision="approve" if choice == "approve" else "reject",
        reviewer_key_id="kid_reviewer",
        decided_at="2030-01-02T00:00:00Z",
        comment=comment,
    )


def test_an_opened_review_reads_back_for_its_tenant_only(setup: tuple[ReviewRepository, Opener]) -> None:
    reviews, open_review = setup
    opened = open_review(1)
    assert reviews.get(TENANT, opened.review_id) == opened
    assert reviews.get("globex", opened.review_id) is None
    assert reviews.get(TENANT, "r9999") is None


def test_pages_list_one_versions_reviews_newest_first_and_continue(
    setup: tuple[ReviewRepository, Opener],
) -> None:
    reviews, open_review = setup
    opened = [open_review(number, company=f"c{number}") for number in range(1, 6)]
    open_review(6, company="c6", version="v1.0")
    open_review(7, company="c7", tenant="globex")
    listed: list[ReviewRecord] = []
    start: dict[str, Any] | None = None
    for _ in range(10):
        page, start = reviews.page(TENANT, None, version="v2.0", limit=2, start_key=start)
        assert len(page) <= 2
        listed.extend(page)
        if start is None:
            break
    assert listed == sorted(opened, key=lambda review: review.review_id, reverse=True)


def test_a_decision_is_recorded_once(setup: tuple[ReviewRepository, Opener]) -> None:
    reviews, open_review = setup
    opened = open_review(1)
    decided = reviews.decide(opened, decision(), None)
    assert isinstance(decided, ReviewRecord)
    assert decided == opened.decided(decision())
    assert decided.status == "rejected"
    assert reviews.get(TENANT, opened.review_id) == decided
    assert reviews.decide(opened, decision("approve"), None) == "already_decided"
    assert reviews.get(TENANT, opened.review_id) == decided


def test_a_decision_without_a_comment_reads_back_without_one(setup: tuple[ReviewRepository, Opener]) -> None:
    reviews, open_review = setup
    opened = open_review(1)
    reviews.decide(opened, decision(comment=None), None)
    stored = reviews.get(TENANT, opened.review_id)
    assert stored is not None
    assert stored.comment is None
    assert stored.decision == "reject"


def test_a_status_page_follows_the_decision(setup: tuple[ReviewRepository, Opener]) -> None:
    reviews, open_review = setup
    first, second = open_review(1, company="c1"), open_review(2, company="c2")
    reviews.decide(first, decision(), None)

    def ids(status: Any) -> list[str]:
        page, _ = reviews.page(TENANT, status, version="v2.0", limit=10, start_key=None)
        return [review.review_id for review in page]

    assert ids("pending") == [second.review_id]
    assert ids("rejected") == [first.review_id]
    assert ids("approved") == []


def test_an_approval_moves_the_pointer_it_read(setup: tuple[ReviewRepository, Opener]) -> None:
    reviews, open_review = setup
    opened = open_review(1)
    read = pointer_after_opening(1)
    decided = reviews.decide(
        opened, decision("approve"), PointerUpdate(read=read, pointer=read.with_approval(reviewed(1)))
    )
    assert isinstance(decided, ReviewRecord)
    assert decided.status == "approved"


def test_an_approval_over_a_moved_pointer_writes_nothing(setup: tuple[ReviewRepository, Opener]) -> None:
    reviews, open_review = setup
    opened = open_review(1)
    stale = Pointer(revision=1, latest=accepted(1), baseline=accepted(1), anchor=accepted(1))
    update = PointerUpdate(read=stale, pointer=stale.with_approval(reviewed(1)))
    assert reviews.decide(opened, decision("approve"), update) == "pointer_moved"
    assert reviews.get(TENANT, opened.review_id) == opened
