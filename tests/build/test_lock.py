"""What ships is what is tested: the layer's lock, the test venv and the built layer hold one set of versions.

`make lock` writes layers/shared/requirements.txt (exact versions and hashes); `sam build` installs
the layer from it and `make venv` installs it, hash-checked, into the test venv before the dev tools
(which are constrained to it). These tests fail as soon as any of the three diverges.
"""

from __future__ import annotations

import sysconfig
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from devtools.artifacts import (
    LAMBDA_MARKER_ENVIRONMENT,
    RUNTIME_PROVIDED,
    installed_versions,
    read_lock,
    version_mismatches,
)

ROOT = Path(__file__).resolve().parents[2]
LOCK_INPUT = ROOT / "layers" / "shared" / "requirements.in"


def _requirements(lines: list[str]) -> dict[str, Requirement]:
    parsed = [Requirement(line) for line in lines]
    return {requirement.name.lower(): requirement for requirement in parsed}


def _lock_input() -> dict[str, Requirement]:
    lines = [line.split("#", 1)[0].strip() for line in LOCK_INPUT.read_text(encoding="utf-8").splitlines()]
    return _requirements([line for line in lines if line])


def test_lock_pins_every_layer_requirement_to_one_version_with_hashes() -> None:
    pins = {pin.name: pin for pin in read_lock()}
    for name, requirement in _lock_input().items():
        assert name in pins, f"{name} is required by requirements.in but not locked (run make lock)"
        assert requirement.specifier.contains(pins[name].version, prereleases=True), (
            f"{name}: locked {pins[name].version} does not satisfy {requirement.specifier} (run make lock)"
        )
        assert all(digest.startswith("sha256:") for digest in pins[name].hashes)


def test_lock_input_states_the_layer_dependencies_pyproject_declares() -> None:
    """pyproject's dependencies (what `pip install -e .` asks for) are requirements.in's, boto3 included."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {name: str(req) for name, req in _requirements(project["dependencies"]).items()}
    assert declared == {name: str(req) for name, req in _lock_input().items()}


def test_test_venv_runs_exactly_the_locked_versions() -> None:
    site = Path(sysconfig.get_paths()["purelib"])
    locked = {pin.name: pin.version for pin in read_lock() if pin.applies()}
    assert version_mismatches(locked, installed_versions(site)) == []


def test_built_layer_ships_exactly_the_locked_versions(build_dir: Path) -> None:
    shipped = installed_versions(build_dir / "SharedLayer" / "python")
    locked = {
        pin.name: pin.version
        for pin in read_lock()
        if pin.applies(LAMBDA_MARKER_ENVIRONMENT) and pin.name not in RUNTIME_PROVIDED
    }
    assert version_mismatches(locked, shipped) == []
    assert sorted(set(shipped) - set(locked)) == [], "the layer ships distributions the lock does not name"


def test_built_layer_ships_the_versions_the_test_venv_runs(build_dir: Path) -> None:
    shipped = installed_versions(build_dir / "SharedLayer" / "python")
    in_venv = installed_versions(Path(sysconfig.get_paths()["purelib"]))
    assert {name: in_venv.get(name) for name in shipped} == shipped


def test_a_version_that_differs_from_the_lock_is_reported(tmp_path: Path) -> None:
    for dist_info in ("pydantic-2.13.5.dist-info", "httpx-0.28.1.dist-info", "httpx-0.27.0.dist-info"):
        (tmp_path / dist_info).mkdir()
    locked = {"pydantic": "2.14.4", "httpx": "0.28.1", "wrapt": "2.5.2"}
    assert version_mismatches(locked, installed_versions(tmp_path)) == [
        "httpx: locked 0.28.1, installed 0.27.0, 0.28.1",
        "pydantic: locked 2.14.4, installed 2.13.5",
        "wrapt: locked 2.5.2, not installed",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pydantic>=2.11 \\\n    --hash=sha256:00\n", "not pinned to one exact version"),
        ("pydantic==2.14.4\n    # via -r requirements.in\n", "has no hash"),
    ],
    ids=["range", "no-hash"],
)
def test_the_lock_reader_refuses_a_range_or_a_missing_hash(tmp_path: Path, text: str, message: str) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_lock(lock)
