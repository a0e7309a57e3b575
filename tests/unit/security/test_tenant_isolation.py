"""Tenant isolation of every data route: what tenant A stored, tenant B can neither read, list, count,
decide nor page into - even with an admin key. Ids are 404 (indistinguishable from ids that never
existed), listings are empty, the cost summary is B's own scope, and an idempotency key A used
means nothing for B.

The tenants' ids share a prefix (`acme`, `acme-2`), so a key layout that matched by prefix would
leak here. Both directions are checked. Real handlers, real (embedded) DynamoDB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from types import ModuleType
from typing import Any, Final

import pytest
from orgair.costs.budget import day_of
from orgair.costs.check import BudgetCheck
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.records.costs import AlertRecord, CallMeta
from orgair.settings import get_settings
from support.lambda_events import load_function
from support.scoring_requests import Reply, company, request

from devtools.embedded_dynamodb import EmbeddedDynamoDB

COMPANY: Final = "portco-isolation-1"
NEVER_STORED: Final = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
USAGE: Final = {
    "provider": "openai",
    "model": "gpt-4o-2024-08-06",
    "input_tokens": 1234,
    "output_tokens": 567,
}
PAIRS: Final = [("acme", "acme-2"), ("acme-2", "acme")]


@cache
def handler(code_dir: str) -> ModuleType:
    return load_function(code_dir)


class Sent:
    """Stands in for SNS/EventBridge, the one external boundary of the budget check."""

    def publish(self, alert: AlertRecord) -> None:
        return None


@dataclass(frozen=True)
class OwnerData:
    tenant: str
    score_ids: tuple[str, str]
    review_id: str
    history_cursor: str
    entries_cursor: str
    day: str


def call(code_dir: str, method: str, path: str, tenant: str, **kwargs: Any) -> Reply:
    return request(handler(code_dir), method, path, tenant=tenant, scopes="admin", **kwargs)


def store_owner_data(owner: str) -> OwnerData:
    """Two scores of one company (the second far enough from the first to open a review), two
    ledger lines, and threshold alerts of the owner's budget scope."""
    first = call("scores", "POST", "/scores", owner, body=company(COMPANY, level=20))
    second = call(
        "scores",
        "POST",
        "/scores",
        owner,
        body=company(COMPANY, level=90),
        headers={"Idempotency-Key": "same-key"},
    )
    assert (first.status, second.status) == (201, 201), (first, second)
    assert second.body["requires_review"], second
    history = call(
        "scores",
        "GET",
        f"/companies/{COMPANY}/scores",
        owner,
        query={"limit": "1"},
        path_parameters={"company_id": COMPANY},
        resource="/companies/{company_id}/scores",
    )
    assert history.body["next_cursor"], history

    ledger = CostLedger(get_settings())
    now = datetime.now(UTC)
    # One LLM call of 6,000 µUSD (60 % of the global budget: a global alert) and two reports of
    # USAGE (8,755 µUSD each) fill the tenant's budget exactly, so its 50/80/100 % alerts fire too.
    ledger.store.set_tenant_limit(owner, 6_000 + 2 * 8_755, now)
    hold = ledger.reserve(CallMeta(owner, "assessment", "corr", "req", "req"), str(USAGE["model"]), 6_000)
    ledger.settle(hold, Usage(output_tokens=600), outcome="ok")
    for key in ("usage-1", "same-key"):
        recorded = call("costs", "POST", "/costs", owner, body=USAGE, headers={"Idempotency-Key": key})
        assert recorded.status == 201, recorded
    BudgetCheck(ledger, Sent()).run()
    day = day_of(now).isoformat()
    entries = call("costs", "GET", "/costs/entries", owner, query={"date": day, "limit": "1"})
    alerts = call("costs", "GET", "/costs/alerts", owner, query={"date": day})
    assert entries.body["next_cursor"], entries
    assert alerts.body["items"], "the owner's budget must have alerted, or the check below proves nothing"
    return OwnerData(
        tenant=owner,
        score_ids=(first.body["score_id"], second.body["score_id"]),
        review_id=second.body["review"]["review_id"],
        history_cursor=history.body["next_cursor"],
        entries_cursor=entries.body["next_cursor"],
        day=day,
    )


@pytest.fixture(params=PAIRS, ids=lambda pair: f"{pair[1]}-probes-{pair[0]}")
def tenants(
    request: pytest.FixtureRequest, dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> Any:
    monkeypatch.setenv("DAILY_COST_BUDGET_USD", "0.01")
    monkeypatch.setenv("TENANT_GLOBAL_SHARE_PCT", "1")  # the owner's one call is 60 % of global
    owner, intruder = request.param
    return store_owner_data(owner), intruder


def read_score(tenant: str, score_id: str) -> Reply:
    return call(
        "scores",
        "GET",
        f"/scores/{score_id}",
        tenant,
        path_parameters={"score_id": score_id},
        resource="/scores/{score_id}",
    )


def test_another_tenants_score_is_a_404_exactly_like_an_id_that_never_existed(tenants: Any) -> None:
    owner, intruder = tenants
    never = read_score(intruder, NEVER_STORED)

    for score_id in owner.score_ids:
        stolen = read_score(intruder, score_id)
        assert stolen.is_problem(404), stolen
        assert (stolen.body["title"], stolen.body["detail"]) == (never.body["title"], never.body["detail"])
        assert read_score(owner.tenant, score_id).status == 200


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_another_tenants_company_history_is_empty(tenants: Any, stage: str) -> None:
    _owner, intruder = tenants
    reply = request(
        handler("scores"),
        "GET",
        f"/companies/{COMPANY}/scores",
        stage=stage,
        tenant=intruder,
        path_parameters={"company_id": COMPANY},
        resource="/companies/{company_id}/scores",
    )

    assert reply.status == 200, reply
    assert (reply.body["items"], reply.body["next_cursor"]) == ([], None)


def test_another_tenants_history_cursor_is_refused(tenants: Any) -> None:
    owner, intruder = tenants
    reply = call(
        "scores",
        "GET",
        f"/companies/{COMPANY}/scores",
        intruder,
        query={"cursor": owner.history_cursor},
        path_parameters={"company_id": COMPANY},
        resource="/companies/{company_id}/scores",
    )

    assert reply.is_problem(422), reply
    assert reply.fields() == ["cursor"]


@pytest.mark.parametrize("status", [None, "pending", "approved", "rejected"])
def test_another_tenants_reviews_are_not_listed(tenants: Any, status: str | None) -> None:
    owner, intruder = tenants
    query = {"status": status} if status else None

    reply = call("reviews", "GET", "/reviews", intruder, query=query)

    assert reply.status == 200, reply
    assert reply.body["items"] == []
    own = call("reviews", "GET", "/reviews", owner.tenant, query=query)
    assert len(own.body["items"]) == (1 if status in (None, "pending") else 0)


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_another_tenants_review_cannot_be_decided_and_stays_pending(tenants: Any, decision: str) -> None:
    owner, intruder = tenants
    path = f"/reviews/{owner.review_id}/decision"

    reply = call(
        "reviews",
        "POST",
        path,
        intruder,
        body={"decision": decision, "comment": "not mine"},
        path_parameters={"review_id": owner.review_id},
        resource="/reviews/{review_id}/decision",
    )

    assert reply.is_problem(404), reply
    [review] = call("reviews", "GET", "/reviews", owner.tenant).body["items"]
    assert (review["review_id"], review["status"], review.get("decision")) == (
        owner.review_id,
        "pending",
        None,
    )
    assert read_score(owner.tenant, owner.score_ids[1]).body["review"]["status"] == "pending"


def test_another_tenants_ledger_lines_are_not_listed_and_its_cursor_is_refused(tenants: Any) -> None:
    owner, intruder = tenants

    listed = call("costs", "GET", "/costs/entries", intruder, query={"date": owner.day})
    paged = call(
        "costs", "GET", "/costs/entries", intruder, query={"date": owner.day, "cursor": owner.entries_cursor}
    )

    assert listed.status == 200, listed
    assert (listed.body["items"], listed.body["next_cursor"]) == ([], None)
    assert paged.is_problem(422), paged
    assert paged.fields() == ["cursor"]


def test_the_cost_summary_is_the_callers_own_tenant_scope(tenants: Any) -> None:
    owner, intruder = tenants

    mine = call("costs", "GET", "/costs/summary", intruder, query={"date": owner.day})
    theirs = call("costs", "GET", "/costs/summary", owner.tenant, query={"date": owner.day})

    assert mine.status == 200, mine
    assert mine.body["scope"] == f"tenant:{intruder}"
    assert (mine.body["committed"], mine.body["settled"], mine.body["held"]) == ("0.000000",) * 3
    assert mine.body["by_model"] == []
    assert mine.body["limit"] != theirs.body["limit"], "the owner's own budget is not shown to others"
    assert theirs.body["scope"] == f"tenant:{owner.tenant}"
    assert theirs.body["settled"] != "0.000000"


def test_another_tenants_alerts_and_the_global_ones_are_not_listed(tenants: Any) -> None:
    owner, intruder = tenants

    reply = call("costs", "GET", "/costs/alerts", intruder, query={"date": owner.day})

    assert reply.status == 200, reply
    assert reply.body["items"] == []


def test_an_idempotency_key_another_tenant_used_replays_nothing(tenants: Any) -> None:
    """Same key, same body as the owner's request: the intruder's request is its own, new one."""
    owner, intruder = tenants

    score = call(
        "scores",
        "POST",
        "/scores",
        intruder,
        body=company(COMPANY, level=90),
        headers={"Idempotency-Key": "same-key"},
    )
    usage = call("costs", "POST", "/costs", intruder, body=USAGE, headers={"Idempotency-Key": "same-key"})

    assert score.status == 201, score
    assert score.body["score_id"] not in owner.score_ids
    assert score.body["requires_review"] is False, "compared with the intruder's own (empty) history"
    assert read_score(owner.tenant, score.body["score_id"]).is_problem(404)
    assert usage.status == 201, usage
    assert usage.body["replayed"] is False
    assert usage.header("Idempotent-Replayed") is None
