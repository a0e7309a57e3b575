"""Source files a test writes and then changes, so that code watching them sees every change."""

from __future__ import annotations

import os
from pathlib import Path


def write(path: Path, text: str) -> Path:
    """Write and move the mtime forward, so a change is visible even within one clock tick."""
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    stat = path.stat()
    if stat.st_mtime_ns <= before:
        os.utime(path, ns=(stat.st_atime_ns, before + 1_000_000))
    return path
