"""The OpenAPI document of the calling stage (GET /openapi.json) and Swagger UI (GET /docs).

The documents are generated from the function code by `make openapi` and copied next to this
file, so the deployed function serves exactly what was reviewed and committed. Swagger UI is for
people working on the service: it answers only in local runs (ORGAIR_LOCAL=1, or AWS_SAM_LOCAL
from `sam local`) or with DEBUG on. Its two static files come from the PyPI package `swagger-ui-py`
(Swagger UI 5, which renders OpenAPI 3.1): `make build` copies just those two into the built
function's `swagger-ui/` (devtools/artifacts.py; the function has no requirements, so nothing else
of the package or its dependencies ships), and local runs read them from the installed package.
Nothing is fetched from a CDN, and the page's Content-Security-Policy allows this origin only.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Final

from aws_lambda_powertools.event_handler import Response
from orgair.errors import DependencyUnavailable, NotFound, OrgairError
from orgair.http import STAGE_VERSIONS, create_app, make_handler, param_version
from orgair.settings import get_settings

app = create_app()

HERE: Final = Path(__file__).resolve().parent
DOCUMENT_CACHE_CONTROL: Final = "public, max-age=300"
SWAGGER_UI_PACKAGE: Final = "swagger_ui"
VENDORED_SWAGGER_UI: Final = HERE / "swagger-ui"
DOCS_CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SWAGGER_ASSETS: Final = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
}
INITIALISER: Final = "orgair-docs.js"
_STAGE_OF_VERSION: Final = {version: stage for stage, version in STAGE_VERSIONS.items()}

# Relative URLs: at /v2/docs, "openapi.json" is /v2/openapi.json and "docs/x" is /v2/docs/x, on
# any host, stage or custom-domain base path.
_PAGE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>orgair API - stage {stage}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/{initialiser}"></script>
</body>
</html>
"""

_INITIALISER_SCRIPT: Final = """window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  docExpansion: "list",
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
});
"""


def _stage() -> str:
    return _STAGE_OF_VERSION[param_version(app)]


@lru_cache(maxsize=4)
def stage_document(stage: str) -> str:
    """The committed document of a stage, as text (served byte for byte)."""
    path = HERE / f"openapi-{stage}.json"
    if not path.is_file():
        raise OrgairError(f"The OpenAPI document of stage {stage} is not packaged (run `make openapi`).")
    return path.read_text(encoding="utf-8")


def docs_enabled() -> bool:
    """Swagger UI is a development aid: local runs, or a deployment with DEBUG on (never prod)."""
    local = os.environ.get("ORGAIR_LOCAL") == "1" or os.environ.get("AWS_SAM_LOCAL") == "true"
    return local or get_settings().DEBUG


def _has_assets(directory: Path) -> bool:
    return all((directory / name).is_file() for name in SWAGGER_ASSETS)


def swagger_ui_dir() -> Path | None:
    """Swagger UI's static files: the two `make build` ships beside this file, else the installed
    package's (local runs), located without importing it."""
    if _has_assets(VENDORED_SWAGGER_UI):
        return VENDORED_SWAGGER_UI
    spec = importlib.util.find_spec(SWAGGER_UI_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    return static if _has_assets(static) else None


@lru_cache(maxsize=len(SWAGGER_ASSETS))
def _asset_text(directory: Path, name: str) -> str:
    return (directory / name).read_text(encoding="utf-8")


def _require_docs() -> Path:
    if not docs_enabled():
        raise NotFound("No route matches this path and method.")
    directory = swagger_ui_dir()
    if directory is None:
        raise DependencyUnavailable(
            "Swagger UI's static files are not installed here (pip install swagger-ui-py).",
            retry_after_seconds=60,
        )
    return directory


@app.get(
    "/openapi.json",
    summary="The OpenAPI document of this stage",
    description="OpenAPI 3.1 for this stage's parameter version and response models.",
    responses={
        200: {
            "description": "The OpenAPI document",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def openapi_document() -> Response[str]:
    return Response(
        status_code=200,
        content_type="application/json",
        body=stage_document(_stage()),
        headers={"Cache-Control": DOCUMENT_CACHE_CONTROL},
    )


@app.get("/docs", include_in_schema=False)
def docs_page() -> Response[str]:
    _require_docs()
    return Response(
        status_code=200,
        content_type="text/html; charset=utf-8",
        body=_PAGE.format(stage=_stage(), initialiser=INITIALISER),
        headers={"Content-Security-Policy": DOCS_CSP, "Cache-Control": "no-store"},
    )


@app.get("/docs/<asset>", include_in_schema=False)
def docs_asset(asset: str) -> Response[str]:
    directory = _require_docs()
    if asset == INITIALISER:
        body, content_type = _INITIALISER_SCRIPT, "text/javascript; charset=utf-8"
    elif asset in SWAGGER_ASSETS:
        body, content_type = _asset_text(directory, asset), SWAGGER_ASSETS[asset]
    else:
        raise NotFound("No route matches this path and method.")
    return Response(
        status_code=200,
        content_type=content_type,
        body=body,
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


lambda_handler = make_handler(app)
