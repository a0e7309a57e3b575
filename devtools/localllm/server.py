"""The stand-in's HTTP server: routes, latency and failure injection, the control route.

`LocalLlm(...).start()` serves on a thread (the runner, tests); `serve_forever()` in the foreground
(`python -m devtools.localllm`). Bound to loopback by default; bodies are capped.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from devtools.localllm.faults import Fault, FaultPlan, FaultSpecError, ProviderName, fault_from_json
from devtools.localllm.wire import (
    WireError,
    WireReply,
    anthropic_messages,
    error_reply,
    openai_chat,
)

MAX_BODY_BYTES: Final = 1_048_576
CONTROL_PATH: Final = "/_control"
OPENAI_PATHS: Final = frozenset({"/v1/chat/completions", "/chat/completions"})
ANTHROPIC_PATH: Final = "/v1/messages"
MODELS_PATH: Final = "/v1/models"
BANNER: Final = "local LLM stand-in (deterministic, NOT a real model)"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    plan: FaultPlan
    stopping: threading.Event


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "orgair-localllm/1"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    # -------------------------------------------------------------- plumbing

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            raise WireError(
                413,
                {"error": {"message": f"body over {MAX_BODY_BYTES} bytes", "type": "invalid_request_error"}},
            )
        raw = self.rfile.read(length)
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            raise WireError(
                400, {"error": {"message": "the body is not valid JSON", "type": "invalid_request_error"}}
            ) from None

    # -------------------------------------------------------------- routes

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == CONTROL_PATH:
            self._send(200, self.server.plan.view())
        elif path == MODELS_PATH:
            self._send(
                200,
                {
                    "object": "list",
                    "data": [{"id": "local-standin", "object": "model", "owned_by": "orgair-local"}],
                },
            )
        else:
            self._send(404, {"error": {"message": f"no route GET {path}", "type": "invalid_request_error"}})

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        try:
            body = self._body()
            if path == CONTROL_PATH:
                self._control(body)
            elif path in OPENAI_PATHS:
                self._provider("openai", body)
            elif path == ANTHROPIC_PATH:
                self._provider("anthropic", body)
            else:
                self._send(
                    404, {"error": {"message": f"no route POST {path}", "type": "invalid_request_error"}}
                )
        except WireError as error:
            self._send(error.status, error.body)

    def _control(self, body: Any) -> None:
        """{"clear": true, "latency_ms": 200, "fail": [{"mode": "429", "count": 2, "provider": "openai"}]}"""
        plan = self.server.plan
        if not isinstance(body, dict) or set(body) - {"clear", "latency_ms", "fail"}:
            raise WireError(400, {"error": "expected an object with clear, latency_ms and/or fail"})
        try:
            faults = [fault_from_json(item) for item in body.get("fail") or []]
            if not isinstance(body.get("fail", []), list):
                raise FaultSpecError("fail must be a list")
            if "latency_ms" in body:
                plan.set_latency(body["latency_ms"])
            if body.get("clear") is True:
                plan.clear()
            plan.add(faults)
        except FaultSpecError as error:
            raise WireError(400, {"error": str(error)}) from None
        self._send(200, plan.view())

    def _provider(self, provider: ProviderName, body: Any) -> None:
        plan = self.server.plan
        fault = plan.take(provider)
        if plan.latency_ms and self.server.stopping.wait(plan.latency_ms / 1000):
            return
        if fault is not None and self._fail(provider, fault):
            return
        invalid = fault is not None and fault.mode == "invalid"
        reply: WireReply
        if provider == "openai":
            reply = openai_chat(body, authorization=self.headers.get("Authorization"), invalid=invalid)
        else:
            reply = anthropic_messages(
                body,
                api_key=self.headers.get("x-api-key"),
                version=self.headers.get("anthropic-version"),
                invalid=invalid,
            )
        self._send(reply.status, reply.body, reply.headers)

    def _fail(self, provider: ProviderName, fault: Fault) -> bool:
        """Suffer `fault`; False when the call must still be answered (mode `invalid`)."""
        if fault.mode == "429":
            reply = error_reply(provider, 429, retry_after=fault.retry_after)
            self._send(reply.status, reply.body, reply.headers)
        elif fault.mode == "5xx":
            reply = error_reply(provider, fault.status)
            self._send(reply.status, reply.body, reply.headers)
        elif fault.mode == "hang":
            self.server.stopping.wait(fault.hang_seconds)
            self.close_connection = True
        elif fault.mode == "malformed":
            data = b'{"id": "chatcmpl-broken", "choices": [{"message": {"content": '
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif fault.mode == "truncated":
            data = json.dumps({"id": "truncated", "padding": "x" * 256}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            return False
        return True


class LocalLlm:
    """The stand-in on `host:port` (0 = any free port); `url` is its base (`…/v1` is OpenAI's)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, plan: FaultPlan | None = None) -> None:
        self._server = _Server((host, port), _Handler)
        self._server.plan = plan or FaultPlan()
        self._server.stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.host = host
        self.port = int(self._server.server_address[1])

    @property
    def plan(self) -> FaultPlan:
        return self._server.plan

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    def start(self) -> LocalLlm:
        self._thread = threading.Thread(target=self._server.serve_forever, name="localllm", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        """Release hanging calls, stop serving and close the socket."""
        self._server.stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> LocalLlm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
