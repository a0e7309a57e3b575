"""A command of the project run the way a developer runs it, from the checkout's root: one of its
Python entry points in a fresh interpreter (`python -m devtools.localrun ...`), or a tool."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping

from devtools.template import ROOT


def run(
    *argv: str, timeout: float, env: Mapping[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`argv` in the checkout's root, with exactly `env` (None: this process's environment); its
    output captured as text, its exit code returned (a failing command does not raise)."""
    return subprocess.run(
        list(argv),
        cwd=ROOT,
        env=None if env is None else dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_python(
    *argv: str, timeout: float, env: Mapping[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`python <argv>` with this interpreter (see `run`)."""
    return run(sys.executable, *argv, timeout=timeout, env=env, stdin=stdin)
