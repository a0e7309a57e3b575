"""The `ScoreRepository` contract: the in-memory fake and ScoresTable answer the same way."""

from __future__ import annotations

from typing import get_args

import pytest
from orgair.dal.pointers import Pointer
from orgair.dal.scores import ScoreRepository, ScoreTable
from orgair.ids import new_id
from orgair.records import reviews as reviews_records
from orgair.records import scores as scores_records
from support.fakes.scores import InMemoryScores
from support.score_records import an_assessment, score_record, score_write

SCORES = "ScoresTable"
REVIEWS = "ReviewsTable"


@pytest.fixture
def scores(store: str, request: pytest.FixtureRequest) -> ScoreRepository:
    if store == "fake":
        return InMemoryScores()
    dynamodb = request.getfixturevalue("dynamodb")
    return ScoreTable(dynamodb.client(), SCORES, REVIEWS)


def tenant() -> str:
    return f"t-{new_id()}"


def test_a_stored_score_reads_back_as_the_same_record(scores: ScoreRepository) -> None:
    owner = tenant()
    scores.save(score_write(score_record("c1", tenant_id=owner), Pointer()))
    record = score_record("c1", tenant_id=owner, ebitda="1.5", review_id=new_id(), assessment=an_assessment())
    read = scores.pointer(owner, "c1", "v2.0")
    assert scores.save(score_write(record, read, accepted=False)) == "stored"
    assert scores.get(owner, record.score_id) == record


def test_a_pointer_without_an_accepted_score_is_never_written(scores: ScoreRepository) -> None:
    record = score_record("c1", tenant_id=tenant(), review_id=new_id())
    with pytest.raises(ValueError, match="accepted score"):
        scores.save(score_write(record, Pointer(), accepted=False))
    assert scores.get(record.tenant_id, record.score_id) is None


def test_a_score_without_optional_fields_reads_back_without_them(scores: ScoreRepository) -> None:
    record = score_record("c1", tenant_id=tenant())
    assert scores.save(score_write(record, Pointer())) == "stored"
    found = scores.get(record.tenant_id, record.score_id)
    assert found == record
    assert found is not None
    assert found.assessment is None
    assert found.review_id is None


def test_a_score_is_not_found_by_another_tenant_or_an_unknown_id(scores: ScoreRepository) -> None:
    record = score_record("c1", tenant_id=tenant())
    scores.save(score_write(record, Pointer()))
    assert scores.get(tenant(), record.score_id) is None
    assert scores.get(record.tenant_id, new_id()) is None


def test_storing_moves_the_company_pointer(scores: ScoreRepository) -> None:
    record = score_record("c1", tenant_id=tenant(), score="61")
    write = score_write(record, Pointer())
    scores.save(write)
    stored = scores.pointer(record.tenant_id, "c1", "v2.0")
    assert stored.revision == 1
    assert stored.latest == write.pointer.latest
    assert stored.baseline == write.pointer.baseline
    assert scores.pointer(record.tenant_id, "c1", "v1.0") == Pointer()


def test_a_write_from_a_stale_pointer_is_refused_and_writes_nothing(scores: ScoreRepository) -> None:
    owner = tenant()
    first = score_record("c1", tenant_id=owner)
    scores.save(score_write(first, Pointer()))
    stale = score_record("c1", tenant_id=owner)
    assert scores.save(score_write(stale, Pointer())) == "pointer_moved"
    assert scores.get(owner, stale.score_id) is None
    fresh = scores.pointer(owner, "c1", "v2.0")
    assert scores.save(score_write(stale, fresh)) == "stored"
    assert scores.pointer(owner, "c1", "v2.0").revision == 2


def test_save_many_reports_each_write_and_moved_pointers(scores: ScoreRepository) -> None:
    owner = tenant()
    scores.save(score_write(score_record("taken", tenant_id=owner), Pointer()))
    moved = score_write(score_record("taken", tenant_id=owner), Pointer())
    assert scores.save_many([moved]) == ["pointer_moved"]
    writes = [score_write(score_record(f"c{i}", tenant_id=owner), Pointer()) for i in range(3)]
    assert scores.save_many(writes) == ["stored"] * 3
    assert set(scores.pointers(owner, ["c0", "c1", "c2", "absent"], "v2.0")) == {"c0", "c1", "c2"}
    assert scores.pointers(tenant(), ["c0"], "v2.0") == {}


def test_history_pages_newest_first_within_one_version(scores: ScoreRepository) -> None:
    owner = tenant()
    read = Pointer()
    stored = []
    for _ in range(3):
        record = score_record("c1", tenant_id=owner)
        scores.save(score_write(record, read))
        read = scores.pointer(owner, "c1", "v2.0")
        stored.append(record)
    scores.save(score_write(score_record("c1", tenant_id=owner, version="v1.0"), Pointer()))
    first, start = scores.history(owner, "c1", "v2.0", limit=2, start_key=None)
    assert first == [stored[2], stored[1]]
    assert start is not None
    rest, _ = scores.history(owner, "c1", "v2.0", limit=2, start_key=start)
    assert rest == [stored[0]]
    assert scores.history(tenant(), "c1", "v2.0", limit=2, start_key=None) == ([], None)


def test_a_scores_review_status_is_the_reviews_status() -> None:
    assert get_args(scores_records.ReviewStatus) == get_args(reviews_records.ReviewStatus)
