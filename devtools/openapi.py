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
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from orgair import __version__
from orgair.http import REQUIRED_SCOPE_ATTRIBUTE

from devtools.openapi_compat import breaking_changes
from devtools.openapi_operations import (
    IDEMPOTENCY_KEY_REQUIRED,
    SECURITY_SCHEME,
    Document,
    OpenApiError,
    allowed_values,
    decorate,
    idempotency_parameter,
    link,
    name_operation,
    problem_schemas,
    secure,
)
from devtools.openapi_versions import prune_schemas, select_version
from devtools.template import ROOT, Template, load_template
from devtools.template_specs import FunctionSpec

TITLE = "orgair API"
DOCS_DIR = ROOT / "docs"
FUNCTION_DIR = ROOT / "functions" / "openapi"
BASELINE_STAGE = "v1"
BASELINE_PATH = DOCS_DIR / "openapi-v1.baseline.json"


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
            secure(operation, label, route.public, scopes.get((route.method.lower(), route.path)))
            decorate(operation, route.public, tag)
            name_operation(operation, route.method.lower(), route.path, operation_ids)
            idempotency = IDEMPOTENCY_KEY_REQUIRED.get((route.method.lower(), route.path))
            if idempotency is not None:
                operation.setdefault("parameters", []).append(idempotency_parameter(idempotency))
            paths.setdefault(route.path, {})[route.method.lower()] = operation
        _merge_schemas(schemas, allowed_values(generated_schemas), spec.logical_id, owners)
    _merge_schemas(schemas, problem_schemas(), "devtools.openapi", owners)
    link(paths)
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
