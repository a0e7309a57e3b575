"""The functions' code in this process: each handler module loaded by path under a name unique to the
function and its instance (every handler file is app.py), and reloaded when its sources change: a
watcher notices the change, the gate waits until no invocation runs, and every function module and
every module of the shared layer is dropped from `sys.modules` so the next call imports the new code."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from devtools.template_specs import FunctionSpec

MODULE_PREFIX = "localrun_fn_"
SHARED_PACKAGES = ("orgair",)


WATCHED_SUFFIXES = (".py", ".json")
_SKIPPED_DIRECTORIES = {"__pycache__", "node_modules"}

Snapshot = dict[str, tuple[int, int]]


class ReloadGate:
    """Many invocations at once, or one reload alone; a waiting reload holds back new invocations."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._active = 0
        self._reloading = False
        self._waiting = 0

    @contextmanager
    def invocation(self) -> Iterator[None]:
        with self._condition:
            while self._reloading or self._waiting:
                self._condition.wait()
            self._active += 1
        try:
            yield
        finally:
            with self._condition:
                self._active -= 1
                if not self._active:
                    self._condition.notify_all()

    @contextmanager
    def reload(self) -> Iterator[None]:
        with self._condition:
            self._waiting += 1
            while self._reloading or self._active:
                self._condition.wait()
            self._waiting -= 1
            self._reloading = True
        try:
            yield
        finally:
            with self._condition:
                self._reloading = False
                self._condition.notify_all()


class SourceWatcher:
    """Detects added, removed or modified source files under some roots.

    The per-request check stats the known files (mtime, size) and directories (mtime, which moves
    when an entry is added, removed or renamed) and stops at the first difference; only then is the
    tree walked again to name what changed. Directory-only changes (a new __pycache__, an editor's
    swap file) are accepted silently.
    """

    def __init__(self, roots: Sequence[Path], files: Sequence[Path] = ()) -> None:
        self._roots = [str(root) for root in roots if root.is_dir()]
        self._files = [str(path) for path in files]
        self._snapshot: Snapshot = {}
        self._entries: list[tuple[str, int, int]] = []
        self.accept(self.scan())

    def scan(self) -> Snapshot:
        """Files as (mtime_ns, size); directories as (mtime_ns, -1)."""
        snapshot: Snapshot = {}
        for root in self._roots:
            _scan(root, snapshot)
        for path in self._files:
            try:
                stat = os.stat(path)
            except OSError:
                continue
            snapshot[path] = (stat.st_mtime_ns, stat.st_size)
        return snapshot

    def _unchanged(self) -> bool:
        stat = os.stat
        try:
            for path, mtime, size in self._entries:
                current = stat(path)
                if current.st_mtime_ns != mtime or (size >= 0 and current.st_size != size):
                    return False
        except OSError:
            return False
        return True

    def changes(self) -> tuple[Snapshot, list[str]]:
        """The current snapshot and the files that differ from the accepted one."""
        if self._unchanged():
            return self._snapshot, []
        current = self.scan()
        previous = self._snapshot
        changed = sorted(
            path
            for path in current.keys() | previous.keys()
            if current.get(path) != previous.get(path)
            and (current.get(path) or previous.get(path) or (0, 0))[1] >= 0
        )
        if not changed:
            self.accept(current)
        return current, changed

    def accept(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._entries = [(path, mtime, size) for path, (mtime, size) in snapshot.items()]


def _scan(directory: str, snapshot: Snapshot) -> None:
    try:
        snapshot[directory] = (os.stat(directory).st_mtime_ns, -1)
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in _SKIPPED_DIRECTORIES and not entry.name.startswith("."):
                _scan(entry.path, snapshot)
        elif entry.name.endswith(WATCHED_SUFFIXES):
            try:
                stat = entry.stat()
            except OSError:
                continue
            snapshot[entry.path] = (stat.st_mtime_ns, stat.st_size)


def forget_bytecode(changed: Iterable[str]) -> None:
    """Remove the cached bytecode of each changed source, so its next import compiles it again:
    Python trusts a .pyc whose recorded source mtime (in whole seconds) and size still match, and an
    edit of the same size within the same second would otherwise import the old code."""
    for path in changed:
        if path.endswith(".py"):
            with contextlib.suppress(OSError, NotImplementedError):  # none cached; no cache tag
                os.remove(importlib.util.cache_from_source(path))


def purge_modules(roots: Iterable[Path], packages: Sequence[str] = SHARED_PACKAGES) -> list[str]:
    """Drop the function modules, the shared layer's packages and anything loaded from `roots`
    so the next import is fresh; the settings cache is cleared first (code may hold the old one)."""
    for package in packages:
        settings = sys.modules.get(f"{package}.settings")
        get_settings = getattr(settings, "get_settings", None)
        if get_settings is not None and hasattr(get_settings, "cache_clear"):
            get_settings.cache_clear()
    prefixes = tuple(str(root) + os.sep for root in roots)
    purged = []
    for name, module in list(sys.modules.items()):
        top = name.partition(".")[0]
        path = getattr(module, "__file__", None)
        if (
            top in packages
            or name.startswith(MODULE_PREFIX)
            or (isinstance(path, str) and path.startswith(prefixes))
        ):
            purged.append(name)
            del sys.modules[name]
    return purged


def handler_path(spec: FunctionSpec) -> tuple[Path, str]:
    """`app.lambda_handler` → (`<CodeUri>/app.py`, `lambda_handler`); dotted modules become folders."""
    module, _, attribute = spec.handler.rpartition(".")
    if not module or not attribute:
        raise ValueError(f"{spec.logical_id}: Handler {spec.handler!r} is not <module>.<function>")
    return spec.code_uri / (module.replace(".", "/") + ".py"), attribute


def module_name(spec: FunctionSpec, slot: int = 0) -> str:
    """The module name of a function's instance: the first keeps the function's plain name."""
    return MODULE_PREFIX + spec.logical_id + (f"__env{slot}" if slot else "")


def load_handler(spec: FunctionSpec, slot: int = 0) -> Callable[[Any, Any], Any]:
    """Import the handler's file under a name unique to the function and instance; return the handler."""
    path, attribute = handler_path(spec)
    name = module_name(spec, slot)
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None or not path.is_file():
        raise ImportError(f"{spec.logical_id}: no handler module at {path}")
    module: ModuleType = importlib.util.module_from_spec(module_spec)
    # Registered before it runs: pydantic and dataclasses resolve annotations through sys.modules.
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        if sys.modules.get(name) is module:
            del sys.modules[name]
        raise
    handler = getattr(module, attribute, None)
    if not callable(handler):
        raise AttributeError(f"{spec.logical_id}: {path.name} has no callable {attribute!r}")
    return handler  # type: ignore[no-any-return]
