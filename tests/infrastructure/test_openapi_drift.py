"""The committed OpenAPI documents (docs/ and the copies OpenApiFunction serves) are exactly what
the code and template.yaml generate now: a route or model change without `make openapi` fails."""

from __future__ import annotations

import difflib
import json

import pytest

from devtools.openapi import build_documents, output_paths, render
from devtools.template import ROOT, Template, load_template


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return {stage: render(document) for stage, document in build_documents().items()}


def test_there_is_one_document_per_stage_of_the_template(generated: dict[str, str]) -> None:
    stages = {stage.name for stage in Template(load_template()).stages()}

    assert set(generated) == stages == {"v1", "v2"}


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_committed_documents_match_what_the_code_generates(generated: dict[str, str], stage: str) -> None:
    for path in output_paths(stage):
        committed = path.read_text(encoding="utf-8") if path.is_file() else ""
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                generated[stage].splitlines(keepends=True),
                fromfile=f"{path.relative_to(ROOT)} (committed)",
                tofile="generated",
                n=2,
            )
        )
        assert not diff, f"{path.relative_to(ROOT)} is stale: run `make openapi`\n{diff[:4000]}"


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_every_api_route_of_the_template_is_documented_or_deliberately_hidden(
    generated: dict[str, str], stage: str
) -> None:
    documented = {
        (method.upper(), path)
        for path, item in json.loads(generated[stage])["paths"].items()
        for method in item
    }
    hidden = {("GET", "/docs"), ("GET", "/docs/{asset}")}
    routed = {
        (route.method, route.path) for spec in Template(load_template()).functions() for route in spec.routes
    }

    assert routed - hidden <= documented, (
        f"routes with no operation in code: {sorted(routed - hidden - documented)}"
    )
