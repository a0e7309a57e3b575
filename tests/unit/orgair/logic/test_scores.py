"""Storing scores under concurrent writes, against the embedded DynamoDB: the company's pointer ends
on its newest score, no score is lost, and every review decision is taken on the pointer it replaced."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from orgair.auth.principal import RequestMeta
from orgair.aws import dynamodb_client
from orgair.dal import scores as scores_dal
from orgair.logic.scores import store_score
from orgair.models.scores import StoredScore
from orgair.scoring import parse_company_input
from orgair.settings import get_settings
from support.scoring_requests import company, for_v1, local_client, scan_all

from devtools.embedded_dynamodb import EmbeddedDynamoDB

META = RequestMeta(tenant_id="acme", key_id="key-acme", correlation_id="c", request_id="r")


def store(company_id: str, level: int) -> StoredScore:
    body = company(company_id, level=level)
    return store_score(parse_company_input(for_v1(body)), version="v1.0", meta=META, settings=get_settings())


def pointer(company_id: str) -> scores_dal.Pointer:
    return scores_dal.pointer("acme", company_id, "v1.0", get_settings().SCORES_TABLE_NAME)


def stored_ids(dynamodb: EmbeddedDynamoDB, company_id: str) -> list[str]:
    return sorted(
        item["score_id"]["S"]
        for item in scan_all(local_client(dynamodb.endpoint_url), "ScoresTable")
        if item["sk"]["S"].startswith("S#") and item["company_id"]["S"] == company_id
    )


@pytest.mark.wallclock
def test_concurrent_writers_leave_the_pointer_on_the_newest_score(dynamodb: EmbeddedDynamoDB) -> None:
    dynamodb_client()  # one client, built before the threads share it
    store("busy", 50)
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def writer(offset: int) -> None:
        start.wait()
        for step in range(5):
            try:
                store("busy", 50 + (offset + step) % 5)
            except BaseException as error:  # collected: a thread's exception would otherwise vanish
                failures.append(error)

    threads = [threading.Thread(target=writer, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    ids = stored_ids(dynamodb, "busy")
    assert len(ids) == 21  # no write lost
    final = pointer("busy")
    assert final.latest is not None
    assert final.latest.score_id == ids[-1]  # the newest of them, never an older one
    assert final.revision == 21  # every score moved the pointer exactly once


def test_a_score_that_loses_the_race_to_a_newer_one_never_moves_the_pointer_back(
    dynamodb: EmbeddedDynamoDB,
) -> None:
    store("race", 40)
    newer: list[StoredScore] = []
    fired: list[bool] = []

    def newer_score_lands_first(**_: Any) -> None:
        # Our score (its id already taken) read the pointer; a newer score commits before our write.
        if not fired:
            fired.append(True)
            newer.append(store("race", 45))

    dynamodb_client().meta.events.register_first(
        "before-call.dynamodb.TransactWriteItems", newer_score_lands_first
    )

    older = store("race", 48)

    assert older.score_id < newer[0].score_id
    final = pointer("race")
    assert final.latest is not None
    assert final.baseline is not None
    assert final.latest.score_id == newer[0].score_id
    assert final.baseline.score_id == newer[0].score_id
    assert len(stored_ids(dynamodb, "race")) == 3


def test_a_score_that_lost_the_race_is_judged_against_the_pointer_that_won(
    dynamodb: EmbeddedDynamoDB,
) -> None:
    store("judged", 40)
    racing: list[StoredScore] = []
    fired: list[bool] = []

    def accepted_step_lands_first(**_: Any) -> None:
        if not fired:
            fired.append(True)
            racing.append(store("judged", 54))  # accepted: 14 from 40

    dynamodb_client().meta.events.register_first(
        "before-call.dynamodb.TransactWriteItems", accepted_step_lands_first
    )

    # Decided on the pointer it read, 70 would be a jump from 40; the retry decides it on the
    # pointer that won, so the jump is reported from 54, the newest accepted score.
    late = store("judged", 70)

    assert racing[0].requires_review is False
    assert late.requires_review is True
    reasons = late.review.reasons if late.review else []
    assert [(reason.code, reason.previous) for reason in reasons] == [("score_change", Decimal(54))]
