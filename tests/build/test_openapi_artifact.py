"""The built OpenApiFunction ships its handler, the two stage documents and the two Swagger UI files
it serves, nothing else (no swagger-ui-py, jinja2, PyYAML, packaging or their tests)."""

from __future__ import annotations

from pathlib import Path

SHIPPED = {
    "app.py",
    "__pycache__/app.cpython-313.pyc",
    "openapi-v1.json",
    "openapi-v2.json",
    "swagger-ui/swagger-ui.css",
    "swagger-ui/swagger-ui-bundle.js",
}
OWN_CODE_LIMIT_BYTES = 100 * 1024


def test_openapi_function_ships_only_what_it_serves(build_dir: Path) -> None:
    function = build_dir / "OpenApiFunction"
    files = {path.relative_to(function).as_posix() for path in function.rglob("*") if path.is_file()}

    assert files == SHIPPED


def test_openapi_function_own_code_is_under_100_kb(build_dir: Path) -> None:
    function = build_dir / "OpenApiFunction"
    code = sum(path.stat().st_size for path in function.rglob("*") if path.suffix in {".py", ".pyc"})

    assert code <= OWN_CODE_LIMIT_BYTES


def test_the_vendored_swagger_ui_files_are_the_pinned_package_s(build_dir: Path) -> None:
    import importlib.util

    spec = importlib.util.find_spec("swagger_ui")
    assert spec is not None
    assert spec.submodule_search_locations
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    for name in ("swagger-ui.css", "swagger-ui-bundle.js"):
        shipped = build_dir / "OpenApiFunction" / "swagger-ui" / name
        assert shipped.read_bytes() == (static / name).read_bytes()
