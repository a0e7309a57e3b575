"""Finds the changes between two OpenAPI documents that would break callers of the older one.

Breaking, for a client written against the baseline:
- an operation (path + method) is gone;
- a success (2xx) response it relied on is gone, or a field of that response is gone or changed
  type (a field that may now be null counts: the client's parser may not expect it);
- a request needs something the client does not send: a new required body field, a body that
  became required, a new required query/header/path parameter.
Additions (new operations, new optional request fields, new response fields) are compatible.
`$ref`s are followed within each document; field paths are dotted, with `[]` for array items.
"""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_DEPTH = 24


Branch = tuple[dict[str, Any], frozenset[str]]


def _resolve(document: Document, schema: Any) -> tuple[dict[str, Any], frozenset[str]]:
    """Follow `$ref`s to a schema; also returns the refs followed (to spot recursive models)."""
    followed: set[str] = set()
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref: str = schema["$ref"]
        if ref in followed:
            return {}, frozenset(followed)
        followed.add(ref)
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema = target
    return (schema if isinstance(schema, dict) else {}), frozenset(followed)


def _branches(document: Document, schema: Any, chain: frozenset[str] = frozenset()) -> list[Branch]:
    """The alternatives of a schema (itself, or each anyOf/oneOf member; allOf merged), each with
    the refs that led to it."""
    resolved, refs = _resolve(document, schema)
    if refs & chain:
        return []
    chain = chain | refs
    for key in ("anyOf", "oneOf"):
        if key in resolved:
            found: list[Branch] = []
            for member in resolved[key]:
                found.extend(_branches(document, member, chain))
            return found
    if "allOf" in resolved:
        merged: dict[str, Any] = {"properties": {}, "required": []}
        merged_refs = chain
        for member in resolved["allOf"]:
            for part, part_refs in _branches(document, member, chain):
                merged["properties"].update(part.get("properties", {}))
                merged["required"].extend(part.get("required", []))
                merged_refs |= part_refs
                if "type" in part:
                    merged["type"] = part["type"]
        return [(merged, merged_refs)]
    return [(resolved, chain)]


def _kind(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, list):
        return {str(item) for item in declared}
    if isinstance(declared, str):
        return {declared}
    if "properties" in schema:
        return {"object"}
    if "items" in schema:
        return {"array"}
    if "const" in schema:
        return {type(schema["const"]).__name__}
    return {"any"}


def type_signature(document: Document, schema: Any) -> str:
    """`string`, `integer|null`, `object`...: what a field's value can be, order-independent."""
    kinds: set[str] = set()
    for branch, _ in _branches(document, schema):
        kinds |= _kind(branch)
    return "|".join(sorted(kinds))


def response_fields(
    document: Document, schema: Any, prefix: str = "", seen: frozenset[str] = frozenset(), depth: int = 0
) -> dict[str, str]:
    """Every field a response can carry, by dotted path, with its type signature. A model met
    again inside itself is not expanded twice (its fields are already listed above)."""
    fields: dict[str, str] = {}
    if depth > MAX_DEPTH:
        return fields
    for branch, refs in _branches(document, schema):
        if refs & seen:
            continue
        inner = seen | refs
        for name, child in (branch.get("properties") or {}).items():
            path = f"{prefix}{name}"
            fields[path] = type_signature(document, child)
            fields.update(response_fields(document, child, f"{path}.", inner, depth + 1))
        if "items" in branch:
            fields.update(
                response_fields(document, branch["items"], f"{prefix.rstrip('.')}[].", inner, depth + 1)
            )
    return fields


def required_request_fields(
    document: Document, schema: Any, prefix: str = "", seen: frozenset[str] = frozenset(), depth: int = 0
) -> set[str]:
    """Dotted paths a request body must contain (nested ones only under required parents)."""
    required: set[str] = set()
    if depth > MAX_DEPTH:
        return required
    for branch, refs in _branches(document, schema):
        if refs & seen:
            continue
        inner = seen | refs
        properties = branch.get("properties") or {}
        for name in branch.get("required", []):
            path = f"{prefix}{name}"
            required.add(path)
            if name in properties:
                required |= required_request_fields(document, properties[name], f"{path}.", inner, depth + 1)
        if "items" in branch:
            required |= required_request_fields(
                document, branch["items"], f"{prefix.rstrip('.')}[].", inner, depth + 1
            )
    return required


def _operations(document: Document) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in (document.get("paths") or {}).items()
        for method, operation in item.items()
        if method in HTTP_METHODS and isinstance(operation, dict)
    }


def _json_schema(content: dict[str, Any] | None) -> Any:
    for media_type, body in (content or {}).items():
        if "json" in media_type and isinstance(body, dict) and "schema" in body:
            return body["schema"]
    return None


def _required_parameters(document: Document, operation: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for parameter in operation.get("parameters") or []:
        resolved, _ = _resolve(document, parameter)
        if resolved.get("required"):
            names.add(f"{resolved.get('in')}:{resolved.get('name')}")
    return names


def _request_problems(
    label: str, old_doc: Document, old: dict[str, Any], new_doc: Document, new: dict[str, Any]
) -> list[str]:
    problems: list[str] = []
    for name in sorted(_required_parameters(new_doc, new) - _required_parameters(old_doc, old)):
        problems.append(f"{label}: new required parameter {name}")
    old_body, _ = _resolve(old_doc, old.get("requestBody") or {})
    new_body, _ = _resolve(new_doc, new.get("requestBody") or {})
    if new_body.get("required") and not old_body.get("required"):
        problems.append(f"{label}: the request body became required")
    new_schema = _json_schema(new_body.get("content"))
    if new_schema is None:
        return problems
    old_schema = _json_schema(old_body.get("content"))
    old_required = required_request_fields(old_doc, old_schema) if old_schema is not None else set()
    for field in sorted(required_request_fields(new_doc, new_schema) - old_required):
        problems.append(f"{label}: new required request field {field}")
    return problems


def _response_problems(
    label: str, old_doc: Document, old: dict[str, Any], new_doc: Document, new: dict[str, Any]
) -> list[str]:
    problems: list[str] = []
    new_responses = new.get("responses") or {}
    for status, old_response in sorted((old.get("responses") or {}).items()):
        if not str(status).startswith("2"):
            continue
        if status not in new_responses:
            problems.append(f"{label}: response {status} removed")
            continue
        old_resolved, _ = _resolve(old_doc, old_response)
        new_resolved, _ = _resolve(new_doc, new_responses[status])
        old_schema = _json_schema(old_resolved.get("content"))
        if old_schema is None:
            continue
        new_schema = _json_schema(new_resolved.get("content"))
        if new_schema is None:
            problems.append(f"{label}: response {status} no longer has a JSON body")
            continue
        old_fields = response_fields(old_doc, old_schema)
        new_fields = response_fields(new_doc, new_schema)
        for path, signature in sorted(old_fields.items()):
            if path not in new_fields:
                problems.append(f"{label}: response {status} field {path} removed")
            elif new_fields[path] != signature:
                problems.append(
                    f"{label}: response {status} field {path} retyped {signature} -> {new_fields[path]}"
                )
    return problems


def breaking_changes(baseline: Document, current: Document) -> list[str]:
    """One line per change that breaks a client of `baseline`; empty when `current` is compatible."""
    problems: list[str] = []
    current_operations = _operations(current)
    for (method, path), old in sorted(
        _operations(baseline).items(), key=lambda item: (item[0][1], item[0][0])
    ):
        label = f"{method.upper()} {path}"
        new = current_operations.get((method, path))
        if new is None:
            problems.append(f"{label}: operation removed")
            continue
        problems.extend(_request_problems(label, baseline, old, current, new))
        problems.extend(_response_problems(label, baseline, old, current, new))
    return problems
