"""Reloading handlers' code: the watcher sees edits, additions and removals (not bytecode), the gate
lets a reload wait for running invocations, and the purge drops the shared packages and every module
under the watched roots."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from types import ModuleType

import pytest
from support.source_files import write

from devtools.localrun.handlers import ReloadGate, SourceWatcher, purge_modules


def test_source_watcher_sees_edits_additions_and_removals(tmp_path: Path) -> None:
    first = write(tmp_path / "pkg" / "a.py", "A = 1\n")
    write(tmp_path / "pkg" / "__pycache__" / "a.cpython-313.pyc.py", "ignored\n")
    watcher = SourceWatcher([tmp_path])
    assert watcher.changes()[1] == []
    write(first, "A = 2\n")
    added = write(tmp_path / "pkg" / "data.json", "{}")
    snapshot, changed = watcher.changes()
    assert changed == sorted([str(first), str(added)])
    watcher.accept(snapshot)
    assert watcher.changes()[1] == []
    added.unlink()
    assert watcher.changes()[1] == [str(added)]


def test_purge_drops_shared_packages_and_modules_under_the_roots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = ModuleType("lrfake.sub")
    fake.__file__ = str(tmp_path / "elsewhere.py")
    under_root = ModuleType("lr_under_root")
    under_root.__file__ = str(tmp_path / "root" / "m.py")
    outside = ModuleType("lr_outside")
    outside.__file__ = "/somewhere/else.py"
    for module in (fake, under_root, outside):
        monkeypatch.setitem(sys.modules, module.__name__, module)
    purged = purge_modules([tmp_path / "root"], packages=("lrfake",))
    assert {"lrfake.sub", "lr_under_root"} <= set(purged)
    assert "lr_outside" in sys.modules
    assert "lrfake.sub" not in sys.modules


def test_reload_waits_for_running_invocations() -> None:
    gate = ReloadGate()
    events: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def invocation() -> None:
        with gate.invocation():
            inside.set()
            release.wait(2)
            events.append("invocation done")

    def reload() -> None:
        with gate.reload():
            events.append("reloaded")

    worker = threading.Thread(target=invocation)
    worker.start()
    inside.wait(2)
    reloader = threading.Thread(target=reload)
    reloader.start()
    time.sleep(0.05)
    assert events == []
    release.set()
    worker.join(2)
    reloader.join(2)
    assert events == ["invocation done", "reloaded"]
