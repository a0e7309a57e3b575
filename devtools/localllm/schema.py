"""A JSON value satisfying a JSON Schema, derived deterministically from a seed.

Covers what structured-output schemas use (pydantic's `model_json_schema()`, OpenAI strict
`json_schema`, Anthropic tool `input_schema`): objects with properties, `$ref` into `$defs`, enums and
consts, `anyOf`/`oneOf`/`allOf` (first branch), integers and numbers within their bounds, strings
within their lengths, arrays with `minItems`. Scores look like ratings; strings cite the evidence.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from typing import Any, Final

MAX_DEPTH: Final = 12
SCHEMA_MARKER: Final = "JSON Schema:"
_REF_PREFIX: Final = "#/$defs/"
_WORDS = re.compile(r"[^\s“”\"]+")


class UnsupportedSchema(ValueError):
    """A schema this generator cannot satisfy (an answer would be invalid)."""


def digest(*parts: str) -> bytes:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\x00")
    return hasher.digest()


def _number(seed: bytes, path: str) -> int:
    return int.from_bytes(digest(seed.hex(), path)[:8], "big")


def embedded_schema(text: str) -> dict[str, Any] | None:
    """The last JSON Schema a prompt embeds after "JSON Schema:" (how the orgair gateway asks), if any.

    A repair prompt also says "JSON Schema:" without one following; such mentions are skipped.
    """
    at = len(text)
    while (at := text.rfind(SCHEMA_MARKER, 0, at)) != -1:
        start = text.find("{", at)
        if start == -1:
            continue
        try:
            value, _ = json.JSONDecoder().raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(value, dict) and {"type", "properties", "$defs"} & set(value):
            return value
    return None


def _cite(evidence: str, seed: bytes, path: str, limit: int) -> str:
    words = _WORDS.findall(evidence)
    name = path.rsplit(".", 2)[-2] if path.count(".") >= 2 else path.rsplit(".", 1)[-1]
    label = name.replace("_", " ").strip() or "this item"
    if words:
        start = _number(seed, path + "#cite") % len(words)
        quoted = " ".join(words[start : start + 8])
        text = f"Local stand-in rating of {label}: the evidence mentions “{quoted}”."
    else:
        text = f"Local stand-in rating of {label}: the evidence says nothing about it."
    return text[:limit]


def _bound(schema: Mapping[str, Any], name: str) -> float:
    value = schema[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnsupportedSchema(f"{name} must be a number")
    return float(value)


class _Generator:
    def __init__(self, root: Mapping[str, Any], seed: bytes, evidence: str) -> None:
        self.root = root
        self.seed = seed
        self.evidence = evidence

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return schema
        if ref.startswith(_REF_PREFIX):
            found = self.root.get("$defs", {}).get(ref.removeprefix(_REF_PREFIX))
        elif ref.startswith("#/definitions/"):
            found = self.root.get("definitions", {}).get(ref.removeprefix("#/definitions/"))
        else:
            found = None
        if not isinstance(found, Mapping):
            raise UnsupportedSchema(f"unresolvable $ref {ref!r}")
        return found

    def value(self, schema: Any, path: str, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise UnsupportedSchema("schema nested too deeply")
        if not isinstance(schema, Mapping):
            return None
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            options = schema["enum"]
            return options[_number(self.seed, path) % len(options)]
        for combinator in ("allOf", "anyOf", "oneOf"):
            branches = schema.get(combinator)
            if isinstance(branches, list) and branches:
                return self.value(branches[0], path, depth + 1)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((item for item in kind if item != "null"), "null")
        if kind == "object" or (kind is None and "properties" in schema):
            return self.object(schema, path, depth)
        if kind == "array":
            count = max(int(schema.get("minItems", 1)), 1)
            count = min(count, int(schema.get("maxItems", count)))
            return [
                self.value(schema.get("items", {}), f"{path}[{index}]", depth + 1) for index in range(count)
            ]
        if kind == "integer":
            return self.integer(schema, path)
        if kind == "number":
            return float(self.integer(schema, path))
        if kind == "boolean":
            return _number(self.seed, path) % 2 == 0
        if kind == "null":
            return None
        return self.string(schema, path)

    def object(self, schema: Mapping[str, Any], path: str, depth: int) -> dict[str, Any]:
        properties = schema.get("properties", {})
        if not isinstance(properties, Mapping):
            raise UnsupportedSchema(f"{path}: properties must be an object")
        return {name: self.value(child, f"{path}.{name}", depth + 1) for name, child in properties.items()}

    def integer(self, schema: Mapping[str, Any], path: str) -> int:
        if "minimum" in schema:
            low = math.ceil(_bound(schema, "minimum"))
        elif "exclusiveMinimum" in schema:
            low = math.floor(_bound(schema, "exclusiveMinimum")) + 1
        else:
            low = 0
        if "maximum" in schema:
            high = math.floor(_bound(schema, "maximum"))
        elif "exclusiveMaximum" in schema:
            high = math.ceil(_bound(schema, "exclusiveMaximum")) - 1
        else:
            high = low + 100
        if high < low:
            raise UnsupportedSchema(f"{path}: empty integer range")
        if (low, high) == (0, 100):
            # A rating: spread over 25..95 so results look like an assessment, not noise.
            return 25 + _number(self.seed, path) % 71
        return low + _number(self.seed, path) % (high - low + 1)

    def string(self, schema: Mapping[str, Any], path: str) -> str:
        minimum = int(schema.get("minLength", 0))
        maximum = int(schema.get("maxLength", 600))
        if maximum < minimum:
            raise UnsupportedSchema(f"{path}: empty string length range")
        text = _cite(self.evidence, self.seed, path, maximum)
        return text.ljust(minimum, ".")


def instance(schema: Mapping[str, Any], *, seed: bytes, evidence: str = "") -> Any:
    """A value of `schema`, the same for the same seed; strings quote words of `evidence`."""
    return _Generator(schema, seed, evidence).value(schema, "$")
