"""The operator's budget views of the costs function (`GET /costs/budgets/...`, admin scope only):
API Gateway events in, real DynamoDB, figures checked against the ledger lines and open holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import pytest
from orgair.auth.keys import create_key
from orgair.costs.budget import day_of
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.records.costs import CallMeta, Hold
from orgair.settings import get_settings
from support.lambda_events import (
    FakeLambdaContext,
    api_event,
    load_function,
    principal_context,
    proxy_headers,
)

from devtools.embedded_dynamodb import EmbeddedDynamoDB

MODEL = "gpt-4o-2024-08-06"
REPORT = {"provider": "openai", "model": MODEL, "input_tokens": 1234, "output_tokens": 567}
ROUTES = ("/costs/budgets/global", "/costs/budgets/tenants", "/costs/budgets/tenants/acme")


@pytest.fixture
def costs(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DAILY_COST_BUDGET_USD", "10")
    for tenant in ("acme", "globex", "initech"):
        create_key(tenant_id=tenant, scopes=frozenset({"costs:read"}), name="test")
    return load_function("costs")


def call(
    module: Any, method: str, path: str, *, scopes: str, query: dict[str, str] | None = None, **more: Any
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    parameters = {"tenant_id": path.rsplit("/", 1)[1]} if path.startswith("/costs/budgets/tenants/") else None
    resource = "/costs/budgets/tenants/{tenant_id}" if parameters else path
    event = api_event(
        method,
        path,
        query=query,
        path_parameters=parameters,
        resource=resource,
        authorizer=principal_context(more.get("tenant", "acme"), scopes),
        body=more.get("body"),
        headers=more.get("headers"),
    )
    result = module.lambda_handler(event, FakeLambdaContext("CostsFunction"))
    headers = proxy_headers(result)
    return result["statusCode"], headers, json.loads(result["body"])


def admin_get(module: Any, path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    status, _, body = call(module, "GET", path, scopes="admin", query=query)
    assert status == 200, body
    return body


def four_places_down(numerator: int, denominator: int) -> str:
    return str((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_FLOOR))


def spend(ledger: CostLedger, tenant: str, output_tokens: int, *, settle: bool = True) -> tuple[Hold, int]:
    """One LLM call of the tenant through the ledger: reserved, and settled at its usage unless not."""
    meta = CallMeta(
        tenant_id=tenant, purpose="test", correlation_id="c", request_id="r", parent_request_id="r"
    )
    hold = ledger.reserve(meta, MODEL, ledger.estimate(MODEL, ["x" * 300], 400))
    if not settle:
        return hold, hold.estimate_micros
    line = ledger.settle(hold, Usage(input_tokens=90, output_tokens=output_tokens), outcome="ok")
    return hold, line.cost_micros


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("scopes", ["costs:read", "costs:read costs:write assessments:write"])
def test_a_tenant_key_without_admin_is_refused_with_a_403_problem(costs: Any, path: str, scopes: str) -> None:
    status, headers, body = call(costs, "GET", path, scopes=scopes)
    assert status == 403
    assert headers["Content-Type"] == "application/problem+json"
    assert body["status"] == 403
    assert "admin" in body["detail"]


@pytest.mark.parametrize("path", ROUTES)
def test_the_admin_key_is_served_every_view(costs: Any, path: str) -> None:
    status, _, body = call(costs, "GET", path, scopes="admin")
    assert status == 200, body
    assert body["date"] == day_of(datetime.now(UTC)).isoformat()


def test_the_global_view_adds_up_to_the_ledger_and_the_open_holds(costs: Any) -> None:
    ledger = CostLedger(get_settings())
    _, acme_first = spend(ledger, "acme", 100)
    _, acme_second = spend(ledger, "acme", 250)
    _, globex_cost = spend(ledger, "globex", 40)
    open_hold, held = spend(ledger, "globex", 0, settle=False)
    call(costs, "POST", "/costs", scopes="costs:write", body=REPORT, headers={"Idempotency-Key": "r1"})

    view = admin_get(costs, "/costs/budgets/global")

    day = day_of(datetime.now(UTC))
    gateway_lines = sum(
        line.cost_micros
        for tenant in ("acme", "globex", "initech")
        for line in ledger.store.ledger_lines(tenant, day)
        if line.source == "gateway"
    )
    settled = acme_first + acme_second + globex_cost
    assert gateway_lines == settled
    assert view["limit"] == "10.000000"
    assert view["settled"] == f"{Decimal(settled) / 10**6:.6f}"
    assert view["held"] == f"{Decimal(held) / 10**6:.6f}"
    assert Decimal(view["committed"]) == Decimal(view["settled"]) + Decimal(view["held"])
    assert Decimal(view["available"]) == Decimal("10") - Decimal(view["committed"])
    assert Decimal(view["forecast"]) >= Decimal(view["committed"])
    assert view["tenant_share_limit"] == "5.000000"
    largest_first = sorted(
        [("acme", acme_first + acme_second), ("globex", globex_cost + held)], key=lambda pair: -pair[1]
    )
    assert [share["tenant_id"] for share in view["tenants"]] == [tenant for tenant, _ in largest_first]
    shares = {share["tenant_id"]: share for share in view["tenants"]}
    assert "initech" not in shares  # no calls, no share
    assert Decimal(shares["acme"]["committed"]) == Decimal(acme_first + acme_second) / 10**6
    assert Decimal(shares["globex"]["committed"]) == Decimal(globex_cost + held) / 10**6
    assert sum(Decimal(share["committed"]) for share in view["tenants"]) == Decimal(view["committed"])
    assert shares["acme"]["share_of_global"] == four_places_down(acme_first + acme_second, 10_000_000)
    assert open_hold.call_id  # the hold is still open: it is what `held` shows


def test_the_tenant_views_add_up_to_each_tenants_lines_and_holds(costs: Any) -> None:
    ledger = CostLedger(get_settings())
    ledger.store.set_tenant_limit("acme", 2_000_000, datetime.now(UTC), by="local:alice")
    _, acme_cost = spend(ledger, "acme", 300)
    _, acme_held = spend(ledger, "acme", 0, settle=False)
    _, globex_cost = spend(ledger, "globex", 10)
    status, _, reported = call(
        costs, "POST", "/costs", scopes="costs:write", body=REPORT, headers={"Idempotency-Key": "r1"}
    )
    assert status == 201
    reported_cost = reported["entry"]["cost_micro_usd"]

    page = admin_get(costs, "/costs/budgets/tenants")
    acme = admin_get(costs, "/costs/budgets/tenants/acme")

    rows = {row["tenant_id"]: row for row in page["items"]}
    assert list(rows) == ["acme", "globex", "initech"]
    assert page["next_cursor"] is None
    assert acme["limit"] == "2.000000"
    assert acme["limit_set_by"] == "local:alice"
    assert acme["settled"] == f"{Decimal(acme_cost + reported_cost) / 10**6:.6f}"
    assert acme["held"] == f"{Decimal(acme_held) / 10**6:.6f}"
    assert Decimal(acme["available"]) == Decimal("2") - Decimal(acme["committed"])
    assert acme["global_share"]["committed"] == f"{Decimal(acme_cost + acme_held) / 10**6:.6f}"
    assert acme["share_of_global"] == four_places_down(acme_cost + acme_held, 10_000_000)
    assert [change["limit"] for change in acme["history"]] == ["2.000000"]
    assert {key: value for key, value in rows["acme"].items() if key != "forecast"} == {
        key: value for key, value in acme.items() if key not in ("history", "forecast")
    }
    assert rows["globex"]["limit"] is None
    assert rows["globex"]["committed"] == f"{Decimal(globex_cost) / 10**6:.6f}"
    assert rows["initech"]["committed"] == "0.000000"


def test_the_tenant_list_is_paginated_with_a_cursor_bound_to_its_day(costs: Any) -> None:
    seen: list[str] = []
    query = {"limit": "2"}
    while True:
        page = admin_get(costs, "/costs/budgets/tenants", query)
        seen.extend(row["tenant_id"] for row in page["items"])
        if page["next_cursor"] is None:
            break
        query = {"limit": "2", "cursor": page["next_cursor"]}
    status, _, body = call(
        costs,
        "GET",
        "/costs/budgets/tenants",
        scopes="admin",
        query={"cursor": query.get("cursor", "x.y"), "date": "2026-01-01"},
    )

    assert seen == ["acme", "globex", "initech"]
    assert status == 422
    assert body["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/costs/budgets/global", {"date": "02/03/2026"}, "date"),
        ("/costs/budgets/global", {"date": "2999-01-01"}, "date"),
        ("/costs/budgets/tenants", {"limit": "0"}, "limit"),
        ("/costs/budgets/tenants", {"limit": "101"}, "limit"),
        ("/costs/budgets/tenants/acme", {"date": "yesterday"}, "date"),
    ],
)
def test_bad_query_values_are_a_422_naming_the_field(
    costs: Any, path: str, query: dict[str, str], field: str
) -> None:
    status, headers, body = call(costs, "GET", path, scopes="admin", query=query)
    assert status == 422
    assert headers["Content-Type"] == "application/problem+json"
    assert field in {error["field"] for error in body["errors"]}


def test_an_unknown_tenant_is_a_404_and_a_malformed_id_a_422(costs: Any) -> None:
    unknown, _, _ = call(costs, "GET", "/costs/budgets/tenants/nobody", scopes="admin")
    malformed, _, body = call(costs, "GET", "/costs/budgets/tenants/a:b", scopes="admin")
    assert unknown == 404
    assert malformed == 422
    assert body["errors"][0]["field"] == "tenant_id"


def test_an_earlier_day_shows_the_limit_its_admissions_recorded(costs: Any) -> None:
    view = admin_get(costs, "/costs/budgets/global", {"date": "2020-01-01"})
    assert view["limit"] is None
    assert view["committed"] == "0.000000"
    assert view["tenant_share_limit"] is None
    assert view["tenants"] == []
