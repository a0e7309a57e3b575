"""The local runner under load, as API Gateway behaves: many clients at once are all answered, never
reset or refused; a function serves them in as many execution environments at once as its
reserved concurrency allows (each a cold start, as Lambda reports it) and the rest wait in line."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from support.local_runner import Runner, local_runner

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_load-integration-key-0123456789abcdefghijk"
CLIENTS = 200
ANSWER_SECONDS = 60.0


CONCURRENCY = 4


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    shell = {"LOCAL_CONCURRENCY": f"HealthFunction={CONCURRENCY}"}
    with local_runner(admin_key=ADMIN_KEY, shell=shell) as running:
        yield running


def _environments_started(runner: Runner, function_id: str) -> int:
    """The runner's INIT_START lines (one per execution environment, as Lambda logs them)."""
    return sum(1 for line in list(runner.lines) if f"{function_id}: INIT_START" in line)


def _one_client(host: str, port: int, start: threading.Barrier, outcomes: list[str], index: int) -> None:
    """Connect at the same moment as every other client, send one request, read the status line."""
    start.wait()
    try:
        with socket.create_connection((host, port), timeout=ANSWER_SECONDS) as connection:
            connection.sendall(
                b"GET /v1/health/liveness HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        outcomes[index] = answer.split(b"\r\n", 1)[0].decode("latin-1") or "empty answer"
    except ConnectionResetError:
        outcomes[index] = "reset"
    except OSError as error:
        outcomes[index] = f"{type(error).__name__}: {error}"


def _at_once(runner: Runner) -> Counter[str]:
    host, port = runner.url.removeprefix("http://").split(":")
    outcomes = [""] * CLIENTS
    start = threading.Barrier(CLIENTS)
    clients = [
        threading.Thread(target=_one_client, args=(host, int(port), start, outcomes, index))
        for index in range(CLIENTS)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join(ANSWER_SECONDS + 10)
    return Counter(outcomes)


def test_200_concurrent_clients_are_all_answered_with_no_connection_reset(runner: Runner) -> None:
    assert _at_once(runner) == {"HTTP/1.1 200 OK": CLIENTS}, runner.output()


def test_a_function_serves_concurrent_clients_in_up_to_its_reserved_concurrency_of_environments(
    runner: Runner,
) -> None:
    """200 clients at once on one function limited to 4: all answered, by at most 4 environments
    (4 cold starts at most, each environment initialised once) and by more than one at a time."""
    assert any(f"HealthFunction {CONCURRENCY}," in line for line in runner.lines), runner.output()
    assert _at_once(runner) == {"HTTP/1.1 200 OK": CLIENTS}, runner.output()
    # Every environment the function got since the runner started (none is retired here).
    cold_starts = _environments_started(runner, "HealthFunction")
    assert 1 < cold_starts <= CONCURRENCY, cold_starts


def test_the_listen_backlog_holds_200_connections_before_any_is_accepted() -> None:
    """The kernel queue itself: 200 connections made while the server accepts none all complete."""
    from devtools.localrun.server import LISTEN_BACKLOG, LocalHttpServer

    class _Unused:
        pass

    server = LocalHttpServer(_Unused(), port=0)  # type: ignore[arg-type]
    try:
        host, port = server.server_address[:2]
        connections = [socket.create_connection((str(host), port), timeout=5) for _ in range(CLIENTS)]
        for connection in connections:
            connection.close()
    finally:
        server.server_close()
    assert LISTEN_BACKLOG >= CLIENTS
