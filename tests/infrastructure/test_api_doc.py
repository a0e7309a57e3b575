"""docs/api.md documents every route template.yaml serves on each stage, and nothing else: a route
added to (or removed from) the template fails here until the document says so. Each documented
route's scope, `operationId` and error statuses are the ones the stage's OpenAPI document states,
every problem type it names is one the service can answer, and its curl example calls it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import pytest
from orgair import errors

from devtools.template import ROOT, Template, load_template

API_DOC: Final = ROOT / "docs" / "api.md"
HEADING: Final = re.compile(r"^### (GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD) (/\S*)$")
FACTS: Final = re.compile(r"^Stages: ([v\d, ]+) · Scope: (public|`[a-z:]+`) · operationId (`\w+`|none .*)$")
ERRORS: Final = re.compile(r"(\d{3}) ((?:`[a-z-]+`(?: / )?)+)")
PROBLEM_BASE: Final = "https://api.orgair.io/problems/"


@dataclass(frozen=True)
class DocumentedRoute:
    method: str
    path: str
    stages: frozenset[str]
    scope: str | None
    operation_id: str | None
    errors: dict[int, frozenset[str]]
    text: str


def parse(markdown: str) -> list[DocumentedRoute]:
    """Every `### METHOD /path` section: its facts line, its `Errors:` line and its text."""
    sections: list[tuple[str, str, list[str]]] = []
    for line in markdown.splitlines():
        heading = HEADING.match(line)
        if heading:
            sections.append((heading.group(1), heading.group(2), []))
        elif line.startswith("## "):
            sections.append(("", "", []))  # a new chapter ends the route's section
        elif sections:
            sections[-1][2].append(line)
    routes = []
    for method, path, lines in sections:
        if not method:
            continue
        facts = next((FACTS.match(line) for line in lines if line.startswith("Stages:")), None)
        assert facts, f"{method} {path}: no 'Stages: ... · Scope: ... · operationId ...' line"
        error_line = next((line for line in lines if line.startswith("Errors: ")), "")
        documented_errors = {
            int(status): frozenset(re.findall(r"`([a-z-]+)`", slugs))
            for status, slugs in ERRORS.findall(error_line)
        }
        scope = None if facts.group(2) == "public" else facts.group(2).strip("`")
        operation = facts.group(3).strip("`") if facts.group(3).startswith("`") else None
        routes.append(
            DocumentedRoute(
                method=method,
                path=path,
                stages=frozenset(stage.strip() for stage in facts.group(1).split(",")),
                scope=scope,
                operation_id=operation,
                errors=documented_errors,
                text="\n".join(lines),
            )
        )
    return routes


@cache
def documented() -> list[DocumentedRoute]:
    return parse(API_DOC.read_text(encoding="utf-8"))


def template_routes() -> set[tuple[str, str, str]]:
    """(stage, method, path) of every Api event of every function, on every stage of its API."""
    template = Template(load_template())
    stages_of_api: dict[str, list[str]] = {}
    for stage in template.stages():
        stages_of_api.setdefault(stage.api, []).append(stage.name)
    return {
        (stage, route.method, route.path)
        for spec in template.functions()
        for route in spec.routes
        for stage in stages_of_api[route.api]
    }


def documented_routes() -> set[tuple[str, str, str]]:
    return {(stage, route.method, route.path) for route in documented() for stage in route.stages}


@cache
def openapi(stage: str) -> dict[str, Any]:
    return dict(json.loads((ROOT / "docs" / f"openapi-{stage}.json").read_text(encoding="utf-8")))


def operation(stage: str, route: DocumentedRoute) -> dict[str, Any] | None:
    found = openapi(stage)["paths"].get(route.path, {}).get(route.method.lower())
    return dict(found) if found is not None else None


def problem_slugs() -> set[str]:
    """Every problem type the service answers: the error hierarchy's and API Gateway's own."""
    slugs: set[str] = set()
    pending: list[type[errors.OrgairError]] = [errors.OrgairError]
    while pending:
        kind = pending.pop()
        slugs.add(kind.slug)
        pending.extend(kind.__subclasses__())
    template_text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    slugs |= set(re.findall(re.escape(PROBLEM_BASE) + r"([a-z-]+)", template_text))
    return slugs


ROUTE_IDS: Final = [f"{route.method} {route.path}" for route in documented()]


def test_the_document_covers_every_route_of_the_template_on_both_stages() -> None:
    expected = template_routes()
    assert {stage for stage, _, _ in expected} == {"v1", "v2"}
    missing = sorted(expected - documented_routes())
    assert missing == [], f"routes of template.yaml missing from docs/api.md: {missing}"


def test_the_document_names_no_route_the_template_does_not_serve() -> None:
    extra = sorted(documented_routes() - template_routes())
    assert extra == [], f"routes in docs/api.md that template.yaml does not serve: {extra}"


def test_each_route_is_documented_once() -> None:
    keys = [(route.method, route.path) for route in documented()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("route", documented(), ids=ROUTE_IDS)
def test_scope_and_operation_id_are_the_openapi_documents(route: DocumentedRoute) -> None:
    for stage in sorted(route.stages):
        found = operation(stage, route)
        if found is None:
            assert route.operation_id is None, f"{stage} has no operation for {route.method} {route.path}"
            continue
        assert found["operationId"] == route.operation_id
        required = [scope for requirement in found.get("security", []) for scope in requirement.values()]
        assert required == ([[route.scope]] if route.scope else []), f"{stage}: {required}"


@pytest.mark.parametrize("route", documented(), ids=ROUTE_IDS)
def test_error_statuses_are_the_openapi_documents_and_types_exist(route: DocumentedRoute) -> None:
    assert route.errors, f"{route.method} {route.path}: no 'Errors:' line"
    assert set().union(*route.errors.values()) <= problem_slugs()
    for stage in sorted(route.stages):
        found = operation(stage, route)
        if found is None:
            continue
        statuses = {int(code) for code in found["responses"] if int(code) >= 400}
        assert set(route.errors) == statuses, f"{stage}: OpenAPI answers {sorted(statuses)}"


@pytest.mark.parametrize("route", documented(), ids=ROUTE_IDS)
def test_each_route_has_a_curl_example_calling_it(route: DocumentedRoute) -> None:
    pattern = re.sub(r"\\\{\w+\\\}", r"[^/?\"' ]+", re.escape(route.path))
    calls = re.findall(r"curl -s \"\$ORGAIR_URL/(v[12])(" + pattern + r")(?:[?\"])", route.text)
    assert calls, f"{route.method} {route.path}: no curl example calling it"
    if route.method != "GET":
        assert " -d '" in route.text or " -X " in route.text, "a POST example sends a body"


def test_a_renamed_route_is_reported_as_one_missing_and_one_extra() -> None:
    """The comparison can fail: the document with one heading changed differs from the template by
    exactly that route, on both stages, in both directions."""
    markdown = API_DOC.read_text(encoding="utf-8")
    renamed = markdown.replace("### GET /health/liveness\n", "### GET /health/alive\n")
    routes = {(stage, route.method, route.path) for route in parse(renamed) for stage in route.stages}

    assert template_routes() - routes == {
        ("v1", "GET", "/health/liveness"),
        ("v2", "GET", "/health/liveness"),
    }
    assert routes - template_routes() == {("v1", "GET", "/health/alive"), ("v2", "GET", "/health/alive")}
