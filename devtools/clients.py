"""Generates the typed API clients of each stage from its OpenAPI document (`make clients`).

For every stage document `docs/openapi-<stage>.json`:

- `clients/python/orgair-client-<stage>/`: a pip-installable Python package `orgair_client_<stage>`
  made by openapi-python-client (the exact version pyproject pins), one method module per
  operationId (`api/scores/create_score.py`, ...), attrs models for every schema;
- `clients/typescript/orgair-api-<stage>.ts`: the `paths`, `components` and `operations` types made by
  openapi-typescript (the exact version clients/typescript/package-lock.json pins; `make
  clients-tools` installs it with `npm ci`).

The output depends only on the documents and those pinned versions (no formatter runs afterwards),
so `tests/infrastructure/test_clients_drift.py` regenerates into a temporary directory and fails when
the committed clients differ. `--check` does the same from the command line.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from devtools.openapi import DOCS_DIR
from devtools.template import ROOT

CLIENTS_DIR = ROOT / "clients"
TYPESCRIPT_DIR = CLIENTS_DIR / "typescript"
STAGES = ("v1", "v2")
OPENAPI_PYTHON_CLIENT = Path(sys.executable).parent / "openapi-python-client"
OPENAPI_TYPESCRIPT = TYPESCRIPT_DIR / "node_modules" / ".bin" / "openapi-typescript"


class ClientsError(RuntimeError):
    """A generator is missing or refused a document."""


def python_package(stage: str) -> str:
    return f"orgair_client_{stage}"


def python_project(stage: str) -> str:
    return f"orgair-client-{stage}"


def typescript_file(stage: str) -> str:
    return f"orgair-api-{stage}.ts"


def _run(command: list[str]) -> str:
    try:
        completed = subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT)
    except FileNotFoundError as error:
        raise ClientsError(f"{command[0]} is not installed (run `make venv clients-tools`)") from error
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise ClientsError(f"{' '.join(command)} failed:\n{output}")
    return output


def generate_python(stage: str, into: Path) -> Path:
    """The stage's Python client project under `into`; refuses when the generator skipped anything."""
    target = into / python_project(stage)
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "project_name_override": python_project(stage),
                    "package_name_override": python_package(stage),
                    "post_hooks": [],
                }
            ),
            encoding="utf-8",
        )
        output = _run(
            [
                str(OPENAPI_PYTHON_CLIENT),
                "generate",
                "--path",
                str(DOCS_DIR / f"openapi-{stage}.json"),
                "--config",
                str(config),
                "--meta",
                "setup",
                "--output-path",
                str(target),
                "--overwrite",
            ]
        )
    # The generator still writes a client when it skips a schema or an operation; a warning is loss.
    if "Warning" in output or "Unable to" in output or "Skipping" in output:
        raise ClientsError(f"openapi-python-client dropped part of the {stage} document:\n{output}")
    return target


def generate_typescript(stage: str, into: Path) -> Path:
    target = into / typescript_file(stage)
    _run([str(OPENAPI_TYPESCRIPT), str(DOCS_DIR / f"openapi-{stage}.json"), "--output", str(target)])
    return target


def generate(into: Path) -> list[Path]:
    """Every stage's clients under `into` (`into/python/...`, `into/typescript/...`)."""
    written: list[Path] = []
    for stage in STAGES:
        (into / "python").mkdir(parents=True, exist_ok=True)
        (into / "typescript").mkdir(parents=True, exist_ok=True)
        written.append(generate_python(stage, into / "python"))
        written.append(generate_typescript(stage, into / "typescript"))
    return written


def differences(left: Path, right: Path) -> list[str]:
    """Relative paths that differ between two trees (missing on one side, or different bytes)."""
    found: list[str] = []

    def walk(comparison: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(f"{prefix}{name}" for name in comparison.left_only + comparison.right_only)
        found.extend(f"{prefix}{name}" for name in comparison.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(
            comparison.left, comparison.right, comparison.common_files, shallow=False
        )
        found.extend(f"{prefix}{name}" for name in mismatch + errors)
        for name, sub in sorted(comparison.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    if not left.exists() or not right.exists():
        return [str(left if not left.exists() else right)]
    if left.is_file() or right.is_file():
        return [] if filecmp.cmp(left, right, shallow=False) else [left.name]
    walk(filecmp.dircmp(left, right, ignore=["__pycache__", "node_modules"]), "")
    return sorted(found)


def stale_clients(scratch: Path) -> list[str]:
    """What the committed clients lack or hold differently from a fresh generation into `scratch`."""
    generate(scratch)
    stale: list[str] = []
    for stage in STAGES:
        for kind, name in (("python", python_project(stage)), ("typescript", typescript_file(stage))):
            committed, fresh = CLIENTS_DIR / kind / name, scratch / kind / name
            stale.extend(f"clients/{kind}/{name}: {path}" for path in differences(committed, fresh))
    return stale


def write_clients() -> list[Path]:
    with tempfile.TemporaryDirectory() as scratch:
        generated = generate(Path(scratch))
        written: list[Path] = []
        for path in generated:
            kind = path.parent.name
            target = CLIENTS_DIR / kind / path.name
            if target.is_dir():
                shutil.rmtree(target)
            if path.is_dir():
                shutil.copytree(path, target)
            else:
                shutil.copyfile(path, target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.clients", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed clients are stale")
    args = parser.parse_args(argv)
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as scratch:
                stale = stale_clients(Path(scratch))
            for line in stale:
                print(f"stale: {line} (run `make clients`)", file=sys.stderr)
            return 1 if stale else 0
        for path in write_clients():
            print(f"wrote {path.relative_to(ROOT)}")
    except ClientsError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
