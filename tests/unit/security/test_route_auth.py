"""Every route of template.yaml is either public on purpose or refuses a caller without a principal
(401) and a key without the route's scope (403) - before it says anything about the request.

The routes come from the template, so a route added later is covered by these tests as soon as it
is wired; ROUTE_SCOPES must then name its scope (the table test fails until it does). Handlers run
as API Gateway invokes them after the authorizer: the authorizer's context is the only credential
a handler sees, so "no context" is what a route reached without the authorizer would get.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import pytest
from orgair.auth.principal import ADMIN_SCOPE, SCOPES, granting
from support.lambda_events import api_event, load_function, principal_context
from support.scoring_requests import Reply, invoke

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.template import Template, load_template
from devtools.template_specs import ApiRoute

ROUTE_SCOPES: Final[dict[tuple[str, str], str]] = {
    ("GET", "/health/detailed"): ADMIN_SCOPE,
    ("POST", "/scores"): "scores:write",
    ("POST", "/scores/simulate"): "scores:read",
    ("GET", "/scores/{score_id}"): "scores:read",
    ("GET", "/companies/{company_id}/scores"): "scores:read",
    ("POST", "/portfolios/scores"): "scores:write",
    ("POST", "/individuals/scores"): "scores:write",
    ("GET", "/reviews"): "reviews:read",
    ("POST", "/reviews/{review_id}/decision"): "reviews:decide",
    ("POST", "/assessments"): "assessments:write",
    ("POST", "/evidence"): "assessments:write",
    ("POST", "/portfolios/assessments"): "assessments:write",
    ("GET", "/jobs"): "assessments:read",
    ("GET", "/jobs/{job_id}"): "assessments:read",
    ("POST", "/jobs/{job_id}/cancel"): "assessments:write",
    ("POST", "/costs"): "costs:write",
    ("GET", "/costs/summary"): "costs:read",
    ("GET", "/costs/entries"): "costs:read",
    ("GET", "/costs/alerts"): "costs:read",
    ("GET", "/costs/budgets/global"): ADMIN_SCOPE,
    ("GET", "/costs/budgets/tenants"): ADMIN_SCOPE,
    ("GET", "/costs/budgets/tenants/{tenant_id}"): ADMIN_SCOPE,
    ("GET", "/costs/reconciliations"): ADMIN_SCOPE,
}
"""The scope each non-public route requires (spec: docs api.md, route table)."""

PUBLIC_ROUTES: Final = frozenset(
    {
        ("GET", "/health"),
        ("GET", "/health/liveness"),
        ("GET", "/health/readiness"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/docs/{asset}"),
    }
)
"""Routes the template serves without the authorizer (`Auth: {Authorizer: NONE}`)."""

STAGES: Final = ("v1", "v2")
PATH_VALUE: Final = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
"""A well-formed id for every path parameter: the route's own validation has nothing to object to."""


def template_routes() -> list[tuple[str, ApiRoute]]:
    """(function code directory, route) for every Api event of every function in template.yaml."""
    return [
        (Path(spec.code_uri).name, route)
        for spec in Template(load_template()).functions()
        for route in spec.routes
    ]


PROTECTED: Final = [(code, route) for code, route in template_routes() if not route.public]


@cache
def handler(code_dir: str) -> ModuleType:
    return load_function(code_dir)


def concrete(path: str) -> tuple[str, dict[str, str] | None]:
    names = re.findall(r"\{(\w+)\}", path)
    if not names:
        return path, None
    return re.sub(r"\{\w+\}", PATH_VALUE, path), dict.fromkeys(names, PATH_VALUE)


REQUESTS: Final[dict[str, dict[str, Any]]] = {
    "without input": {},
    "with malformed JSON": {"body": '{"company_id": '},
    "with invalid input": {"body": {"unexpected": [1, 2, 3]}, "query": {"limit": "0", "date": "yesterday"}},
}
"""Requests that are wrong in every way a route can notice: the caller's credentials decide first."""


def call(code_dir: str, route: ApiRoute, stage: str, context: dict[str, str] | None, **request: Any) -> Reply:
    path, parameters = concrete(route.path)
    body = request.get("body")
    if route.method == "GET":
        body = None
    event = api_event(
        route.method,
        path,
        stage=stage,
        body=body,
        query=request.get("query"),
        path_parameters=parameters,
        resource=route.path,
        authorizer=context,
    )
    return invoke(handler(code_dir), event)


def scopes_without(scope: str) -> str:
    """Every scope but those that grant `scope` (never admin, which implies all; nor
    `assessments:write`, which implies `assessments:read`)."""
    return " ".join(sorted(SCOPES - set(granting(scope))))


def route_id(item: tuple[str, ApiRoute]) -> str:
    return f"{item[1].method} {item[1].path}"


def test_every_template_route_is_either_public_or_has_its_scope_in_the_table() -> None:
    routes = {(route.method, route.path): route for _, route in template_routes()}
    public = {key for key, route in routes.items() if route.public}
    protected = set(routes) - public

    assert public == PUBLIC_ROUTES, "a route became public or stopped being public: decide it here"
    assert protected - set(ROUTE_SCOPES) == set(), "new route: add its required scope to ROUTE_SCOPES"
    assert set(ROUTE_SCOPES) - protected == set(), "ROUTE_SCOPES names a route the template no longer has"


def test_every_scope_in_the_table_is_a_scope_keys_can_have() -> None:
    assert set(ROUTE_SCOPES.values()) <= SCOPES


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("request_kind", sorted(REQUESTS))
@pytest.mark.parametrize("target", PROTECTED, ids=route_id)
def test_without_authorizer_context_every_protected_route_is_401(
    target: tuple[str, ApiRoute], request_kind: str, stage: str
) -> None:
    code_dir, route = target

    reply = call(code_dir, route, stage, None, **REQUESTS[request_kind])

    assert reply.is_problem(401), reply
    assert reply.body["type"].endswith("/unauthorized")


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("request_kind", sorted(REQUESTS))
@pytest.mark.parametrize("target", PROTECTED, ids=route_id)
def test_a_key_lacking_the_route_scope_is_403_whatever_it_sends(
    target: tuple[str, ApiRoute], request_kind: str, stage: str
) -> None:
    code_dir, route = target
    scope = ROUTE_SCOPES[(route.method, route.path)]
    context = principal_context("acme", scopes_without(scope))

    reply = call(code_dir, route, stage, context, **REQUESTS[request_kind])

    assert reply.is_problem(403), reply
    assert scope in reply.body["detail"]


@pytest.mark.parametrize("scopes", ["exact", ADMIN_SCOPE])
@pytest.mark.parametrize("target", PROTECTED, ids=route_id)
def test_the_route_scope_or_admin_gets_past_authorization(
    target: tuple[str, ApiRoute], scopes: str, dynamodb: EmbeddedDynamoDB
) -> None:
    """The same wrong requests, now from a key allowed to call the route: the request is judged."""
    code_dir, route = target
    scope = ROUTE_SCOPES[(route.method, route.path)] if scopes == "exact" else ADMIN_SCOPE
    context = principal_context("acme", scope)

    for request_kind, request in REQUESTS.items():
        reply = call(code_dir, route, "v2", context, **request)
        assert reply.status not in (401, 403), (request_kind, reply)
        assert reply.status < 500, (request_kind, reply)


def test_a_key_with_no_scopes_at_all_is_403_everywhere() -> None:
    context = principal_context("acme", "")
    for code_dir, route in PROTECTED:
        assert call(code_dir, route, "v2", context).is_problem(403), route


@pytest.mark.parametrize("stage", STAGES)
def test_every_operation_documents_the_scope_its_route_enforces(stage: str) -> None:
    """The stage's served OpenAPI document names, for every protected operation, exactly the scope
    the tests above prove the route enforces (ROUTE_SCOPES), and no scope for a public one."""
    import json

    from devtools.openapi import output_paths

    for path in output_paths(stage):
        document = json.loads(path.read_text(encoding="utf-8"))
        documented = {
            (method.upper(), route): [
                role for requirement in operation.get("security", []) for role in requirement["ApiKeyBearer"]
            ]
            for route, item in document["paths"].items()
            for method, operation in item.items()
        }
        expected = {key: [ROUTE_SCOPES[key]] if key in ROUTE_SCOPES else [] for key in documented}
        assert documented == expected, path
        assert set(ROUTE_SCOPES) <= set(documented), path
