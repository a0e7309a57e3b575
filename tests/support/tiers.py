"""Test tiers, applied to every collected test (tests/conftest.py imports these hooks).

- `integration`: reaches something over a socket or a subprocess: every test under tests/integration,
  tests/infrastructure and tests/build, every test that uses the embedded DynamoDB (the `dynamodb` or
  `dynamodb_server` fixture, directly or through another fixture), every test that starts moto's
  in-process AWS (`mock_aws(` in its source), and every test marked `network`.
- `fuzz`: property-based tests (Hypothesis `@given`, also on a function inside the test; Schemathesis);
  a fuzz test can be integration too.
- `unit`: everything else. A unit test runs with the socket guard on in its setup, call and teardown:
  creating an Internet socket, or binding, connecting or sending on one made earlier, raises
  `SocketBlocked` (Unix sockets stay allowed: asyncio's self-pipe), and a refusal the code under test
  caught still fails the test.
- `slow`: pure but seconds of CPU (marked by hand); runs with `make integration`, not `make unit`.
- `wallclock`: asserts an elapsed time or a race and must not compete for the CPU; marked by hand.

`make unit`, `make integration` and `make fuzz` select by these markers (`-m unit`, `-m "not unit and
not fuzz"`, `-m fuzz`); `make test` runs every test.
"""

from __future__ import annotations

import functools
import inspect
import socket
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

INTEGRATION_DIRECTORIES = ("integration", "infrastructure", "build")
"""Directories below tests/ whose every test is an integration test."""
INTEGRATION_FIXTURES = frozenset({"dynamodb", "dynamodb_server"})
"""Fixtures that open sockets (the embedded DynamoDB listens on loopback)."""
MARKERS = (
    "unit: pure logic and handlers in process; no socket may be opened (the socket guard is on)",
    "integration: runs against the embedded DynamoDB, the local runner, a subprocess or loopback",
    "fuzz: property-based tests (Hypothesis, Schemathesis)",
    "network: opens a socket itself without the embedded DynamoDB fixtures (makes a test integration)",
    "slow: pure but seconds of CPU; not in the unit lane (make integration runs it)",
    "wallclock: asserts an elapsed time or a race; `make test` runs these alone, serially",
)
ALLOWED_FAMILIES = frozenset({socket.AF_UNIX})


class SocketBlocked(RuntimeError):
    """A unit test tried to open a socket other than a Unix socket."""


_real_socket = socket.socket
_refused: list[str] = []
"""What the guard refused since it was last turned on: code under test may catch `SocketBlocked` (a
health check answering 503 on any error), so the test fails afterwards all the same."""


def _refuse(what: str) -> SocketBlocked:
    _refused.append(what)
    return SocketBlocked(f"a unit test {what}; mark it `network` or use a fake")


class _GuardedSocket(_real_socket):
    def __init__(self, family: Any = -1, type: Any = -1, proto: int = -1, fileno: Any = None) -> None:
        if fileno is None and family not in ALLOWED_FAMILIES:
            raise _refuse(f"opened a socket (family {family!r})")
        super().__init__(family, type, proto, fileno)


def _refuse_unless_unix(name: str) -> Any:
    method = getattr(_real_socket, name)

    def refuse(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
        if self.family not in ALLOWED_FAMILIES:
            raise _refuse(f"called {name} on a socket (family {self.family!r})")
        return method(self, *args, **kwargs)

    return refuse


_ADDRESSED = ("bind", "connect", "connect_ex", "sendto")
"""What a socket made before the guard (the X-Ray SDK's UDP emitter, made at import) may not do."""


def take_refusals() -> list[str]:
    """What the guard refused so far, forgotten from now on (for a test of the guard itself)."""
    taken = list(_refused)
    _refused.clear()
    return taken


def guard_active() -> bool:
    """Whether creating an Internet socket is refused in this process right now."""
    return socket.socket is _GuardedSocket


@contextmanager
def socket_guard() -> Iterator[None]:
    """Refuse every new non-Unix socket, and addressing any existing one, until exit (nests: an inner
    exit restores the outer state)."""
    previous = socket.socket
    methods = {name: _real_socket.__dict__.get(name) for name in _ADDRESSED}
    _refused.clear()
    socket.socket = _GuardedSocket  # type: ignore[misc]
    for name in _ADDRESSED:
        setattr(_real_socket, name, _refuse_unless_unix(name))
    try:
        yield
    finally:
        socket.socket = previous  # type: ignore[misc]
        for name, method in methods.items():
            if method is None:
                delattr(_real_socket, name)
            else:
                setattr(_real_socket, name, method)


@functools.cache
def _source(function: Callable[..., Any]) -> str:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


@functools.cache
def _file_text(filename: str) -> str | None:
    try:
        return Path(filename).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _mentions(function: Callable[..., Any], *needles: str) -> bool:
    """Whether the source of `function` holds any of `needles`. A function's source is part of its
    file, so a file that holds none of them answers for every function in it without
    `inspect.getsource` (which cost about 1 ms per test, most of the tiering's share of collection)."""
    code = getattr(inspect.unwrap(function), "__code__", None)
    text = _file_text(code.co_filename) if code is not None else None
    if text is not None and not any(needle in text for needle in needles):
        return False
    source = _source(function)
    return any(needle in source for needle in needles)


def _property_based(function: Callable[..., Any]) -> bool:
    """A Hypothesis test, or a test that runs one inside (`@given` on an inner function)."""
    return getattr(function, "is_hypothesis_test", False) or _mentions(function, "@given(", "schemathesis")


def _emulates_aws(function: Callable[..., Any]) -> bool:
    """A test that starts moto's in-process AWS (`mock_aws`): seconds per test, not a unit test."""
    return _mentions(function, "mock_aws(")


def tier_of(item: pytest.Item) -> set[str]:
    """The tier markers `item` gets from where it lives, the fixtures it uses and its own markers."""
    tiers: set[str] = set()
    try:
        parts = item.path.relative_to(item.config.rootpath).parts
    except ValueError:
        parts = ()
    if parts[:1] == ("tests",):
        parts = parts[1:]
    fixtures = set(getattr(item, "fixturenames", ()))
    function = getattr(item, "function", None)
    if (
        (parts and parts[0] in INTEGRATION_DIRECTORIES)
        or fixtures & INTEGRATION_FIXTURES
        or item.get_closest_marker("network") is not None
        or item.get_closest_marker("integration") is not None
        or (function is not None and _emulates_aws(function))
    ):
        tiers.add("integration")
    if item.get_closest_marker("fuzz") is not None or (function is not None and _property_based(function)):
        tiers.add("fuzz")
    if not tiers and item.get_closest_marker("slow") is None:
        tiers.add("unit")
    return tiers


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)


def _weight(item: pytest.Item) -> int:
    """0 for the longest kinds of test (`slow`; fuzzing over a socket: Schemathesis through the
    runner, Hypothesis over the embedded DynamoDB), 1 for any other integration test, 2 for the rest."""
    integration = item.get_closest_marker("integration") is not None
    if item.get_closest_marker("slow") is not None or (integration and item.get_closest_marker("fuzz")):
        return 0
    return 1 if integration else 2


def heaviest_files_first(items: list[pytest.Item]) -> None:
    """Order test files by the heaviest kind of test each holds, in collection order otherwise (each
    file's tests stay together and in order). `make test` hands whole files to its workers in this
    order (`--dist loadfile --no-loadscope-reorder`), so the minutes-long files start first and the
    many short unit files even out the end; xdist's own order (most tests first) left a file of three
    fuzz tests for last while the other worker sat idle."""
    weight: dict[Any, int] = {}
    for item in items:
        weight[item.path] = min(weight.get(item.path, 2), _weight(item))
    items.sort(key=lambda item: weight[item.path])  # stable: collection order within a weight


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for tier in tier_of(item):
            if item.get_closest_marker(tier) is None:
                item.add_marker(tier)
    heaviest_files_first(items)


def _guarded(item: pytest.Item) -> bool:
    return item.get_closest_marker("unit") is not None and item.get_closest_marker("integration") is None


@contextmanager
def _guarding(item: pytest.Item, phase: str, *, guard: bool = True) -> Iterator[None]:
    """The socket guard around one phase of a unit test (nothing for any other test, or with `guard`
    false); a refusal the code under test caught fails the phase all the same."""
    if not (guard and _guarded(item)):
        yield
        return
    with socket_guard():
        yield
        if _refused:
            raise SocketBlocked(f"{item.nodeid} ({phase}) {_refused[0]}; the code under test caught it")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, Any]:
    with _guarding(item, "setup"):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    with _guarding(item, "call"):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, Any]:
    """A unit test's own teardown runs guarded too; the last test of a file also tears down the
    module- and session-wide fixtures other tests set up (the embedded DynamoDB), so it runs unguarded."""
    with _guarding(item, "teardown", guard=nextitem is not None and nextitem.path == item.path):
        return (yield)
