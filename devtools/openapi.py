"""Builds the OpenAPI 3 document of each API stage from the real function code (`make openapi`).

Every `AWS::Serverless::Function` of template.yaml with `Api` events is loaded from its `app.py`
by path and its Powertools resolver (`module.app`) describes its own routes; the operations the
template wires to that function are merged into one document per stage (title "orgair API",
version `orgair.__version__`, server `/{stage}`). Routes the template marks `Auth: {Authorizer:
NONE}` are public; every other operation carries the bearer API-key security requirement whose
role is the scope the route declares with `orgair.http.requires` (the attribute the HTTP layer
enforces, so the document cannot disagree with it; a protected route without one fails the build),
the same scope in its description (Swagger UI shows it), and the gateway's 401/403 problems.
Operations are linked (LINKS: create score -> read score -> history) for readers and stateful tests. Every operation documents the errors it can answer, all problem+json
(400/413/415 with a body, 404 with a path id, 429, 500, 503; a route's own, e.g. 409, too). A route registered in code but not wired in the template is left out:
API Gateway would never reach it. Validation errors are documented as problem+json, as served.

Shaped for client generators (`make clients`, devtools/clients.py): every operation has a stable
camelCase operationId (OPERATION_IDS: `createScore`, `simulateScore`, ...), the Idempotency-Key header
is a declared parameter where a handler reads it, and a number enum (the confidence level) is a
`oneOf` of `const`s, which openapi-python-client and openapi-typescript both represent.

Stage-specific models (the convention every route follows)
----------------------------------------------------------
The stage decides the parameter version (v1 -> v1.0, v2 -> v2.0). When a response model differs
by stage, the route's return annotation is a union of one model per version, discriminated by
`param_version`, each variant fixing it with a `Literal`::

    class ScoreV1(BaseModel):
        param_version: Literal["v1.0"]
        ...

    class ScoreV2(BaseModel):
        param_version: Literal["v2.0"]
        ...

    StageScore = Annotated[ScoreV1 | ScoreV2, Field(discriminator="param_version")]

    @app.get("/scores/<score_id>")
    def get_score(score_id: str) -> StageScore: ...

Pydantic renders that as `oneOf` + `discriminator: {propertyName: param_version, mapping}`; each
stage's document replaces it by the one variant of its own version (and drops the schemas only
the other stage uses), so a v1 caller sees only the v1 model. The same works at any depth (a list
of such items, a field of a bigger model). A model shared by both stages needs nothing special.

Outputs: `docs/openapi-<stage>.json` (committed, reviewed in diffs) and the same bytes in
`functions/openapi/openapi-<stage>.json`, which OpenApiFunction serves. `--check` fails when either
is stale; `--update-baseline` refreshes `docs/openapi-v1.baseline.json` only if v1 stays compatible.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import importlib.util
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from orgair import __version__
from orgair.auth.principal import ADMIN_SCOPE, granting
from orgair.http import REQUIRED_SCOPE_ATTRIBUTE
from orgair.idempotency import IDEMPOTENCY_HEADER, KEY_PATTERN
from orgair.scoring.models import ONLY_IN_VERSION

from devtools.openapi_compat import breaking_changes
from devtools.template import ROOT, FunctionSpec, Template, load_template

TITLE = "orgair API"
DISCRIMINATOR = "param_version"
SECURITY_SCHEME = "ApiKeyBearer"
PROBLEM_SCHEMA = "ProblemDetails"
PROBLEM_FIELD_SCHEMA = "ProblemFieldError"
PROBLEM_CONTENT_TYPE = "application/problem+json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
DOCS_DIR = ROOT / "docs"
FUNCTION_DIR = ROOT / "functions" / "openapi"
BASELINE_STAGE = "v1"
BASELINE_PATH = DOCS_DIR / "openapi-v1.baseline.json"

Document = dict[str, Any]

# One stable operationId per routed operation, the method names generated clients expose
# (`make clients`). A routed operation missing here gets one derived from its method and path
# (`_derived_operation_id`); an id used twice fails the build.
OPERATION_IDS: dict[tuple[str, str], str] = {
    ("post", "/assessments"): "createAssessment",
    ("get", "/companies/{company_id}/scores"): "listCompanyScores",
    ("post", "/costs"): "recordUsage",
    ("get", "/costs/alerts"): "listCostAlerts",
    ("get", "/costs/budgets/global"): "getGlobalBudget",
    ("get", "/costs/budgets/tenants"): "listTenantBudgets",
    ("get", "/costs/budgets/tenants/{tenant_id}"): "getTenantBudget",
    ("get", "/costs/entries"): "listCostEntries",
    ("get", "/costs/reconciliations"): "listCostReconciliations",
    ("get", "/costs/summary"): "getCostSummary",
    ("post", "/evidence"): "createEvidenceUpload",
    ("get", "/health"): "getHealth",
    ("get", "/jobs"): "listAssessmentJobs",
    ("get", "/jobs/{job_id}"): "getAssessmentJob",
    ("post", "/jobs/{job_id}/cancel"): "cancelAssessmentJob",
    ("get", "/health/detailed"): "getDetailedHealth",
    ("get", "/health/liveness"): "getLiveness",
    ("get", "/health/readiness"): "getReadiness",
    ("post", "/individuals/scores"): "scoreIndividual",
    ("get", "/openapi.json"): "getOpenApiDocument",
    ("post", "/portfolios/assessments"): "createPortfolioAssessment",
    ("post", "/portfolios/scores"): "createPortfolioScores",
    ("get", "/reviews"): "listReviews",
    ("post", "/reviews/{review_id}/decision"): "decideReview",
    ("post", "/scores"): "createScore",
    ("post", "/scores/simulate"): "simulateScore",
    ("get", "/scores/{score_id}"): "getScore",
}

# OpenAPI links: from an operation's success response to the operations that read what it made, so a
# reader (and Schemathesis' stateful phase) can follow create score -> read score -> history. A link
# to an operation the document does not have is left out.
LINKS: dict[tuple[str, str], dict[str, dict[str, dict[str, Any]]]] = {
    ("post", "/scores"): {
        "201": {
            "GetScore": {
                "operationId": "getScore",
                "parameters": {"score_id": "$response.body#/score_id"},
                "description": "The score just stored (on this stage; the other stage answers 404).",
            },
            "ListCompanyScores": {
                "operationId": "listCompanyScores",
                "parameters": {"company_id": "$response.body#/company_id"},
                "description": "The company's history, the new score first.",
            },
        }
    },
    ("post", "/assessments"): {
        "201": {
            "GetScore": {
                "operationId": "getScore",
                "parameters": {"score_id": "$response.body#/score_id"},
                "description": "The score the assessment stored.",
            }
        }
    },
    ("get", "/scores/{score_id}"): {
        "200": {
            "ListCompanyScores": {
                "operationId": "listCompanyScores",
                "parameters": {"company_id": "$response.body#/company_id"},
                "description": "The scored company's history.",
            }
        }
    },
}

# The operations that read an Idempotency-Key header (orgair.idempotency.check_key in their handler),
# and whether they refuse a request without one. Documented so generated clients can send it.
IDEMPOTENCY_KEY_REQUIRED: dict[tuple[str, str], bool] = {
    ("post", "/assessments"): False,
    ("post", "/costs"): True,
    ("post", "/scores"): False,
}


def _idempotency_parameter(required: bool) -> dict[str, Any]:
    return {
        "in": "header",
        "name": IDEMPOTENCY_HEADER,
        "required": required,
        "description": "Retries with the same key return the first answer (Idempotent-Replayed: true).",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN.pattern},
    }


class OpenApiError(ValueError):
    """The code and the template cannot be described as one consistent document."""


def _problem_schemas() -> dict[str, Any]:
    """RFC 9457 bodies as orgair.errors renders them (extensions allowed)."""
    return {
        PROBLEM_FIELD_SCHEMA: {
            "type": "object",
            "title": PROBLEM_FIELD_SCHEMA,
            "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
        },
        PROBLEM_SCHEMA: {
            "type": "object",
            "title": PROBLEM_SCHEMA,
            "description": "An RFC 9457 problem; `type` is a stable URI per kind of problem.",
            "required": ["type", "title", "status", "detail", "instance", "correlation_id"],
            "properties": {
                "type": {"type": "string", "format": "uri"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
                "correlation_id": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {"$ref": f"#/components/schemas/{PROBLEM_FIELD_SCHEMA}"},
                },
            },
            "additionalProperties": True,
        },
    }


def _problem_response(description: str, *, retry_after: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"}}},
    }
    if retry_after:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}
        }
    return response


def _problem_content(response: dict[str, Any]) -> dict[str, Any]:
    """An error response a route declares (e.g. 409) is a problem+json body, whatever the route returns."""
    described = _problem_response(str(response.get("description") or "A problem."))
    return {**response, "content": described["content"]}


@contextlib.contextmanager
def _importable_from(directory: Path) -> Iterator[None]:
    """Lets an app.py import its sibling modules, then forgets them so the next function's
    siblings of the same name are not confused with these."""
    before = set(sys.modules)
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        sys.path.remove(str(directory))
        for name in set(sys.modules) - before:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            sibling = bool(module_file) and Path(module_file).resolve().is_relative_to(directory.resolve())
            if sibling and not name.startswith("orgair_openapi_"):
                del sys.modules[name]


def load_function_module(spec: FunctionSpec) -> ModuleType:
    """Import a function's handler module by path under a unique name (every handler is app.py)."""
    module_file = spec.code_uri / f"{spec.handler.rsplit('.', 1)[0]}.py"
    name = f"orgair_openapi_{spec.logical_id}"
    import_spec = importlib.util.spec_from_file_location(name, module_file)
    if import_spec is None or import_spec.loader is None:
        raise OpenApiError(f"{spec.logical_id}: cannot import {module_file}")
    module = importlib.util.module_from_spec(import_spec)
    sys.modules[name] = module
    with _importable_from(spec.code_uri):
        import_spec.loader.exec_module(module)
    return module


def resolver_of(spec: FunctionSpec) -> APIGatewayRestResolver:
    app = getattr(load_function_module(spec), "app", None)
    if not isinstance(app, APIGatewayRestResolver):
        raise OpenApiError(f"{spec.logical_id}: app.py must define `app`, the resolver of its routes")
    return app


def _operations(app: APIGatewayRestResolver) -> tuple[dict[str, Any], dict[str, Any]]:
    """The resolver's own paths and component schemas, as plain JSON."""
    generated = json.loads(app.get_openapi_json_schema(title=TITLE, version=__version__))
    return generated.get("paths", {}), generated.get("components", {}).get("schemas", {})


def _merge_schemas(into: dict[str, Any], schemas: dict[str, Any], owner: str, owners: dict[str, str]) -> None:
    for name, schema in schemas.items():
        if name in into and into[name] != schema:
            raise OpenApiError(
                f"schema {name!r} differs between {owners[name]} and {owner}; give one of the models "
                "another name (component names are global in the document)"
            )
        into[name] = schema
        owners.setdefault(name, owner)


def declared_scopes(app: APIGatewayRestResolver) -> dict[tuple[str, str], str | None]:
    """(method, OpenAPI path) -> the scope each route declares with `orgair.http.requires`, the very
    attribute the HTTP layer enforces (None: the route declares none)."""
    scopes: dict[tuple[str, str], str | None] = {}
    for route in [*app._static_routes, *app._dynamic_routes]:
        scope = getattr(route.func, REQUIRED_SCOPE_ATTRIBUTE, None)
        scopes[(route.method.lower(), route.openapi_path)] = scope if isinstance(scope, str) else None
    return scopes


def scope_sentence(scope: str) -> str:
    """How the description states the scope (Swagger UI renders it; `security` carries it for tools)."""
    return f"**Required scope:** `{scope}` ({alternatives(scope)})."


def alternatives(scope: str) -> str:
    """`or `admin``, or `or `assessments:write`, or `admin`` for a scope another one implies."""
    return "or " + ", or ".join(f"`{other}`" for other in granting(scope)[1:])


def _secure(operation: dict[str, Any], label: str, public: bool, scope: str | None) -> None:
    """The bearer requirement with the route's scope as its role (OpenAPI 3.1 allows role names on
    non-OAuth schemes), the same scope stated in the description, and the 401/403 it implies."""
    if public:
        if scope is not None:
            raise OpenApiError(f"{label} is public in template.yaml but declares the scope {scope!r}")
        operation.pop("security", None)
        return
    if scope is None:
        raise OpenApiError(f"{label} is behind the authorizer but declares no scope (orgair.http.requires)")
    operation["security"] = [{SECURITY_SCHEME: [scope]}]
    operation["description"] = (
        f"{operation.get('description', '').rstrip()}\n\n{scope_sentence(scope)}".lstrip()
    )
    responses = operation.setdefault("responses", {})
    responses.setdefault("401", _problem_response("No, unknown or revoked API key."))
    responses.setdefault(
        "403",
        _problem_response(
            f"The API key lacks the `{scope}` scope (and is not `{ADMIN_SCOPE}`)."
            if granting(scope) == (scope, ADMIN_SCOPE)
            else f"The API key has none of {', '.join(f'`{other}`' for other in granting(scope))}."
        ),
    )


def _decorate(operation: dict[str, Any], public: bool, tag: str) -> None:
    """Tags and the problem+json error responses the API really sends."""
    responses = operation.setdefault("responses", {})
    if "422" in responses:
        if operation.get("requestBody") or operation.get("parameters"):
            responses["422"] = _problem_response("The request does not match the schema.")
        else:
            del responses["422"]
    # The errors any operation can answer (orgair.http and the gateway responses of template.yaml).
    if operation.get("requestBody"):
        responses.setdefault("400", _problem_response("The body is not UTF-8 JSON, or nests too deep."))
        responses.setdefault("413", _problem_response("The body is larger than allowed."))
        responses.setdefault("415", _problem_response("The body is not application/json."))
    if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
        responses.setdefault(
            "404", _problem_response("Not found (another tenant's resource is not found either).")
        )
    responses.setdefault("429", _problem_response("Too many requests or over budget.", retry_after=True))
    responses.setdefault("500", _problem_response("An unexpected error (details only with DEBUG on)."))
    responses.setdefault(
        "503",
        _problem_response("A dependency (data store, key store, LLM) is unavailable.", retry_after=True),
    )
    for status, response in responses.items():
        if (
            status.isdigit()
            and int(status) >= 400
            and PROBLEM_CONTENT_TYPE not in response.get("content", {})
        ):
            responses[status] = _problem_content(response)
    if not operation.get("tags"):
        operation["tags"] = [tag]


def _link(paths: dict[str, dict[str, Any]]) -> None:
    """Add LINKS whose source and target operations are both in the document."""
    present = {operation.get("operationId") for item in paths.values() for operation in item.values()}
    for (method, path), by_status in LINKS.items():
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        for status, links in by_status.items():
            response = operation.get("responses", {}).get(status)
            kept = {name: link for name, link in links.items() if link["operationId"] in present}
            if response is not None and kept:
                response["links"] = kept


def allowed_values(node: Any) -> Any:
    """A number enum (`{"type": "number", "enum": [0.9, 0.95, 0.99]}`) as a `oneOf` of `const`s.

    Same accepted values, but a shape client generators represent (openapi-python-client refuses
    number enums and drops the whole model; a `const` becomes a `Literal`, openapi-typescript's too).
    """
    if isinstance(node, list):
        return [allowed_values(item) for item in node]
    if not isinstance(node, dict):
        return node
    values = node.get("enum")
    if node.get("type") == "number" and isinstance(values, list):
        rest = {key: value for key, value in node.items() if key not in {"type", "enum"}}
        return {**rest, "oneOf": [{"const": value, "type": "number"} for value in values]}
    return {key: allowed_values(value) for key, value in node.items()}


def _derived_operation_id(method: str, path: str) -> str:
    """For a route not (yet) in OPERATION_IDS: method and path words in camelCase (`getScoresScoreId`)."""
    words = [word for word in re.split(r"[^A-Za-z0-9]+", path) if word]
    return method.lower() + "".join(word[:1].upper() + word[1:] for word in words)


def _name_operation(operation: dict[str, Any], method: str, path: str, used: dict[str, str]) -> None:
    operation_id = OPERATION_IDS.get((method, path)) or _derived_operation_id(method, path)
    if operation_id in used:
        raise OpenApiError(
            f"operationId {operation_id!r} names both {used[operation_id]} and {method.upper()} {path}"
        )
    used[operation_id] = f"{method.upper()} {path}"
    operation["operationId"] = operation_id


def merged_api(template: Template) -> Document:
    """Every routed operation of every API function in one stage-neutral document."""
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    owners: dict[str, str] = {}
    operation_ids: dict[str, str] = {}
    for spec in sorted(template.functions(), key=lambda item: item.logical_id):
        if not spec.routes:
            continue
        resolver = resolver_of(spec)
        generated_paths, generated_schemas = _operations(resolver)
        scopes = declared_scopes(resolver)
        tag = spec.logical_id.removesuffix("Function")
        for route in spec.routes:
            operation = generated_paths.get(route.path, {}).get(route.method.lower())
            if operation is None:
                continue
            if route.method.lower() in paths.get(route.path, {}):
                raise OpenApiError(f"{route.method} {route.path} is routed to two functions")
            operation = copy.deepcopy(operation)
            label = f"{route.method.upper()} {route.path}"
            _secure(operation, label, route.public, scopes.get((route.method.lower(), route.path)))
            _decorate(operation, route.public, tag)
            _name_operation(operation, route.method.lower(), route.path, operation_ids)
            idempotency = IDEMPOTENCY_KEY_REQUIRED.get((route.method.lower(), route.path))
            if idempotency is not None:
                operation.setdefault("parameters", []).append(_idempotency_parameter(idempotency))
            paths.setdefault(route.path, {})[route.method.lower()] = operation
        _merge_schemas(schemas, allowed_values(generated_schemas), spec.logical_id, owners)
    _merge_schemas(schemas, _problem_schemas(), "devtools.openapi", owners)
    _link(paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": __version__},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "API key",
                    "description": "An orgair API key: `Authorization: Bearer <key>`. Each operation "
                    "names the scope it needs as this requirement's role (`admin` has every scope); "
                    "`orgair keys create --scopes ...` gives a key its scopes.",
                }
            },
        },
    }


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


def stage_versions(template: Template) -> dict[str, str]:
    """Stage name -> parameter version, from the stages' `paramVersion` variables."""
    versions = {
        stage.name: stage.variables["paramVersion"]
        for stage in template.stages()
        if "paramVersion" in stage.variables
    }
    if not versions:
        raise OpenApiError("template.yaml declares no stage with a paramVersion variable")
    return dict(sorted(versions.items()))


def build_documents(template: Template | None = None) -> dict[str, Document]:
    """Stage name -> its OpenAPI document."""
    template = template or Template(load_template())
    merged = merged_api(template)
    documents: dict[str, Document] = {}
    for stage, version in stage_versions(template).items():
        document = select_version(copy.deepcopy(merged), version)
        document["info"]["description"] = (
            f"Stage {stage}: parameter version {version} and its response models."
        )
        document["servers"] = [{"url": f"/{stage}", "description": f"stage {stage}"}]
        documents[stage] = prune_schemas(document)
    return documents


def render(document: Document) -> str:
    """Stable text: sorted keys, two-space indent, trailing newline (clean diffs)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def output_paths(stage: str) -> tuple[Path, Path]:
    """The committed copy under docs/ and the copy OpenApiFunction ships and serves."""
    return DOCS_DIR / f"openapi-{stage}.json", FUNCTION_DIR / f"openapi-{stage}.json"


def stale_files(documents: dict[str, Document]) -> list[Path]:
    stale: list[Path] = []
    for stage, document in documents.items():
        text = render(document)
        for path in output_paths(stage):
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
    return stale


def write_documents(documents: dict[str, Document]) -> list[Path]:
    written: list[Path] = []
    for stage, document in documents.items():
        text = render(document)
        for path in output_paths(stage):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def update_baseline(documents: dict[str, Document]) -> list[str]:
    """Refresh the v1 compatibility baseline; refused (problems returned) if v1 would break."""
    current = documents[BASELINE_STAGE]
    if BASELINE_PATH.is_file():
        problems = breaking_changes(json.loads(BASELINE_PATH.read_text(encoding="utf-8")), current)
        if problems:
            return problems
    BASELINE_PATH.write_text(render(current), encoding="utf-8")
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.openapi", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail if a committed document is stale")
    mode.add_argument(
        "--update-baseline",
        action="store_true",
        help=f"also refresh {BASELINE_PATH.relative_to(ROOT)} (refused if v1 would break)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    documents = build_documents()
    if args.check:
        stale = stale_files(documents)
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run `make openapi`)", file=sys.stderr)
        return 1 if stale else 0
    for path in write_documents(documents):
        print(f"wrote {path.relative_to(ROOT)}")
    if args.update_baseline:
        problems = update_baseline(documents)
        for problem in problems:
            print(f"breaking: {problem}", file=sys.stderr)
        if problems:
            return 1
        print(f"wrote {BASELINE_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
