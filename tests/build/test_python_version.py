"""Python 3.13 is the one supported version, stated the same everywhere and enforced by `make`."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pyproject_and_tools_target_python_3_13() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"] == ">=3.13"
    assert pyproject["tool"]["ruff"]["target-version"] == "py313"
    assert pyproject["tool"]["mypy"]["python_version"] == "3.13"
    assert sys.version_info[:2] == (3, 13)


def test_make_stops_with_a_clear_message_when_no_python_3_13_is_found(tmp_path: Path) -> None:
    command = ["make", "--no-print-directory", "venv", f"VENV={tmp_path / 'venv'}", "PYTHON_BOOTSTRAP="]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "orgair needs Python 3.13 (the Lambda runtime's version) and found none" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_make_refuses_a_venv_of_another_python(tmp_path: Path) -> None:
    """A venv left from another Python is named, with the command that fixes it, before pip runs."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    impostor = venv / "bin" / "python"
    impostor.write_text(
        '#!/bin/sh\ncase "$*" in *platform*) echo 3.11.9;; *) exit 1;; esac\n',
        encoding="utf-8",
    )
    impostor.chmod(0o755)
    command = ["make", "--no-print-directory", "venv", f"VENV={venv}"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert f"{venv} is Python 3.11.9, not 3.13: remove it (rm -rf {venv})" in result.stderr
    assert not (venv / ".installed").exists()
