"""One stage's document from the stage-neutral one: each `param_version`-discriminated union
replaced by its variant for the stage (the convention in devtools/openapi.py), then the schemas no
operation reaches dropped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orgair.scoring.models import ONLY_IN_VERSION

from devtools.openapi_operations import Document, OpenApiError

DISCRIMINATOR = "param_version"


def _named_versions(example: Any) -> set[str]:
    """Every `param_version` value an example body carries, at any depth."""
    if isinstance(example, list):
        return set().union(*(_named_versions(item) for item in example))
    if not isinstance(example, dict):
        return set()
    named = {example[DISCRIMINATOR]} if isinstance(example.get(DISCRIMINATOR), str) else set()
    return named.union(*(_named_versions(value) for value in example.values()))


def select_version(node: Any, version: str, where: str = "#") -> Any:
    """Replace each `param_version`-discriminated union by the variant of `version`, leave out
    properties marked as read by another version only, and keep only the schema examples that name
    no other version (a body that differs by stage has one example per version)."""
    if isinstance(node, list):
        return [select_version(item, version, f"{where}/{index}") for index, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("examples"), list):
        # A body that differs by stage has one example per version; each stage keeps its own.
        node = {
            **node,
            "examples": [example for example in node["examples"] if _named_versions(example) <= {version}],
        }
    discriminator = node.get("discriminator")
    if isinstance(discriminator, dict) and discriminator.get("propertyName") == DISCRIMINATOR:
        mapping = discriminator.get("mapping") or {}
        if version not in mapping:
            raise OpenApiError(f"{where}: the {DISCRIMINATOR} union has no variant for {version}")
        kept = {key: value for key, value in node.items() if key not in {"oneOf", "anyOf", "discriminator"}}
        kept.pop("title", None)
        kept["$ref"] = mapping[version]
        return kept
    properties = node.get("properties")
    if isinstance(properties, dict) and any(
        isinstance(spec, dict) and ONLY_IN_VERSION in spec for spec in properties.values()
    ):
        # Fields one version alone reads (`x-param-version`): kept, unmarked, in that version's
        # document; left out of the others, whose stages refuse them with 422.
        dropped = {
            name
            for name, spec in properties.items()
            if isinstance(spec, dict) and spec.get(ONLY_IN_VERSION, version) != version
        }
        node = dict(node)
        node["properties"] = {
            name: {key: value for key, value in spec.items() if key != ONLY_IN_VERSION}
            for name, spec in properties.items()
            if name not in dropped
        }
        if isinstance(node.get("required"), list):
            node["required"] = [name for name in node["required"] if name not in dropped]
        if isinstance(node.get("examples"), list):
            # The schema's own examples lose the fields too, so each stays valid for this stage.
            node["examples"] = [
                {key: value for key, value in example.items() if key not in dropped}
                if isinstance(example, dict)
                else example
                for example in node["examples"]
            ]
    return {key: select_version(value, version, f"{where}/{key}") for key, value in node.items()}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def prune_schemas(document: Document) -> Document:
    """Drop component schemas no operation reaches (the other stage's variants, unused helpers)."""
    schemas: dict[str, Any] = document["components"]["schemas"]
    prefix = "#/components/schemas/"
    reachable: set[str] = set()
    pending = [ref for ref in _refs(document["paths"]) if ref.startswith(prefix)]
    while pending:
        name = pending.pop().removeprefix(prefix)
        if name in reachable or name not in schemas:
            continue
        reachable.add(name)
        pending.extend(ref for ref in _refs(schemas[name]) if ref.startswith(prefix))
    document["components"]["schemas"] = {name: schemas[name] for name in sorted(reachable)}
    return document
