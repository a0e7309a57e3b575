"""Every free-text input of every operation is bounded, documented in the OpenAPI documents and
enforced by the handlers (one character over is a 422 naming it), and path ids of any shape are refused
without a 5xx. Bodies the documents leave open are validated in code."""

from __future__ import annotations

import re
from typing import Any, Final

import pytest
from support.fault_checks import handler
from support.scoring_requests import company, count_items, local_client, request

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.openapi import build_documents

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
