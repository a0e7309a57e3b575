"""A pydantic model's JSON Schema made acceptable to the providers' native structured outputs.

OpenAI's strict `json_schema` response format (and Anthropic's tool `input_schema`, which gets the
same document) accept a subset of JSON Schema: every object lists all its properties as required
and sets `additionalProperties: false`; `$ref`s are best inlined; numeric and length bounds
(`minimum`, `maxLength`, ...) and `default`/`title` are not part of the strictest common subset.
The converter keeps the structure (types, required keys, enums, nesting), moves each bound into the
node's `description` so the model still reads it, and refuses anything it does not understand.
The bounds are not enforced by the provider: the gateway still validates every answer with the
pydantic model, and an answer outside them still takes the repair path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel

STRUCTURAL_KEYWORDS: Final = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "enum", "anyOf", "description"}
)
"""Kept as they are (after conversion of their children)."""
BOUND_KEYWORDS: Final = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "uniqueItems",
)
"""Not sent as keywords: described in `description` instead (the answer is validated against them)."""
DROPPED_KEYWORDS: Final = frozenset({"title", "default", "examples"})
"""Annotations with no effect on the structure; strict mode rejects some of them."""
SCHEMA_NAME: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class UnsupportedSchema(ValueError):
    """The model's schema uses something strict structured outputs cannot express."""


@dataclass(frozen=True, slots=True)
class OutputSchema:
    """The structure an answer must have, as sent to a provider: a name and a strict schema."""

    name: str
    schema: dict[str, Any]

    @property
    def text(self) -> str:
        """The schema as sent (for the reservation's input-token bound: it is billed as input)."""
        return json.dumps(self.schema, sort_keys=True, separators=(",", ":"))


def _describe_bounds(node: Mapping[str, Any]) -> str:
    parts = [f"{keyword} {json.dumps(node[keyword])}" for keyword in BOUND_KEYWORDS if keyword in node]
    return f"Constraints: {', '.join(parts)}." if parts else ""


def _resolve(
    ref: str, definitions: Mapping[str, Any], seen: tuple[str, ...]
) -> tuple[Mapping[str, Any], tuple[str, ...]]:
    prefix = "#/$defs/"
    if not ref.startswith(prefix) or ref[len(prefix) :] not in definitions:
        raise UnsupportedSchema(f"unresolvable $ref {ref!r}")
    if ref in seen:
        raise UnsupportedSchema(f"recursive $ref {ref!r} cannot be inlined")
    return definitions[ref[len(prefix) :]], (*seen, ref)


def _convert(
    node: Mapping[str, Any], definitions: Mapping[str, Any], seen: tuple[str, ...], path: str
) -> dict[str, Any]:
    if "$ref" in node:
        target, seen = _resolve(str(node["$ref"]), definitions, seen)
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return _convert({**target, **siblings}, definitions, seen, path)
    if "const" in node:
        node = {**{key: value for key, value in node.items() if key != "const"}, "enum": [node["const"]]}
    unknown = set(node) - STRUCTURAL_KEYWORDS - set(BOUND_KEYWORDS) - DROPPED_KEYWORDS
    if unknown:
        raise UnsupportedSchema(f"{path or 'root'}: unsupported keyword(s) {', '.join(sorted(unknown))}")
    result: dict[str, Any] = {}
    if "type" in node:
        result["type"] = node["type"]
    if "enum" in node:
        result["enum"] = list(node["enum"])
    if "anyOf" in node:
        result["anyOf"] = [
            _convert(option, definitions, seen, f"{path}.anyOf[{index}]")
            for index, option in enumerate(node["anyOf"])
        ]
    if "items" in node:
        result["items"] = _convert(node["items"], definitions, seen, f"{path}[]")
    if node.get("type") == "object" or "properties" in node:
        properties = node.get("properties") or {}
        if node.get("additionalProperties") not in (None, False):
            raise UnsupportedSchema(f"{path or 'root'}: open objects (additionalProperties) are not strict")
        result["type"] = "object"
        result["properties"] = {
            name: _convert(child, definitions, seen, f"{path}.{name}" if path else name)
            for name, child in properties.items()
        }
        result["required"] = list(properties)
        result["additionalProperties"] = False
    description = " ".join(
        part for part in (str(node.get("description", "")).strip(), _describe_bounds(node)) if part
    )
    if description:
        result["description"] = description
    if "type" not in result and "enum" not in result and "anyOf" not in result:
        raise UnsupportedSchema(f"{path or 'root'}: a node without a type is not strict")
    return result


def strict_schema(model: type[BaseModel]) -> OutputSchema:
    """The model's validation schema made strict-compatible, named after the model.

    Every object's properties are all required with `additionalProperties: false`, `$defs` are
    inlined, bounds become descriptions; an unsupported construct raises `UnsupportedSchema`.
    """
    name = model.__name__
    if not SCHEMA_NAME.match(name):
        raise UnsupportedSchema(f"schema name {name!r} must match {SCHEMA_NAME.pattern}")
    document = model.model_json_schema(mode="validation")
    definitions = document.get("$defs") or {}
    root = {key: value for key, value in document.items() if key != "$defs"}
    converted = _convert(root, definitions, (), "")
    if converted.get("type") != "object":
        raise UnsupportedSchema("the root of a structured output must be an object")
    return OutputSchema(name=name, schema=converted)
