"""Running the template's handlers in-process the way Lambda runs them.

Each function has a pool of *instances* (execution environments), at most its reserved
concurrency (`ReservedConcurrentExecutions`, else `DEFAULT_CONCURRENCY` or the runner's
LOCAL_CONCURRENCY). An instance is its own copy of the handler module, loaded by path under a
name unique to the function and the instance (every handler file is app.py), and one worker
thread, so it serves one request at a time as one Lambda environment does (Powertools resolvers
keep per-request state on module-level objects). A request takes an idle instance (the most
recently used, as Lambda reuses warm environments), starts a new one while the pool is under its
limit, or waits in line for one to come free: never refused, and bounded only by the caller's
`queue_timeout` (API Gateway's 29 s). The shared layer (`orgair`) is one copy for all, as within
one process it cannot be otherwise.

The worker lets the caller stop waiting at the function's Timeout; a timed-out instance is retired
and the next request gets a fresh one, as Lambda replaces a timed-out environment.

Code changes are picked up without a restart: before each invocation the sources are checked, and
when one changed every function module and every module of the shared layer is dropped from
`sys.modules` while no invocation runs, so the next call imports the new code.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools.localrun import isolation
from devtools.localrun.context import LambdaContext, log_stream_name
from devtools.localrun.handlers import (
    SHARED_PACKAGES,
    ReloadGate,
    SourceWatcher,
    forget_bytecode,
    load_handler,
    purge_modules,
)
from devtools.template_specs import FunctionSpec

# Lambda gives a function's initialisation (imports, module-level code) 10 s of its own.
INIT_TIMEOUT_SECONDS = 10.0
DEFAULT_CONCURRENCY = 10
"""Execution environments a function may have at once when the template reserves none."""


@dataclass(frozen=True)
class LambdaError:
    """A handler failure as Lambda reports it (`errorType`, `errorMessage`, `stackTrace`)."""

    error_type: str
    message: str
    stack: tuple[str, ...] = ()

    @classmethod
    def from_exception(cls, error: BaseException, error_type: str | None = None) -> LambdaError:
        frames = traceback.format_tb(error.__traceback__)
        return cls(error_type or type(error).__name__, str(error), tuple(frames))

    def payload(self, request_id: str) -> dict[str, Any]:
        return {
            "errorMessage": self.message,
            "errorType": self.error_type,
            "requestId": request_id,
            "stackTrace": list(self.stack),
        }


@dataclass(frozen=True)
class InvocationOutcome:
    request_id: str
    duration_ms: float
    result: Any = None
    error: LambdaError | None = None
    timed_out: bool = False
    queued: bool = False
    """True when no execution environment came free within the caller's wait (the function never ran)."""


@dataclass(eq=False)
class _Job:
    event: Any
    timeout: float
    request_id: str
    started: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    started_at: float = 0.0
    finished_at: float = 0.0
    result: Any = None
    error: LambdaError | None = None


class _Instance:
    """One execution environment of a function: its own loaded handler module and its worker thread."""

    def __init__(self, spec: FunctionSpec, slot: int = 0, log: Callable[[str], None] | None = None) -> None:
        self.spec = spec
        self.slot = slot
        self._log = log
        self.retired = False
        self.log_stream = log_stream_name()
        self._handler: Callable[[Any, Any], Any] | None = None
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None

    def run(self, event: Any, timeout: float, request_id: str) -> InvocationOutcome:
        """Invoke once (the pool gave this instance to one caller); gives up after `timeout` s of handler time."""
        if self._worker is None:
            self._worker = threading.Thread(
                target=self._work, name=f"lambda-{self.spec.logical_id}", daemon=True
            )
            self._worker.start()
        job = _Job(event, timeout, request_id)
        submitted = time.monotonic()
        self._jobs.put(job)
        if not job.started.wait(INIT_TIMEOUT_SECONDS):
            return InvocationOutcome(request_id, (time.monotonic() - submitted) * 1000, timed_out=True)
        remaining = job.started_at + timeout - time.monotonic()
        if not job.done.wait(max(remaining, 0.0)):
            return InvocationOutcome(request_id, timeout * 1000, timed_out=True)
        return InvocationOutcome(request_id, (job.finished_at - job.started_at) * 1000, job.result, job.error)

    def retire(self) -> None:
        """No new work; the worker ends once its current call (if any) returns."""
        self.retired = True
        self._jobs.put(None)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            self._run(job)

    def _run(self, job: _Job) -> None:
        try:
            if self._handler is None:
                if self._log is not None:
                    self._log(
                        f"{self.spec.logical_id}: INIT_START execution environment {self.slot + 1} "
                        f"(log stream {self.log_stream})"
                    )
                try:
                    self._handler = load_handler(self.spec, self.slot)
                except SyntaxError as error:
                    job.error = LambdaError.from_exception(error, "Runtime.UserCodeSyntaxError")
                    return
                except BaseException as error:
                    job.error = LambdaError.from_exception(error, "Runtime.ImportModuleError")
                    return
            context = LambdaContext(
                function_name=self.spec.logical_id,
                memory_limit_in_mb=str(self.spec.memory_mb),
                timeout_seconds=job.timeout,
                log_stream_name=self.log_stream,
                aws_request_id=job.request_id,
            )
            job.started_at = time.monotonic()
            job.started.set()
            job.result = self._handler(job.event, context)
        except BaseException as error:
            job.error = LambdaError.from_exception(error)
        finally:
            job.finished_at = time.monotonic()
            if not job.started.is_set():
                job.started_at = job.finished_at
                job.started.set()
            job.done.set()


class _Pool:
    """The execution environments of one function: at most `limit` at once, the rest wait in line."""

    def __init__(self, spec: FunctionSpec, limit: int, log: Callable[[str], None] | None = None) -> None:
        self.spec = spec
        self.limit = limit
        self._log = log
        self._condition = threading.Condition()
        self._live: dict[int, _Instance] = {}
        self._idle: list[_Instance] = []

    def acquire(self, wait: float | None) -> _Instance | None:
        """An instance for one invocation, or None when none came free within `wait` seconds."""
        deadline = None if wait is None else time.monotonic() + wait
        with self._condition:
            while True:
                while self._idle:
                    instance = self._idle.pop()
                    if not instance.retired:
                        return instance
                if len(self._live) < self.limit:
                    slot = min(set(range(self.limit)) - self._live.keys())
                    instance = self._live[slot] = _Instance(self.spec, slot, self._log)
                    return instance
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._condition.wait(remaining)

    def release(self, instance: _Instance) -> None:
        with self._condition:
            if not instance.retired and self._live.get(instance.slot) is instance:
                self._idle.append(instance)
            self._condition.notify()

    def retire(self, instance: _Instance) -> None:
        """Replace a broken environment: its slot is free for a fresh instance."""
        with self._condition:
            if self._live.get(instance.slot) is instance:
                del self._live[instance.slot]
            self._condition.notify()
        instance.retire()

    def close(self) -> None:
        with self._condition:
            instances = list(self._live.values())
            self._live.clear()
            self._idle.clear()
            self._condition.notify_all()
        for instance in instances:
            instance.retire()

    def size(self) -> int:
        with self._condition:
            return len(self._live)


def concurrency_limits(
    specs: Iterable[FunctionSpec],
    default: int = DEFAULT_CONCURRENCY,
    overrides: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Each function's limit: an override, else its ReservedConcurrentExecutions, else `default`."""
    overrides = overrides or {}
    return {
        spec.logical_id: overrides.get(
            spec.logical_id, default if spec.reserved_concurrency is None else spec.reserved_concurrency
        )
        for spec in specs
    }


class FunctionRegistry:
    """Every function of the template, invoked by logical id, reloaded when their sources change."""

    def __init__(
        self,
        specs: Iterable[FunctionSpec],
        *,
        watch_roots: Sequence[Path] = (),
        watch_files: Sequence[Path] = (),
        on_reload: Callable[[list[str]], None] | None = None,
        shared_packages: Sequence[str] = SHARED_PACKAGES,
        default_concurrency: int = DEFAULT_CONCURRENCY,
        concurrency: Mapping[str, int] | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        """`watch_roots`: source trees whose changes reload the code (and whose modules are purged);
        `shared_packages`: the layer's top-level packages, purged on reload too;
        `default_concurrency` / `concurrency` (by logical id): see `concurrency_limits`;
        `log`: gets a line when an execution environment starts (Lambda's INIT_START)."""
        self._log = log
        isolation.install()
        self._shared_packages = tuple(shared_packages)
        self._specs = {spec.logical_id: spec for spec in specs}
        self._limits = concurrency_limits(self._specs.values(), default_concurrency, concurrency)
        self._pools: dict[str, _Pool] = {}
        self._lock = threading.Lock()
        self._gate = ReloadGate()
        self._watch_roots = list(watch_roots)
        self._watch = SourceWatcher(watch_roots, watch_files) if watch_roots or watch_files else None
        self._on_reload = on_reload

    def __contains__(self, function_id: object) -> bool:
        return function_id in self._specs

    def spec(self, function_id: str) -> FunctionSpec:
        return self._specs[function_id]

    def ids(self) -> list[str]:
        return list(self._specs)

    def concurrency(self, function_id: str) -> int:
        """How many requests the function serves at once (its execution environments)."""
        return self._limits[function_id]

    def environments(self, function_id: str) -> int:
        """Execution environments the function has now (started and not retired)."""
        with self._lock:
            pool = self._pools.get(function_id)
        return pool.size() if pool is not None else 0

    def invoke(
        self,
        function_id: str,
        event: Any,
        *,
        timeout: float | None = None,
        request_id: str | None = None,
        check_sources: bool = True,
        queue_timeout: float | None = None,
    ) -> InvocationOutcome:
        """Run the function once, in this process; `timeout` may only shorten the template's Timeout.

        When every environment the function may have is busy, the call waits for one up to
        `queue_timeout` seconds (None: as long as it takes), then gives up with `queued` set.
        `check_sources=False` skips the change check, for a caller that just made it (one check per
        HTTP request, not one per authorizer and integration call)."""
        spec = self._specs[function_id]
        limit = float(spec.timeout if timeout is None else min(timeout, spec.timeout))
        request_id = request_id or str(uuid.uuid4())
        if check_sources:
            self.reload_if_changed()
        with self._gate.invocation():
            pool = self._pool(function_id)
            waiting = time.monotonic()
            instance = pool.acquire(queue_timeout) if pool.limit > 0 else None
            if instance is None:
                waited = (time.monotonic() - waiting) * 1000
                return InvocationOutcome(request_id, waited, timed_out=True, queued=True)
            try:
                outcome = instance.run(event, limit, request_id)
                if outcome.timed_out:
                    pool.retire(instance)
                return outcome
            finally:
                pool.release(instance)

    def reload_if_changed(self) -> list[str]:
        """Purge the loaded code if a watched source changed; returns the changed paths."""
        if self._watch is None:
            return []
        _, changed = self._watch.changes()
        if not changed:
            return []
        with self._gate.reload():
            snapshot, changed = self._watch.changes()
            if not changed:
                return []
            forget_bytecode(changed)
            purge_modules(self._watch_roots, self._shared_packages)
            self.close()
            self._watch.accept(snapshot)
        if self._on_reload is not None:
            self._on_reload(changed)
        return changed

    def close(self) -> None:
        with self._lock:
            retired, self._pools = list(self._pools.values()), {}
        for pool in retired:
            pool.close()

    def _pool(self, function_id: str) -> _Pool:
        with self._lock:
            pool = self._pools.get(function_id)
            if pool is None:
                spec = self._specs[function_id]
                pool = self._pools[function_id] = _Pool(spec, self._limits[function_id], self._log)
            return pool
