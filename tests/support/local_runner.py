"""The local runner as a developer starts it (`python -m devtools.localrun serve`), as a subprocess on
free ports, plus a stand-in LLM provider speaking OpenAI's Chat Completions on loopback."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from orgair.scoring import DIMENSION_NAMES

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30.0
RUNNER_ADMIN_KEY = "oak_http-integration-key-0123456789abcdefghijkl"
"""The admin key of the shared `runner` fixture (tests/integration/conftest.py)."""
DIMENSIONS = DIMENSION_NAMES


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Runner:
    process: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)
    dynamodb_url: str = ""
    """The runner's embedded DynamoDB (to provision keys or budgets the way an operator would)."""

    def output(self) -> str:
        return "\n".join(self.lines[-80:])

    def wait_for_line(self, pattern: str, timeout: float = 3.0) -> str:
        """The first output line matching `pattern`, waiting up to `timeout` seconds for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if re.search(pattern, line):
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no output line matches {pattern!r}:\n{self.output()}")


def runner_environment(**overrides: str) -> dict[str, str]:
    """This process's environment with free ports for the runner and its DynamoDB, then `overrides`."""
    return {
        **os.environ,
        "PORT": str(free_port()),
        "DYNAMODB_PORT": str(free_port()),
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }


def start(environment: dict[str, str], *arguments: str) -> Runner:
    """`python -m devtools.localrun serve *arguments` as a developer starts it, once it says Ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.localrun", "serve", *arguments],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    runner = Runner(
        process,
        f"http://127.0.0.1:{environment['PORT']}",
        dynamodb_url=f"http://127.0.0.1:{environment['DYNAMODB_PORT']}",
    )

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            runner.lines.append(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not any(line.startswith("Ready:") for line in runner.lines):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the local runner did not start:\n{runner.output()}")
        time.sleep(0.05)
    return runner


def stop(runner: Runner) -> int:
    """Ctrl-C, as a developer stops it; its exit status (negative when it had to be killed)."""
    if runner.process.poll() is None:
        runner.process.send_signal(signal.SIGINT)
        try:
            runner.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            runner.process.kill()
            runner.process.wait(timeout=5)
    return runner.process.returncode


def client_as(runner: Runner, key: str, timeout: float = 60) -> httpx.Client:
    """An HTTP client to the runner that sends `key` as its bearer key (use it as a context manager)."""
    return httpx.Client(base_url=runner.url, timeout=timeout, headers={"Authorization": f"Bearer {key}"})


@contextmanager
def local_runner(
    *,
    admin_key: str,
    env_vars: dict[str, str] | None = None,
    directory: Path | None = None,
    shell: dict[str, str] | None = None,
    throttle: bool = False,
) -> Iterator[Runner]:
    """Start the runner (throttling off unless `throttle`) with `env_vars` for every function and
    `shell` variables set as in the shell that runs `make run` (they win over the file); stop it with
    Ctrl-C after."""
    environment = runner_environment(
        LOCAL_ADMIN_API_KEY=admin_key, POWERTOOLS_LOG_LEVEL="WARNING", **(shell or {})
    )
    arguments = [] if throttle else ["--no-throttle"]
    if env_vars:
        if directory is None:
            raise ValueError("env_vars need a directory for the env-vars file")
        env_file = directory / "env.json"
        env_file.write_text(json.dumps({"Parameters": env_vars}))
        arguments += ["--env-vars", str(env_file)]
    runner = start(environment, *arguments)
    try:
        yield runner
    finally:
        stop(runner)


class QuietHandler(BaseHTTPRequestHandler):
    """A loopback HTTP handler that logs nothing and answers with `reply`."""

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        """`status` with `headers`, the body's Content-Length, and `body`."""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@contextmanager
def serve_http(handler: type[BaseHTTPRequestHandler], port: int = 0) -> Iterator[str]:
    """`handler` served on loopback (a free port unless `port`) from a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class FakeProvider:
    """What the stand-in provider answers with, and how many calls reached it."""

    url: str
    prompt_tokens: int
    completion_tokens: int
    calls: int = 0


@contextmanager
def fake_openai(*, prompt_tokens: int = 900, completion_tokens: int = 300) -> Iterator[FakeProvider]:
    """Chat Completions as OpenAI answers it: seven dimension ratings with rationale, and usage."""
    lock = threading.Lock()
    provider = FakeProvider(url="", prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                provider.calls += 1
            ratings = {name: {"score": 70, "rationale": f"Evidence on {name}."} for name in DIMENSIONS}
            body = json.dumps(
                {
                    "id": "chatcmpl-local",
                    "object": "chat.completion",
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": json.dumps(ratings)},
                        }
                    ],
                    "usage": {
                        "prompt_tokens": provider.prompt_tokens,
                        "completion_tokens": provider.completion_tokens,
                        "total_tokens": provider.prompt_tokens + provider.completion_tokens,
                    },
                }
            ).encode()
            self.reply(200, body, {"Content-Type": "application/json"})

    with serve_http(Handler) as url:
        provider.url = f"{url}/v1"
        yield provider
