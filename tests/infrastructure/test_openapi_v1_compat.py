"""Stage v1 has callers: the generated v1 document must stay compatible with the committed baseline
(docs/openapi-v1.baseline.json). The checker itself is proven on hand-made changes below."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from devtools.openapi import BASELINE_PATH, build_documents
from devtools.openapi_compat import breaking_changes, response_fields, type_signature

SCORE = "#/components/schemas/Score"


def sample() -> dict[str, Any]:
    """A small v1-like document: one read with a nested, nullable response and one write."""
    return {
        "openapi": "3.1.0",
        "paths": {
            "/scores/{score_id}": {
                "get": {
                    "parameters": [
                        {"name": "score_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": SCORE}}}}},
                }
            },
            "/scores": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["company_id"],
                                    "properties": {
                                        "company_id": {"type": "string"},
                                        "sector": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"201": {"content": {"application/json": {"schema": {"$ref": SCORE}}}}},
                }
            },
        },
        "components": {
            "schemas": {
                "Score": {
                    "type": "object",
                    "properties": {
                        "score_id": {"type": "string"},
                        "composite": {"type": "number"},
                        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "breakdown": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Dimension"},
                        },
                    },
                },
                "Dimension": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "value": {"type": "number"}},
                },
            }
        },
    }


def test_generated_v1_is_compatible_with_the_committed_baseline() -> None:
    baseline = json.loads(BASELINE_PATH.read_text(encoding="utf-8"))

    problems = breaking_changes(baseline, build_documents()["v1"])

    assert problems == [], "v1 would break its callers:\n" + "\n".join(problems)


def test_an_unchanged_document_has_no_breaking_change() -> None:
    assert breaking_changes(sample(), sample()) == []


def test_checker_catches_a_removed_response_field() -> None:
    changed = sample()
    del changed["components"]["schemas"]["Score"]["properties"]["composite"]

    problems = breaking_changes(sample(), changed)

    assert "GET /scores/{score_id}: response 200 field composite removed" in problems
    assert "POST /scores: response 201 field composite removed" in problems


def test_checker_catches_a_removed_nested_field_inside_array_items() -> None:
    changed = sample()
    del changed["components"]["schemas"]["Dimension"]["properties"]["value"]

    problems = breaking_changes(sample(), changed)

    assert "GET /scores/{score_id}: response 200 field breakdown[].value removed" in problems


@pytest.mark.parametrize(
    ("new_schema", "expected"),
    [
        ({"type": "string"}, "string"),
        ({"type": ["number", "null"]}, "null|number"),
    ],
)
def test_checker_catches_a_retyped_response_field(new_schema: dict[str, Any], expected: str) -> None:
    changed = sample()
    changed["components"]["schemas"]["Score"]["properties"]["composite"] = new_schema

    problems = breaking_changes(sample(), changed)

    assert f"GET /scores/{{score_id}}: response 200 field composite retyped number -> {expected}" in problems


def test_checker_catches_a_removed_operation_and_a_removed_success_response() -> None:
    changed = sample()
    del changed["paths"]["/scores"]["post"]
    changed["paths"]["/scores/{score_id}"]["get"]["responses"] = {"202": {"description": "accepted"}}

    problems = breaking_changes(sample(), changed)

    assert "POST /scores: operation removed" in problems
    assert "GET /scores/{score_id}: response 200 removed" in problems


def test_checker_catches_a_new_required_request_field_and_parameter() -> None:
    changed = sample()
    body = changed["paths"]["/scores"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    body["required"] = ["company_id", "sector"]
    changed["paths"]["/scores"]["post"]["parameters"] = [
        {"name": "dry_run", "in": "query", "required": True, "schema": {"type": "boolean"}}
    ]

    problems = breaking_changes(sample(), changed)

    assert "POST /scores: new required request field sector" in problems
    assert "POST /scores: new required parameter query:dry_run" in problems


def test_additions_are_compatible() -> None:
    changed = copy.deepcopy(sample())
    changed["paths"]["/portfolios"] = {"get": {"responses": {"200": {"description": "new"}}}}
    changed["components"]["schemas"]["Score"]["properties"]["confidence"] = {"type": "number"}
    body = changed["paths"]["/scores"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    body["properties"]["notes"] = {"type": "string"}

    assert breaking_changes(sample(), changed) == []


def test_recursive_models_terminate() -> None:
    document = {
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "properties": {
                        "child": {"$ref": "#/components/schemas/Node"},
                        "name": {"type": "string"},
                    },
                }
            }
        }
    }

    fields = response_fields(document, {"$ref": "#/components/schemas/Node"})

    assert fields["name"] == "string"
    assert fields["child"] == "object"
    assert type_signature(document, {"$ref": "#/components/schemas/Node"}) == "object"
