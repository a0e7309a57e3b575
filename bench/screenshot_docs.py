"""Looks at the API docs the way a person would: starts the local runner, loads /v2/docs (Swagger UI
served by OpenApiFunction) in headless Chromium and writes docs/swagger-v2.png.

`make docs-screenshot` (which installs Chromium through `make browser` if needed). Everything stays
on 127.0.0.1: the runner, its embedded DynamoDB and the browser, which is told not to reach out.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "swagger-v2.png"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1400,1800",
    "--virtual-time-budget=5000",
)
STARTUP_SECONDS = 90.0
BROWSER_SECONDS = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str, timeout: float = 5.0) -> tuple[int, str, bytes]:
    """Status, content type and body of a GET on loopback (error statuses included)."""
    request = urllib.request.Request(url, method="GET")  # noqa: S310 - http on 127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def wait_until_serving(url: str, runner: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if runner.poll() is not None:
            raise RuntimeError(f"the local runner exited with {runner.returncode} before serving")
        try:
            if fetch(url, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer 200 within {STARTUP_SECONDS:.0f} s")


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("no Chromium on PATH: run `make browser` (apt-get install chromium)")


def screenshot(url: str, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="orgair-chromium-") as profile:
        command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={output}", url]
        subprocess.run(command, check=True, timeout=BROWSER_SECONDS, capture_output=True)
    if not output.is_file() or output.stat().st_size < 10_000:
        raise RuntimeError(f"Chromium wrote no usable screenshot at {output}")


def stop(runner: subprocess.Popen[bytes]) -> None:
    """End the runner and its children (it was started in its own process group)."""
    if runner.poll() is None:
        os.killpg(runner.pid, signal.SIGTERM)
        try:
            runner.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            runner.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--stage", default="v2", choices=["v1", "v2"])
    args = parser.parse_args(argv)

    port, dynamodb_port = free_port(), free_port()
    environment = {**os.environ, "PORT": str(port), "DYNAMODB_PORT": str(dynamodb_port), "ORGAIR_LOCAL": "1"}
    base = f"http://127.0.0.1:{port}/{args.stage}"
    with tempfile.TemporaryFile() as log:
        runner = subprocess.Popen(
            [sys.executable, "-m", "devtools.localrun", "serve"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_serving(f"{base}/health", runner)
            status, content_type, _ = fetch(f"{base}/docs")
            if status != 200 or not content_type.startswith("text/html"):
                raise RuntimeError(f"{base}/docs answered {status} {content_type}")
            screenshot(f"{base}/docs", args.output)
        except (RuntimeError, subprocess.SubprocessError) as error:
            log.seek(0)
            print(log.read().decode(errors="replace")[-4000:], file=sys.stderr)
            print(f"error: {error}", file=sys.stderr)
            return 1
        finally:
            stop(runner)
    print(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
