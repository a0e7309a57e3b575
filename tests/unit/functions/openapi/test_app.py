"""OpenApiFunction: each stage gets its own committed document; Swagger UI only locally or in DEBUG,
from installed static files, never from another origin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from orgair.settings import get_settings
from support.lambda_events import ROOT, FakeLambdaContext, api_event, load_function, proxy_headers


@pytest.fixture
def openapi(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("ORGAIR_LOCAL", raising=False)
    monkeypatch.delenv("AWS_SAM_LOCAL", raising=False)
    monkeypatch.delenv("DEBUG", raising=False)
    return load_function("openapi")


@pytest.fixture
def local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGAIR_LOCAL", "1")


def call(
    module: Any, path: str, stage: str = "v2", resource: str | None = None
) -> tuple[int, dict[str, str], str]:
    parameters = {"asset": path.rsplit("/", 1)[1]} if resource == "/docs/{asset}" else None
    event = api_event("GET", path, stage=stage, resource=resource, path_parameters=parameters)
    result = module.lambda_handler(event, FakeLambdaContext("OpenApiFunction"))
    headers = proxy_headers(result)
    return result["statusCode"], headers, result["body"]


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_openapi_json_serves_the_committed_document_of_the_calling_stage(openapi: Any, stage: str) -> None:
    status, headers, body = call(openapi, "/openapi.json", stage=stage)

    committed = (ROOT / "functions" / "openapi" / f"openapi-{stage}.json").read_text(encoding="utf-8")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert body == committed
    assert json.loads(body)["servers"] == [{"url": f"/{stage}", "description": f"stage {stage}"}]


def test_the_packaged_copies_are_the_documents_committed_under_docs() -> None:
    for stage in ("v1", "v2"):
        packaged = ROOT / "functions" / "openapi" / f"openapi-{stage}.json"
        assert packaged.read_bytes() == (ROOT / "docs" / f"openapi-{stage}.json").read_bytes()


def test_docs_are_hidden_in_a_deployment_without_debug(openapi: Any) -> None:
    status, headers, body = call(openapi, "/docs")

    assert status == 404
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["type"].endswith("/not-found")


def test_docs_page_in_local_runs_loads_everything_from_its_own_stage(openapi: Any, local: None) -> None:
    status, headers, body = call(openapi, "/docs", stage="v1")

    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert 'href="docs/swagger-ui.css"' in body
    assert 'src="docs/swagger-ui-bundle.js"' in body
    assert "http" not in body.replace('lang="en"', "")
    assert "<script>" not in body


def test_debug_turns_docs_on_in_a_deployment(openapi: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "true")
    get_settings.cache_clear()

    status, _, _ = call(openapi, "/docs")

    assert status == 200


def test_initialiser_points_swagger_ui_at_the_stage_document_without_the_public_validator(
    openapi: Any, local: None
) -> None:
    status, headers, body = call(openapi, "/docs/orgair-docs.js", resource="/docs/{asset}")

    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert 'url: "openapi.json"' in body
    assert "validatorUrl: null" in body


@pytest.mark.parametrize(
    ("asset", "content_type"),
    [("swagger-ui-bundle.js", "text/javascript"), ("swagger-ui.css", "text/css")],
)
def test_swagger_ui_assets_come_from_the_installed_package(
    openapi: Any, local: None, asset: str, content_type: str
) -> None:
    status, headers, body = call(openapi, f"/docs/{asset}", resource="/docs/{asset}")

    directory = openapi.swagger_ui_dir()
    assert directory is not None
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert body == (Path(directory) / asset).read_text(encoding="utf-8")


def test_only_known_assets_are_served(openapi: Any, local: None) -> None:
    status, _, _ = call(openapi, "/docs/index.html", resource="/docs/{asset}")

    assert status == 404


def test_docs_without_the_static_files_is_503_naming_the_package(
    openapi: Any, local: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openapi, "swagger_ui_dir", lambda: None)

    status, headers, body = call(openapi, "/docs")

    assert status == 503
    assert "Retry-After" in headers
    assert "swagger-ui-py" in json.loads(body)["detail"]
