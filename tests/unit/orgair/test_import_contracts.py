"""The package shape of orgair: the import-linter contracts in pyproject.toml, proven by `make test`.

The contracts: no cycle between orgair's packages at any depth; `orgair.records` imports nothing of
ours; data access (repositories and the DynamoDB core) imports no feature, logic or HTTP module, and
raises no error of the hierarchy but DependencyUnavailable; the core knows no table. The contract lists are checked here too,
so a new top-level module cannot slip past the records contract unlisted.
"""

from __future__ import annotations

import ast
import pkgutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import orgair
from support.python_runs import run

ROOT = Path(__file__).resolve().parents[3]
ORGAIR = Path(orgair.__file__).parent
DATA_ACCESS_PACKAGES = ("dal", "dynamo")
ERRORS_DATA_ACCESS_MAY_RAISE = frozenset({"DependencyUnavailable"})
"""The store could not answer now (503, fail closed): the one error of the hierarchy below features."""


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {contract["id"]: contract for contract in config["tool"]["importlinter"]["contracts"]}


def test_lint_imports_keeps_every_contract() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = run(str(linter), "--config", "pyproject.toml", "--no-cache", "--no-logo", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_records_contract_forbids_every_other_orgair_module() -> None:
    top_level = {f"orgair.{module.name}" for module in pkgutil.iter_modules([str(ORGAIR)])}
    forbidden = set(_contracts()["records-neutral"]["forbidden_modules"])
    unlisted = sorted(top_level - {"orgair.records"} - forbidden)
    assert unlisted == [], "add to forbidden_modules of records-neutral in pyproject.toml"
    assert forbidden <= top_level, "forbidden_modules names a module that does not exist"


def _imported_names(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == module
        for alias in node.names
    }


def test_data_access_raises_no_error_meant_for_http() -> None:
    offenders = {
        str(path.relative_to(ORGAIR)): sorted(names - ERRORS_DATA_ACCESS_MAY_RAISE)
        for package in DATA_ACCESS_PACKAGES
        for path in sorted((ORGAIR / package).rglob("*.py"))
        if (names := _imported_names(path, "orgair.errors")) - ERRORS_DATA_ACCESS_MAY_RAISE
    }
    assert offenders == {}


def test_records_import_only_the_standard_library_and_pydantic() -> None:
    allowed_roots = set(sys.stdlib_module_names) | {"pydantic", "__future__"}
    found: dict[str, set[str]] = {}
    for path in sorted((ORGAIR / "records").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {"<relative>" if node.level else str(node.module).split(".")[0]}
            else:
                continue
            if roots - allowed_roots:
                found.setdefault(path.name, set()).update(roots - allowed_roots)
    assert found == {}


def test_aws_clients_are_built_only_by_orgair_aws() -> None:
    builders = {"client", "resource"}
    found: list[str] = []
    for root in (ORGAIR, ROOT / "functions"):
        for path in sorted(root.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found.extend(
                str(path.relative_to(ROOT))
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in builders
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "boto3"
            )
    assert sorted(set(found)) == ["layers/shared/orgair/aws.py"]
