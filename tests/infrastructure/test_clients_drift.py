"""The stage documents are valid OpenAPI that standard generators take without loss, and the clients
committed under clients/ are exactly what `make clients` generates from them (devtools/clients.py)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from devtools.clients import (
    CLIENTS_DIR,
    STAGES,
    differences,
    python_package,
    python_project,
    stale_clients,
)
from devtools.openapi import DOCS_DIR


def _document(stage: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((DOCS_DIR / f"openapi-{stage}.json").read_text(encoding="utf-8"))
    return loaded


def _operations(stage: str) -> Iterator[tuple[str, str, dict[str, object]]]:
    paths = _document(stage)["paths"]
    assert isinstance(paths, dict)
    for path, item in paths.items():
        for method, operation in item.items():
            yield method, path, operation


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    scratch = tmp_path_factory.mktemp("clients")
    return scratch, stale_clients(scratch)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_document_is_valid_openapi_3_1(stage: str) -> None:
    spec, _ = read_from_filename(str(DOCS_DIR / f"openapi-{stage}.json"))

    validate(spec)


@pytest.mark.parametrize("stage", STAGES)
def test_operation_ids_are_camel_case_and_unique_within_the_stage(stage: str) -> None:
    ids = [str(operation.get("operationId")) for _, _, operation in _operations(stage)]

    assert len(ids) == len(set(ids)), sorted(ids)
    assert all(name[0].islower() and name.isalnum() for name in ids), sorted(ids)
    assert {"createScore", "simulateScore", "getScore", "listCompanyScores"} <= set(ids)


def test_committed_clients_match_what_the_documents_generate(fresh: tuple[Path, list[str]]) -> None:
    _, stale = fresh

    assert not stale, "committed clients are stale, run `make clients`:\n" + "\n".join(stale[:40])


def test_a_hand_edit_of_a_committed_client_is_reported_as_drift(
    fresh: tuple[Path, list[str]], tmp_path: Path
) -> None:
    scratch, _ = fresh
    edited = tmp_path / python_project("v2")
    shutil.copytree(scratch / "python" / python_project("v2"), edited)
    (edited / python_package("v2") / "client.py").write_text("# edited\n", encoding="utf-8")

    assert differences(edited, scratch / "python" / python_project("v2")) == [
        f"{python_package('v2')}/client.py"
    ]


@pytest.mark.parametrize("stage", STAGES)
def test_the_python_client_has_a_method_for_every_operation_and_a_model_for_every_schema(
    stage: str, fresh: tuple[Path, list[str]]
) -> None:
    scratch, _ = fresh
    package = scratch / "python" / python_project(stage) / python_package(stage)
    methods = {path.stem for path in (package / "api").rglob("*.py") if path.stem != "__init__"}
    models = {path.stem for path in (package / "models").glob("*.py") if path.stem != "__init__"}
    operation_ids = {str(operation["operationId"]) for _, _, operation in _operations(stage)}
    schemas = _document(stage)["components"]
    assert isinstance(schemas, dict)

    def snake(name: str) -> str:
        return "".join(f"_{char.lower()}" if char.isupper() else char for char in name).lstrip("_")

    assert {snake(name) for name in operation_ids} <= methods
    assert len(methods) == len(operation_ids)
    assert {snake(name) for name in schemas["schemas"]} <= models, sorted(
        {snake(name) for name in schemas["schemas"]} - models
    )
    assert (CLIENTS_DIR / "python" / python_project(stage) / "setup.py").is_file()
