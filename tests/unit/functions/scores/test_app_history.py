"""A company's score history: newest first, paged with a limit and an opaque cursor bound to its query;
a damaged cursor, a limit out of range or an invalid company id is 422."""

from __future__ import annotations

from types import ModuleType

import pytest
from support.scores_api import (
    post_score,
    read_history,
)
from support.scoring_requests import (
    company,
    request,
)

# ---------------------------------------------------------------- history


def test_history_pages_newest_first_with_limit_and_an_opaque_cursor(scores: ModuleType) -> None:
    created = [post_score(scores, company("paged", level=50 + i)).body["score_id"] for i in range(5)]

    pages: list[list[str]] = []
    cursor: str | None = None
    for _ in range(5):
        reply = read_history(scores, "paged", limit=2, cursor=cursor)
        assert reply.status == 200, reply
        pages.append([item["score_id"] for item in reply.body["items"]])
        cursor = reply.body["next_cursor"]
        if cursor is None:
            break

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [score_id for page in pages for score_id in page] == list(reversed(created))
    assert pages[0] == sorted(pages[0], reverse=True)


def test_history_defaults_to_20_items(scores: ModuleType) -> None:
    for i in range(21):
        post_score(scores, company("many", level=i), stage="v1")

    reply = read_history(scores, "many", stage="v1")

    assert len(reply.body["items"]) == 20
    assert reply.body["next_cursor"]


def tamper(cursor: str) -> str:
    payload, signature = cursor.split(".", 1)
    flipped = "A" if payload[0] != "A" else "B"
    return flipped + payload[1:] + "." + signature


@pytest.mark.parametrize("damage", ["tamper", "truncate", "garbage", "drop-signature"])
def test_a_damaged_cursor_is_422_naming_cursor(scores: ModuleType, damage: str) -> None:
    for i in range(3):
        post_score(scores, company("paged", level=50 + i))
    cursor = read_history(scores, "paged", limit=1).body["next_cursor"]
    damaged = {
        "tamper": tamper(cursor),
        "truncate": cursor[:-3],
        "garbage": "not-a-cursor!",
        "drop-signature": cursor.split(".")[0],
    }[damage]

    reply = read_history(scores, "paged", limit=1, cursor=damaged)

    assert reply.is_problem(422), reply
    assert reply.fields() == ["cursor"]


def test_a_cursor_only_works_for_the_query_that_issued_it(scores: ModuleType) -> None:
    for i in range(3):
        post_score(scores, company("paged", level=50 + i))
        post_score(scores, company("other", level=50 + i))
        post_score(scores, company("paged", level=50 + i), tenant="globex")
    cursor = read_history(scores, "paged", limit=1).body["next_cursor"]

    other_company = read_history(scores, "other", limit=1, cursor=cursor)
    other_tenant = read_history(scores, "paged", limit=1, cursor=cursor, tenant="globex")
    other_stage = read_history(scores, "paged", limit=1, cursor=cursor, stage="v1")

    for reply in (other_company, other_tenant, other_stage):
        assert reply.is_problem(422), reply
        assert reply.fields() == ["cursor"]
    assert read_history(scores, "paged", limit=1, cursor=cursor).status == 200


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_a_limit_outside_1_to_100_is_422_naming_limit(scores: ModuleType, limit: str) -> None:
    reply = request(
        scores,
        "GET",
        "/companies/c1/scores",
        scopes="scores:read",
        query={"limit": limit},
        path_parameters={"company_id": "c1"},
        resource="/companies/{company_id}/scores",
    )

    assert reply.is_problem(422), reply
    assert reply.fields() == ["limit"]


def test_an_invalid_company_id_in_the_path_is_422(scores: ModuleType) -> None:
    reply = read_history(scores, "no spaces")

    assert reply.is_problem(422), reply
    assert reply.fields() == ["company_id"]
