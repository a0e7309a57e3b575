"""The OpenAPI generator on small synthetic services: stage variants, security, routing and the
errors that keep one document consistent."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from devtools.openapi import build_documents, render
from devtools.openapi_operations import OpenApiError
from devtools.openapi_versions import select_version
from devtools.template import Template

SCORES_APP = """
from typing import Annotated, Literal

from orgair.http import create_app, requires
from pydantic import BaseModel, Field

from shapes import Shape

app = create_app()


class ScoreV1(BaseModel):
    param_version: Literal["v1.0"]
    composite: float


class ScoreV2(BaseModel):
    param_version: Literal["v2.0"]
    org_air: float
    shape: Shape


StageScore = Annotated[ScoreV1 | ScoreV2, Field(discriminator="param_version")]


class ScoreList(BaseModel):
    items: list[StageScore]


@app.get("/scores/<score_id>")
@requires("scores:read")
def get_score(score_id: str) -> StageScore:
    raise AssertionError("never called")


@app.get("/scores")
@requires("scores:read")
def list_scores() -> ScoreList:
    raise AssertionError("never called")


@app.get("/ping")
def ping() -> dict[str, str]:
    return {"ping": "pong"}


@app.get("/not-in-template")
def hidden() -> dict[str, str]:
    return {}
"""

SCORES_SHAPES = """
from pydantic import BaseModel


class Shape(BaseModel):
    sides: int
"""

REVIEWS_APP = """
from orgair.http import create_app, requires
from pydantic import BaseModel

from shapes import Shape

app = create_app()


class Review(BaseModel):
    status: str
    shape: Shape


@app.get("/reviews")
@requires("reviews:read")
def reviews() -> Review:
    raise AssertionError("never called")
"""

REVIEWS_SHAPES = """
from pydantic import BaseModel


class Shape(BaseModel):
    colour: str
"""


def write_function(root: Path, name: str, files: dict[str, str]) -> Path:
    directory = root / name
    directory.mkdir()
    for filename, source in files.items():
        (directory / filename).write_text(textwrap.dedent(source), encoding="utf-8")
    return directory


def api_event(path: str, public: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = {"RestApiId": {"Ref": "Api"}, "Path": path, "Method": "GET"}
    if public:
        properties["Auth"] = {"Authorizer": "NONE"}
    return {"Type": "Api", "Properties": properties}


def template_for(functions: dict[str, tuple[Path, dict[str, Any]]]) -> Template:
    resources: dict[str, Any] = {
        "Api": {
            "Type": "AWS::Serverless::Api",
            "Properties": {"StageName": "v1", "Variables": {"paramVersion": "v1.0"}},
        },
        "ApiV2Stage": {
            "Type": "AWS::ApiGateway::Stage",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "StageName": "v2",
                "Variables": {"paramVersion": "v2.0"},
            },
        },
    }
    for logical_id, (code_dir, events) in functions.items():
        resources[logical_id] = {
            "Type": "AWS::Serverless::Function",
            "Properties": {"CodeUri": str(code_dir), "Events": events},
        }
    return Template({"Globals": {"Function": {"Handler": "app.lambda_handler"}}, "Resources": resources})


@pytest.fixture
def scores_template(tmp_path: Path) -> Template:
    scores = write_function(tmp_path, "scores", {"app.py": SCORES_APP, "shapes.py": SCORES_SHAPES})
    return template_for(
        {
            "ScoresFunction": (
                scores,
                {
                    "Get": api_event("/scores/{score_id}"),
                    "List": api_event("/scores"),
                    "Ping": api_event("/ping", public=True),
                },
            )
        }
    )


def response_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["paths"][path]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    return schema


def test_each_stage_keeps_only_its_own_variant_of_a_param_version_union(scores_template: Template) -> None:
    documents = build_documents(scores_template)

    v1, v2 = documents["v1"], documents["v2"]
    assert response_schema(v1, "/scores/{score_id}") == {"$ref": "#/components/schemas/ScoreV1"}
    assert response_schema(v2, "/scores/{score_id}") == {"$ref": "#/components/schemas/ScoreV2"}
    assert "ScoreV2" not in v1["components"]["schemas"]
    assert "Shape" not in v1["components"]["schemas"]
    assert {"ScoreV2", "Shape"} <= set(v2["components"]["schemas"])
    assert "ScoreV1" not in v2["components"]["schemas"]
    assert "oneOf" not in json.dumps(v1)
    assert "oneOf" not in json.dumps(v2)


def test_variants_nested_in_lists_are_selected_too(scores_template: Template) -> None:
    documents = build_documents(scores_template)

    items = documents["v1"]["components"]["schemas"]["ScoreList"]["properties"]["items"]["items"]
    assert items == {"$ref": "#/components/schemas/ScoreV1"}


def test_documents_name_the_service_version_and_stage_server(scores_template: Template) -> None:
    from orgair import __version__

    v2 = build_documents(scores_template)["v2"]

    assert v2["info"]["title"] == "orgair API"
    assert v2["info"]["version"] == __version__
    assert v2["servers"] == [{"url": "/v2", "description": "stage v2"}]
    assert v2["openapi"].startswith("3.")


def test_routes_behind_the_authorizer_require_the_bearer_key_and_public_ones_do_not(
    scores_template: Template,
) -> None:
    document = build_documents(scores_template)["v1"]

    secured = document["paths"]["/scores/{score_id}"]["get"]
    public = document["paths"]["/ping"]["get"]
    assert secured["security"] == [{"ApiKeyBearer": ["scores:read"]}]
    assert {"401", "403"} <= set(secured["responses"])
    assert "security" not in public
    assert "401" not in public["responses"]
    scheme = document["components"]["securitySchemes"]["ApiKeyBearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_validation_errors_are_documented_as_problem_json(scores_template: Template) -> None:
    document = build_documents(scores_template)["v1"]

    with_input = document["paths"]["/scores/{score_id}"]["get"]["responses"]["422"]
    assert with_input["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
    }
    assert "422" not in document["paths"]["/ping"]["get"]["responses"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_routes_the_template_does_not_wire_are_left_out(scores_template: Template) -> None:
    document = build_documents(scores_template)["v2"]

    assert set(document["paths"]) == {"/scores/{score_id}", "/scores", "/ping"}


def test_operations_are_tagged_by_function(scores_template: Template) -> None:
    document = build_documents(scores_template)["v2"]

    assert document["paths"]["/scores"]["get"]["tags"] == ["Scores"]


def test_rendering_is_stable_and_sorted(scores_template: Template) -> None:
    first = render(build_documents(scores_template)["v2"])
    second = render(build_documents(scores_template)["v2"])

    assert first == second
    assert first.endswith("}\n")
    assert list(json.loads(first)) == sorted(json.loads(first))


def test_sibling_modules_of_different_functions_do_not_shadow_each_other(tmp_path: Path) -> None:
    """Each function imports its own `shapes.Shape`; had the second reused the first's module, the
    two models would be one and no conflict could be seen. Different models under one component
    name are refused, since component names are global in a document."""
    scores = write_function(tmp_path, "scores", {"app.py": SCORES_APP, "shapes.py": SCORES_SHAPES})
    reviews = write_function(tmp_path, "reviews", {"app.py": REVIEWS_APP, "shapes.py": REVIEWS_SHAPES})
    template = template_for(
        {
            "ReviewsFunction": (reviews, {"List": api_event("/reviews")}),
            "ScoresFunction": (scores, {"Get": api_event("/scores/{score_id}")}),
        }
    )

    with pytest.raises(
        OpenApiError, match=r"schema 'Shape' differs between ReviewsFunction and ScoresFunction"
    ):
        build_documents(template)


def test_a_union_without_a_variant_for_a_stage_is_refused() -> None:
    node = {
        "oneOf": [{"$ref": "#/components/schemas/OnlyV2"}],
        "discriminator": {
            "propertyName": "param_version",
            "mapping": {"v2.0": "#/components/schemas/OnlyV2"},
        },
    }

    with pytest.raises(OpenApiError, match=r"no variant for v1\.0"):
        select_version(node, "v1.0")


def test_a_function_without_a_resolver_is_reported(tmp_path: Path) -> None:
    broken = write_function(tmp_path, "broken", {"app.py": "handler = None\n"})
    template = template_for({"BrokenFunction": (broken, {"Get": api_event("/x")})})

    with pytest.raises(OpenApiError, match=r"BrokenFunction: app\.py must define `app`"):
        build_documents(template)


def test_the_scope_a_route_declares_is_its_security_role_and_is_stated_in_its_description(
    scores_template: Template,
) -> None:
    document = build_documents(scores_template)["v2"]

    operation = document["paths"]["/scores"]["get"]
    assert operation["security"] == [{"ApiKeyBearer": ["scores:read"]}]
    assert "**Required scope:** `scores:read` (or `admin`)." in operation["description"]
    assert "`scores:read`" in operation["responses"]["403"]["description"]


UNSCOPED_APP = """
from orgair.http import create_app

app = create_app()


@app.get("/open")
def open_route() -> dict[str, str]:
    return {}
"""

SCOPED_APP = """
from orgair.http import create_app, requires

app = create_app()


@app.get("/open")
@requires("scores:read")
def open_route() -> dict[str, str]:
    return {}
"""


def test_a_protected_route_that_declares_no_scope_fails_the_build(tmp_path: Path) -> None:
    code = write_function(tmp_path, "unscoped", {"app.py": UNSCOPED_APP})
    template = template_for({"UnscopedFunction": (code, {"Get": api_event("/open")})})

    with pytest.raises(OpenApiError, match=r"GET /open is behind the authorizer but declares no scope"):
        build_documents(template)


def test_a_public_route_that_declares_a_scope_fails_the_build(tmp_path: Path) -> None:
    code = write_function(tmp_path, "scoped", {"app.py": SCOPED_APP})
    template = template_for({"ScopedFunction": (code, {"Get": api_event("/open", public=True)})})

    with pytest.raises(OpenApiError, match=r"GET /open is public in template.yaml but declares"):
        build_documents(template)


DOCS = Path(__file__).resolve().parents[3] / "docs"


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_every_503_of_the_committed_documents_declares_retry_after(stage: str) -> None:
    document = json.loads((DOCS / f"openapi-{stage}.json").read_text())
    missing = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "503" in operation.get("responses", {})
        and "Retry-After" not in operation["responses"]["503"].get("headers", {})
    ]
    assert missing == []


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_every_instant_of_the_committed_documents_is_a_date_time(stage: str) -> None:
    schemas = json.loads((DOCS / f"openapi-{stage}.json").read_text())["components"]["schemas"]
    instants = {
        f"{name}.{field}": spec
        for name, schema in schemas.items()
        for field, spec in (schema.get("properties") or {}).items()
        if field.endswith("_at") or field == "timestamp"
    }
    assert instants
    not_dated = [
        name
        for name, spec in instants.items()
        if "date-time" not in json.dumps(spec)  # a plain field or a nullable anyOf of one
    ]
    assert not_dated == []


def test_a_property_one_version_alone_reads_is_left_out_of_the_other_versions_document() -> None:
    schema = {
        "properties": {"shared": {"type": "string"}, "newer": {"type": "number", "x-param-version": "v2.0"}},
        "required": ["shared", "newer"],
    }
    assert select_version(schema, "v1.0") == {
        "properties": {"shared": {"type": "string"}},
        "required": ["shared"],
    }
    with_example = {**schema, "examples": [{"shared": "s", "newer": 1}]}
    assert select_version(with_example, "v1.0")["examples"] == [{"shared": "s"}]
    assert select_version(with_example, "v2.0")["examples"] == [{"shared": "s", "newer": 1}]
    assert select_version(schema, "v2.0") == {
        "properties": {"shared": {"type": "string"}, "newer": {"type": "number"}},
        "required": ["shared", "newer"],
    }


def test_the_v1_document_offers_no_input_only_v2_reads() -> None:
    from orgair.scoring.models import V2_ONLY_INPUTS
    from orgair.scoring.parameters import V2_ONLY_PARAMETERS

    v1, v2 = (json.loads((DOCS / f"openapi-{stage}.json").read_text()) for stage in ("v1", "v2"))
    for name in ("CompanyScoreInput", "SimulateRequest"):
        assert not set(V2_ONLY_INPUTS) & set(v1["components"]["schemas"][name]["properties"])
        assert set(V2_ONLY_INPUTS) <= set(v2["components"]["schemas"][name]["properties"])
    assert not set(V2_ONLY_PARAMETERS) & set(v1["components"]["schemas"]["ParameterOverrides"]["properties"])
    assert "x-param-version" not in json.dumps(v1) + json.dumps(v2)
