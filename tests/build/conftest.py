"""The output of `make build`, built once per test session and reused while its inputs are unchanged.

The build is deterministic given its inputs (the layer's dependencies come from the hash-checked
lock), so it is cached under .aws-sam/test-build/<digest of the inputs>: a change to the template,
the Makefile, the lock, the layer, a function or the build tooling builds again; nothing else does.
Parallel pytest workers (`make test` runs pytest-xdist) take an exclusive lock around the check and
the build, so exactly one of them builds and the others wait for it and reuse its output.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)
CACHE = ROOT / ".aws-sam" / "test-build"
BUILD_INPUTS = (
    "template.yaml",
    "Makefile",
    "layers/shared",
    "functions",
    "devtools/artifacts.py",
    "devtools/template.py",
    "devtools/template_specs.py",
)


def build_inputs_digest() -> str:
    """sha256 over the path and bytes of every file `make build` reads, and the Python version."""
    digest = hashlib.sha256(sys.version.encode())
    for name in BUILD_INPUTS:
        top = ROOT / name
        files = [top] if top.is_file() else sorted(path for path in top.rglob("*") if path.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


@pytest.fixture(scope="session")
def build_dir() -> Path:
    """`make build` output for the current sources (built now unless an identical build is cached)."""
    target = CACHE / build_inputs_digest()
    out = target / "build"
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with (CACHE.parent / "test-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if (target / ".complete").is_file():
            return out
        shutil.rmtree(CACHE, ignore_errors=True)
        target.mkdir(parents=True)
        command = [
            "make",
            "--no-print-directory",
            "-o",
            "venv",
            "-o",
            f"{VENV}/.installed",
            "build",
            f"VENV={VENV}",
            f"SAM_BUILD_DIR={out}",
        ]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
        assert result.returncode == 0, f"make build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        (target / ".complete").touch()
    return out
