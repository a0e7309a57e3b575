"""Abuse limits of every route, as the real handlers enforce them: body size (413), JSON nesting
(400), every free-text input bounded (documented and enforced), path ids of any length refused
without a 5xx, and a caller's correlation id accepted only when it is short and printable.

Portfolio size (1-500) and Idempotency-Key bounds are proven in tests/unit/functions/scores; rate
limits are API Gateway's (tests/infrastructure/test_template_security.py).
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import pytest
from orgair.http import MAX_CORRELATION_ID_LENGTH
from orgair.jsonbody import MAX_JSON_DEPTH
from orgair.settings import get_settings
from support.lambda_events import api_event, load_function, principal_context
from support.scoring_requests import Reply, company, count_items, for_stage, invoke, local_client, request

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.openapi import build_documents
from devtools.template import Template, load_template
from devtools.template_specs import ApiRoute

BODY_ROUTES: Final = [
    (Path(spec.code_uri).name, route)
    for spec in Template(load_template()).functions()
    for route in spec.routes
    if route.method in ("POST", "PUT", "PATCH")
]
FREE_FORM_BODIES: Final = {
    (
        "POST",
        "/portfolios/scores",
        "companies[]",
    ): "each item is validated as a company by parse_company_input",
    ("POST", "/individuals/scores", ""): "validated as IndividualScoreInput by parse_individual_input",
}
"""Request bodies the documents leave open, each validated in code (proven below)."""
PATH_PARAMETERS_CHECKED_IN_CODE: Final = {
    "score_id": "orgair.ids.is_id (26 characters) before any read",
    "review_id": "orgair.ids.is_id (26 characters) before any read",
    "job_id": "orgair.ids.is_id (26 characters) before any read (orgair.logic.jobs)",
    "company_id": "orgair.logic.scores.COMPANY_ID (1-64 characters) before any read",
    "tenant_id": "orgair.auth.keys.validate_tenant_id (1-64 characters) before any read",
}
_BOUNDED_PATTERN: Final = re.compile(r"^\^\[[^\]]+\]\{\d+,\d+\}\$$")


@cache
def handler(code_dir: str) -> ModuleType:
    return load_function(code_dir)


def route_id(item: tuple[str, ApiRoute]) -> str:
    return f"{item[1].method} {item[1].path}"


def concrete(route: ApiRoute) -> tuple[str, dict[str, str] | None]:
    names = re.findall(r"\{(\w+)\}", route.path)
    value = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    path = re.sub(r"\{\w+\}", value, route.path)
    return path, (dict.fromkeys(names, value) if names else None)


def post(target: tuple[str, ApiRoute], body: str, tenant: str | None = "acme") -> Reply:
    code_dir, route = target
    path, parameters = concrete(route)
    return request(
        handler(code_dir),
        route.method,
        path,
        body=body,
        tenant=tenant,
        path_parameters=parameters,
        resource=route.path,
    )


# ---------------------------------------------------------------------- body size and nesting


@pytest.mark.parametrize("target", BODY_ROUTES, ids=route_id)
def test_a_body_over_the_limit_is_413_before_anything_else_and_stores_nothing(
    target: tuple[str, ApiRoute], dynamodb: EmbeddedDynamoDB
) -> None:
    client = local_client(dynamodb.endpoint_url)
    before = count_items(client)
    oversized = '{"pad": "' + "x" * get_settings().MAX_BODY_BYTES + '"}'

    for tenant in ("acme", None):
        reply = post(target, oversized, tenant=tenant)
        assert reply.is_problem(413), reply
        assert reply.body["type"].endswith("/payload-too-large")

    assert count_items(client) == before


@pytest.mark.parametrize("target", BODY_ROUTES, ids=route_id)
def test_json_nested_deeper_than_the_limit_is_a_400_problem(target: tuple[str, ApiRoute]) -> None:
    too_deep = '{"x": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}"

    reply = post(target, too_deep)

    assert reply.is_problem(400), reply
    assert "nests deeper" in reply.body["detail"]


@pytest.mark.parametrize("target", BODY_ROUTES, ids=route_id)
def test_json_at_the_nesting_limit_is_judged_by_the_schema_not_refused_as_malformed(
    target: tuple[str, ApiRoute], dynamodb: EmbeddedDynamoDB
) -> None:
    at_limit = '{"x": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"

    reply = post(target, at_limit)

    assert reply.status in (200, 404, 422), reply


HOSTILE_BODIES: Final = {
    "extreme exponent": '{"input_tokens": 1e999999999}',
    "past the int-string limit": '{"input_tokens": ' + "9" * 5000 + "}",
    "past the recursion limit": "[" * 100_000,
    "duplicate keys": '{"decision": "reject", "decision": "approve"}',
}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
@pytest.mark.parametrize("target", BODY_ROUTES, ids=route_id)
def test_a_hostile_body_is_a_4xx_for_a_caller_with_the_scope_and_a_403_for_one_without(
    target: tuple[str, ApiRoute], body: str, dynamodb: EmbeddedDynamoDB
) -> None:
    client = local_client(dynamodb.endpoint_url)
    before = count_items(client)
    code_dir, route = target
    path, parameters = concrete(route)

    def send(scopes: str, content_type: str) -> Reply:
        return request(
            handler(code_dir),
            route.method,
            path,
            body=body,
            scopes=scopes,
            headers={"Content-Type": content_type},
            path_parameters=parameters,
            resource=route.path,
        )

    for content_type in ("application/json", "application/foo+json"):
        assert send("admin", content_type).status in (400, 415, 422)
        assert send("costs:read", content_type).is_problem(403)
    assert count_items(client) == before


@pytest.mark.parametrize(
    "encoded",
    [base64.b64encode(b"\xff\n\xfej\x08 not UTF-8").decode(), "%%% not base64 %%%"],
    ids=["not UTF-8", "not base64"],
)
@pytest.mark.parametrize("target", BODY_ROUTES, ids=route_id)
def test_a_binary_body_that_is_not_utf8_json_is_a_400_problem(
    target: tuple[str, ApiRoute], encoded: str
) -> None:
    """Found by the fuzzer: a base64 body (isBase64Encoded) that decodes to no text was a 500."""
    code_dir, route = target
    path, parameters = concrete(route)
    event = api_event(
        route.method,
        path,
        body=encoded,
        path_parameters=parameters,
        resource=route.path,
        authorizer=principal_context("acme", "admin"),
    )
    event["isBase64Encoded"] = True

    reply = invoke(handler(code_dir), event)

    assert reply.is_problem(400), reply


def test_a_base64_body_of_utf8_json_is_read_like_any_other(dynamodb: EmbeddedDynamoDB) -> None:
    event = api_event(
        "POST",
        "/scores/simulate",
        body=base64.b64encode(json.dumps(company()).encode()).decode(),
        authorizer=principal_context("acme", "admin"),
    )
    event["isBase64Encoded"] = True

    assert invoke(handler("simulate"), event).status == 200


# ---------------------------------------------------------------------- free text is bounded


def _string_fields(
    schema: dict[str, Any], schemas: dict[str, Any], path: str
) -> list[tuple[str, dict[str, Any]]]:
    """(dotted path, schema) of every string and free-form object reachable from `schema`."""
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    found: list[tuple[str, dict[str, Any]]] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            found.extend(_string_fields(option, schemas, path))
    kind = schema.get("type")
    if kind == "string":
        found.append((path, schema))
    elif kind == "array":
        found.extend(_string_fields(schema.get("items", {}), schemas, f"{path}[]"))
    elif kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        if not properties:
            found.append((path, schema))
        for name, sub in properties.items():
            found.extend(_string_fields(sub, schemas, f"{path}.{name}".lstrip(".")))
    return found


def _bounded(schema: dict[str, Any]) -> bool:
    if schema.get("type") != "string":
        return False
    if any(key in schema for key in ("maxLength", "enum", "const")):
        return True
    return bool(_BOUNDED_PATTERN.match(str(schema.get("pattern", ""))))


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_every_free_text_input_of_every_operation_is_bounded(stage: str) -> None:
    document = build_documents()[stage]
    schemas = document["components"]["schemas"]
    unbounded = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            inputs: list[tuple[str, dict[str, Any]]] = []
            for content in operation.get("requestBody", {}).get("content", {}).values():
                inputs.extend(_string_fields(content["schema"], schemas, ""))
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["name"] in PATH_PARAMETERS_CHECKED_IN_CODE, (path, parameter["name"])
                    continue
                inputs.extend(
                    (f"{parameter['in']}:{parameter['name']}", schema)
                    for _, schema in _string_fields(parameter["schema"], schemas, "")
                )
            for field, schema in inputs:
                if (method.upper(), path, field) in FREE_FORM_BODIES:
                    continue
                if not _bounded(schema):
                    unbounded.append(f"{method.upper()} {path} {field or 'body'}")
    assert unbounded == [], "bound these inputs (max_length) or prove them bounded in code"


def test_a_portfolio_item_with_a_huge_company_id_is_an_invalid_item_and_nothing_is_stored(
    dynamodb: EmbeddedDynamoDB,
) -> None:
    client = local_client(dynamodb.endpoint_url)
    before = count_items(client)

    reply = request(
        handler("scores"), "POST", "/portfolios/scores", body={"companies": [company("x" * 100_000)]}
    )

    assert reply.status == 200, reply
    [item] = reply.body["results"]
    assert item["status"] == "invalid"
    assert item["problem"]["errors"][0]["field"] == "companies.0.company_id"
    assert count_items(client) == before


def test_an_individual_with_an_unknown_long_field_is_a_422() -> None:
    body = {
        "ai_fluency": 70,
        "adaptive_capacity": 60,
        "hr": 65,
        "domain_expertise": 50,
        "notes": "x" * 100_000,
    }

    reply = request(handler("simulate"), "POST", "/individuals/scores", body=body)

    assert reply.is_problem(422), reply
    assert reply.fields() == ["notes"]


@pytest.mark.parametrize(
    ("code_dir", "path", "body", "field", "limit"),
    [
        ("reviews", "/reviews/01ARZ3NDEKTSV4RRFFQ69G5FAV/decision", {"decision": "approve"}, "comment", 2000),
        ("costs", "/costs", {"provider": "openai", "input_tokens": 1, "output_tokens": 1}, "model", 100),
        (
            "costs",
            "/costs",
            {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 1, "output_tokens": 1},
            "parent_request_id",
            128,
        ),
        (
            "costs",
            "/costs",
            {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 1, "output_tokens": 1},
            "purpose",
            64,
        ),
    ],
)
def test_a_free_text_field_one_character_over_its_bound_is_a_422_naming_it(
    dynamodb: EmbeddedDynamoDB, code_dir: str, path: str, body: dict[str, Any], field: str, limit: int
) -> None:
    reply = request(
        handler(code_dir),
        "POST",
        path,
        body={**body, field: "a" * (limit + 1)},
        headers={"Idempotency-Key": "abuse-1"},
        path_parameters={"review_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"} if code_dir == "reviews" else None,
        resource="/reviews/{review_id}/decision" if code_dir == "reviews" else None,
    )

    assert reply.is_problem(422), reply
    assert reply.fields() == [field]


@pytest.mark.parametrize(
    ("code_dir", "resource", "name", "refused"),
    [
        ("scores", "/scores/{score_id}", "score_id", 404),
        ("scores", "/companies/{company_id}/scores", "company_id", 422),
        ("reviews", "/reviews/{review_id}/decision", "review_id", 404),
    ],
)
@pytest.mark.parametrize("value", ["x" * 10_000, "a\nb", "../../etc/passwd", "T#other#S#id"])
def test_path_ids_of_any_shape_are_refused_without_a_5xx(
    dynamodb: EmbeddedDynamoDB, code_dir: str, resource: str, name: str, refused: int, value: str
) -> None:
    method = "POST" if resource.endswith("/decision") else "GET"
    reply = request(
        handler(code_dir),
        method,
        resource.replace("{" + name + "}", value),
        body={"decision": "approve"} if method == "POST" else None,
        path_parameters={name: value},
        resource=resource,
    )

    # Ids the resolver's path pattern cannot match ('/', '#', control characters) are an unknown route.
    assert reply.is_problem(refused) or reply.is_problem(404), reply


# ---------------------------------------------------------------------- correlation ids


@pytest.mark.parametrize(
    "sent",
    ["x" * (MAX_CORRELATION_ID_LENGTH + 1), "two words", "line\nbreak", "caf\u00e9", "\u0000"],
)
def test_an_oversized_or_unprintable_correlation_id_is_replaced_by_the_request_id(
    dynamodb: EmbeddedDynamoDB, sent: str
) -> None:
    reply = request(handler("scores"), "POST", "/scores", body=company(), headers={"X-Correlation-ID": sent})

    assert reply.status == 201, reply
    assert reply.header("X-Correlation-ID") == reply.header("X-Request-ID")
    assert reply.body["correlation_id"] == reply.header("X-Request-ID")
    assert sent not in reply.raw_body


def test_a_correlation_id_at_the_bound_is_echoed_and_stored(dynamodb: EmbeddedDynamoDB) -> None:
    sent = "c" * MAX_CORRELATION_ID_LENGTH

    reply = request(handler("scores"), "POST", "/scores", body=company(), headers={"X-Correlation-ID": sent})

    assert reply.status == 201, reply
    assert reply.header("X-Correlation-ID") == sent
    assert reply.body["correlation_id"] == sent


# ---------------------------------------------------------------------- numbers DynamoDB cannot hold


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_a_score_input_below_dynamodbs_smallest_number_is_a_422_not_a_500(
    dynamodb: EmbeddedDynamoDB, stage: str
) -> None:
    """Found by the fuzzer (seed 3): 5.7e-132 is a valid 0-100 score that DynamoDB cannot store."""
    client = local_client(dynamodb.endpoint_url)
    before = count_items(client)
    body = for_stage(
        company("tiny", dimensions={**company()["dimensions"], "culture": 5.704590595111025e-132}), stage
    )

    reply = request(handler("scores"), "POST", "/scores", stage=stage, body=body)

    assert reply.is_problem(422), reply
    assert reply.fields() == ["dimensions.culture"]
    assert count_items(client) == before
