"""The HTTP front: a threaded stdlib server on loopback that hands each request to `LocalApi`.

HTTP/1.1 with keep-alive, bodies by Content-Length or chunked, and a body over API Gateway's
10 MB limit answered with 413 without reading it. Each response goes out in one write with
TCP_NODELAY, so small responses are not held back by Nagle's algorithm.
"""

from __future__ import annotations

import errno
import json
import threading
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from devtools.embedded_dynamodb import PortInUseError
from devtools.localrun.api import MAX_BODY_BYTES, LocalApi
from devtools.localrun.events import HttpRequest
from devtools.localrun.gateway import PROBLEM_BASE, PROBLEM_CONTENT_TYPE, HttpResponse

IDLE_CONNECTION_SECONDS = 120
# Connection-level headers: not passed to the function, and ours replace the function's.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"})
_FRAMING = _HOP_BY_HOP | {"content-length"}


class _BadRequestError(ValueError):
    pass


def _protocol_problem(status: HTTPStatus, detail: str, path: str) -> HttpResponse:
    """A problem+json answer for a request that never reached the gateway (not valid HTTP)."""
    body = {
        "type": PROBLEM_BASE + ("malformed-request" if status == HTTPStatus.BAD_REQUEST else "http-error"),
        "title": status.phrase,
        "status": int(status),
        "detail": detail,
        "instance": path.partition("?")[0] or "/",
        "correlation_id": "-",
    }
    return HttpResponse(int(status), [("Content-Type", PROBLEM_CONTENT_TYPE)], json.dumps(body).encode())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "orgair-localrun"
    sys_version = ""
    timeout = IDLE_CONNECTION_SECONDS
    disable_nagle_algorithm = True
    server: LocalHttpServer

    def handle_expect_100(self) -> bool:
        """Refuse an oversized body before the client sends it."""
        if self._declared_length() > MAX_BODY_BYTES:
            return True
        return super().handle_expect_100()

    def _declared_length(self) -> int:
        raw = self.headers.get("Content-Length")
        try:
            return int(raw) if raw is not None else 0
        except ValueError:
            return 0

    def _dispatch(self) -> None:
        try:
            body, oversized = self._read_body()
        except _BadRequestError as error:
            self.close_connection = True
            self._write(_protocol_problem(HTTPStatus.BAD_REQUEST, str(error), self.path))
            return
        if oversized:
            self.close_connection = True
        path, _, query = self.path.partition("?")
        if not path.startswith("/"):
            path = "/" + path.split("://", 1)[-1].partition("/")[2]
        request = HttpRequest(
            method=self.command,
            path=path,
            query=query,
            headers=[(key, value) for key, value in self.headers.items() if key.lower() not in _HOP_BY_HOP],
            body=body,
            source_ip=self.client_address[0],
            protocol=self.request_version,
            server_port=self.server.server_port,
            oversized=oversized,
        )
        self._write(self.server.api.handle(request))

    # BaseHTTPRequestHandler dispatches to do_<METHOD> and answers 501 text/html when there is none;
    # every method (TRACE, CONNECT, PROPFIND, made-up ones) goes through the gateway instead, which
    # answers what API Gateway answers for a method no route defines.
    def __getattr__(self, name: str) -> Callable[[], None]:
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors of HTTP itself (a malformed request line, oversized headers) as problem+json."""
        status = HTTPStatus(code)
        self.close_connection = True
        detail = message or status.description or status.phrase
        self._write(_protocol_problem(status, detail, self.path if hasattr(self, "path") else "/"))

    def _read_body(self) -> tuple[bytes, bool]:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        raw = self.headers.get("Content-Length")
        if raw is None:
            return b"", False
        try:
            length = int(raw)
        except ValueError:
            raise _BadRequestError("invalid Content-Length") from None
        if length < 0:
            raise _BadRequestError("invalid Content-Length")
        if length > MAX_BODY_BYTES:
            return b"", True
        return self.rfile.read(length), False

    def _read_chunked(self) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadRequestError("invalid chunked body") from None
            if size == 0:
                while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks), False
            total += size
            if total > MAX_BODY_BYTES:
                return b"", True
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _write(self, response: HttpResponse) -> None:
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = ""
        lines = [f"HTTP/1.1 {response.status} {phrase}", f"Date: {formatdate(usegmt=True)}"]
        lines.extend(f"{key}: {value}" for key, value in response.headers if key.lower() not in _FRAMING)
        lines.append(f"Content-Length: {len(response.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.wfile.write(head if self.command == "HEAD" else head + response.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Access lines come from LocalApi, one per request."""


LISTEN_BACKLOG = 1024
"""Connections the kernel holds for `accept` (socketserver's default of 5 reset clients at ~50 at once;
the kernel caps it at net.core.somaxconn). Each accepted connection gets its own thread and waits
for its function there, as API Gateway holds a request while Lambda is busy, never resetting it."""


class LocalHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, api: LocalApi, host: str = "127.0.0.1", port: int = 3000) -> None:
        self.api = api
        try:
            super().__init__((host, port), _Handler)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUseError(
                    errno.EADDRINUSE,
                    f"{host}:{port} is already in use (another `make run`?); stop it or set PORT",
                ) from None
            raise
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> LocalHttpServer:
        self._thread = threading.Thread(target=self.serve_forever, name="localrun-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
        self.server_close()
