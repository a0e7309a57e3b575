"""What each stage's committed OpenAPI document teaches a reader: every operation has a summary and a
description, every request body and every 2xx JSON response body an example that the body's own schema
accepts (on each stage: v2-only fields and other versions' bodies left out of v1), every body a typed
schema (no free-form objects), and every timestamp `format: date-time`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from devtools.openapi import output_paths

STAGES: Final = ("v1", "v2")
FREE_FORM_ALLOWED: Final = {"getOpenApiDocument"}
"""The OpenAPI document itself is the one body whose shape this document does not describe (nor
exemplify: its example would be the document itself)."""


def document(stage: str) -> dict[str, Any]:
    docs_copy, _ = output_paths(stage)
    loaded: dict[str, Any] = json.loads(docs_copy.read_text(encoding="utf-8"))
    return loaded


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def validator(doc: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resource(
        "urn:doc", Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    rebased = json.loads(json.dumps(schema).replace('"#/components/', '"urn:doc#/components/'))
    return Draft202012Validator(rebased, registry=registry, format_checker=FormatChecker())


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        target: Any = doc
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        schema = target
    return schema


@pytest.mark.parametrize("stage", STAGES)
def test_every_operation_has_a_summary_and_a_description(stage: str) -> None:
    for method, path, operation in operations(document(stage)):
        assert operation.get("summary"), (method, path)
        assert operation["summary"] != f"{method} {path}", (method, path)
        assert len(operation.get("description", "")) > 40, (method, path)


@pytest.mark.parametrize("stage", STAGES)
def test_every_request_body_has_an_example_its_schema_accepts(stage: str) -> None:
    doc = document(stage)
    for method, path, operation in operations(doc):
        body = operation.get("requestBody")
        if body is None:
            continue
        schema = body["content"]["application/json"]["schema"]
        examples = resolve(doc, schema).get("examples")
        assert examples, f"{method} {path}: the request body has no example"
        for example in examples:
            errors = [error.message for error in validator(doc, schema).iter_errors(example)]
            assert errors == [], f"{method} {path}: example refused: {errors}"


@pytest.mark.parametrize("stage", STAGES)
def test_every_success_response_body_has_an_example_its_schema_accepts(stage: str) -> None:
    doc = document(stage)
    checked = 0
    for method, path, operation in operations(doc):
        if operation["operationId"] in FREE_FORM_ALLOWED:
            continue
        for status, response in operation["responses"].items():
            content = response.get("content", {}).get("application/json")
            if not status.startswith("2") or content is None:
                continue
            schema = content["schema"]
            examples = resolve(doc, schema).get("examples")
            assert examples, f"{method} {path} {status}: the response body has no example"
            for example in examples:
                errors = [error.message for error in validator(doc, schema).iter_errors(example)]
                assert errors == [], f"{method} {path} {status}: example refused: {errors}"
            checked += 1
    assert checked >= 20


def schemas_in(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from schemas_in(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from schemas_in(item, f"{where}/{index}")


def is_free_form(schema: dict[str, Any]) -> bool:
    """An object whose members are not described: no properties and no schema for additional ones."""
    if schema.get("type") != "object":
        return False
    described = schema.get("properties") or isinstance(schema.get("additionalProperties"), dict)
    return not described


@pytest.mark.parametrize("stage", STAGES)
def test_no_body_is_a_free_form_object(stage: str) -> None:
    doc = document(stage)
    free: list[str] = []
    for name, schema in doc["components"]["schemas"].items():
        free += [where for where, node in schemas_in(schema, name) if is_free_form(node)]
    for method, path, operation in operations(doc):
        if operation["operationId"] in FREE_FORM_ALLOWED:
            continue
        label = f"{method} {path}"
        for part in ("requestBody", "responses"):
            free += [where for where, node in schemas_in(operation.get(part), label) if is_free_form(node)]
    assert free == []


def properties(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for model, schema in doc["components"]["schemas"].items():
        for where, node in schemas_in(schema, model):
            for name, member in (node.get("properties") or {}).items():
                if isinstance(member, dict):
                    yield f"{where}.{name}", name, member


def formats(member: dict[str, Any]) -> set[str]:
    found = {member.get("format")}
    for key in ("anyOf", "oneOf"):
        found |= {option.get("format") for option in member.get(key, [])}
    return {value for value in found if value}


@pytest.mark.parametrize("stage", STAGES)
def test_timestamps_are_date_time_and_days_are_dates(stage: str) -> None:
    doc = document(stage)
    checked = 0
    for where, name, member in properties(doc):
        if name.endswith("_at") or name == "timestamp":
            assert formats(member) == {"date-time"}, where
            checked += 1
        elif name == "date":
            assert formats(member) == {"date"}, where
            checked += 1
    assert checked >= 5
