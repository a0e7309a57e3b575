"""`make build` ships what a fast cold start needs: a valid unchecked-hash .pyc beside every .py.

Lambda's code directories are read-only and `sam package` dates every file 1980-01-01, so a missing
or timestamp-based .pyc means the module is compiled again at every cold start (docs/performance.md).
The build checked is the session's `make build` output (tests/build/conftest.py), the one whose
functions tests/build/test_lambda_init.py initialises; that run writes no bytecode into it.
"""

from __future__ import annotations

import importlib.util
import marshal
import py_compile
from pathlib import Path
from types import CodeType

HASH_BASED = 0b01
CHECK_SOURCE = 0b10


def bytecode_problems(root: Path) -> list[str]:
    """Every .py under `root` whose plain .pyc is missing, not unchecked-hash, or of other source."""
    problems: list[str] = []
    for source in sorted(root.rglob("*.py")):
        cached = Path(importlib.util.cache_from_source(str(source), optimization=""))
        where = source.relative_to(root)
        if not cached.is_file():
            problems.append(f"{where}: no {cached.name}")
            continue
        data = cached.read_bytes()
        flags = int.from_bytes(data[4:8], "little")
        if data[:4] != importlib.util.MAGIC_NUMBER:
            problems.append(f"{where}: bytecode of another Python version")
        elif flags != HASH_BASED:
            kind = "checked-hash" if flags & CHECK_SOURCE else "timestamp-based"
            problems.append(f"{where}: {kind} bytecode, not unchecked-hash")
        elif data[8:16] != importlib.util.source_hash(source.read_bytes()):
            problems.append(f"{where}: bytecode of another source")
    return problems


def _artifacts(build_dir: Path) -> list[Path]:
    return sorted(path for path in build_dir.iterdir() if path.is_dir())


def test_every_module_of_every_artifact_has_unchecked_hash_bytecode(build_dir: Path) -> None:
    artifacts = _artifacts(build_dir)
    assert {path.name for path in artifacts} >= {"SharedLayer", "HealthFunction"}
    problems = [f"{artifact.name}/{line}" for artifact in artifacts for line in bytecode_problems(artifact)]
    assert problems == []


def test_bytecode_names_the_paths_lambda_mounts(build_dir: Path) -> None:
    """Tracebacks from the bytecode point at /opt/python and /var/task, not at the build machine."""
    layer_pyc = Path(
        importlib.util.cache_from_source(
            str(build_dir / "SharedLayer/python/orgair/http.py"), optimization=""
        )
    )
    function_pyc = Path(
        importlib.util.cache_from_source(str(build_dir / "HealthFunction/app.py"), optimization="")
    )
    layer_code = marshal.loads(layer_pyc.read_bytes()[16:])  # noqa: S302 - our own build output
    function_code = marshal.loads(function_pyc.read_bytes()[16:])  # noqa: S302 - our own build output
    assert isinstance(layer_code, CodeType)
    assert isinstance(function_code, CodeType)
    assert layer_code.co_filename == "/opt/python/orgair/http.py"
    assert function_code.co_filename == "/var/task/app.py"


def test_layer_leaves_boto3_and_botocore_to_the_runtime(build_dir: Path) -> None:
    site = build_dir / "SharedLayer" / "python"
    assert (site / "orgair").is_dir()
    assert (site / "pydantic_core").is_dir()
    for provided in ("boto3", "botocore", "s3transfer", "urllib3", "dateutil"):
        assert not (site / provided).exists(), provided


def test_the_check_catches_missing_and_timestamp_bytecode(tmp_path: Path) -> None:
    good, stale, missing = (tmp_path / name for name in ("good.py", "stale.py", "missing.py"))
    for path in (good, stale, missing):
        path.write_text("VALUE = 1\n", encoding="utf-8")
    py_compile.compile(str(good), invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    py_compile.compile(str(stale), invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)
    assert bytecode_problems(tmp_path) == [
        f"missing.py: no {Path(importlib.util.cache_from_source(str(missing))).name}",
        "stale.py: timestamp-based bytecode, not unchecked-hash",
    ]
    good.write_text("VALUE = 2\n", encoding="utf-8")
    assert "good.py: bytecode of another source" in bytecode_problems(tmp_path)
