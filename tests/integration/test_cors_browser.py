"""CORS as a browser enforces it: headless Chromium (Debian's `chromium`, `make browser`) loads a page
from one origin that calls the local runner with an API key, the way a web front end would.

The runner gets CORS_ORIGINS=<the allowed page's origin>. The page served from that origin reads the
JSON of an authenticated call (after a real preflight: the Authorization header makes the request
non-simple) and of a 401 the gateway itself answers; the same page served from another origin is
blocked by the browser: its fetch rejects and the authenticated GET is never sent. docs/cors.md.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.local_runner import QuietHandler, Runner, free_port, local_runner, serve_http

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_cors-browser-key-0123456789abcdefghijklm"
ROUTE = "/v2/health/detailed"
BROWSER_SECONDS = 90.0
LOG_SECONDS = 10.0
# The flags that work in a container as root, with nothing reaching beyond loopback.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    # Virtual time waits for the page's fetches before the DOM is dumped.
    "--virtual-time-budget=20000",
)
RESULT = re.compile(r'<pre id="result">(?P<json>.*?)</pre>', re.DOTALL)

# Two calls the way a front end makes them; each outcome is written into the DOM for --dump-dom.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>orgair CORS check</title></head>
<body><pre id="result">pending</pre>
<script>
const api = "__API__";
async function call(headers) {
  try {
    const response = await fetch(api + "__ROUTE__", {headers});
    return {outcome: "read", status: response.status, body: await response.json(),
            correlation_id: response.headers.get("X-Correlation-ID")};
  } catch (error) {
    return {outcome: "blocked", error: error.name + ": " + error.message};
  }
}
(async () => {
  const result = {
    origin: location.origin,
    authenticated: await call({"Authorization": "Bearer __KEY__"}),
    without_key: await call({}),
  };
  document.getElementById("result").textContent = JSON.stringify(result);
})();
</script></body></html>
"""


def chromium() -> str:
    """Debian's chromium; its absence fails the test (CI installs it with `make browser`)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "no Chromium on PATH: this test proves CORS in a real browser. Install it with `make browser` "
        "(apt-get install -y chromium; `make test` does this first)",
        pytrace=False,
    )


@contextmanager
def page_server(port: int, api_url: str) -> Iterator[None]:
    """Serves the page calling `api_url` on 127.0.0.1:`port`."""
    page = (
        PAGE.replace("__API__", api_url).replace("__ROUTE__", ROUTE).replace("__KEY__", ADMIN_KEY)
    ).encode()

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server dispatches to do_<METHOD>
            self.reply(200, page, {"Content-Type": "text/html; charset=utf-8"})

    with serve_http(Handler, port):
        yield


def load_in_chromium(url: str, profile: Path) -> dict[str, Any]:
    """What the page's script wrote into the DOM after loading `url` in headless Chromium."""
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_SECONDS, check=False)
    found = RESULT.search(completed.stdout)
    assert found is not None, (
        f"chromium exited {completed.returncode} without the page's result:\n{completed.stderr[-3000:]}"
    )
    text = html.unescape(found.group("json"))
    assert text != "pending", f"the page's script did not finish:\n{completed.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(text)
    return result


def requests_logged(runner: Runner, method: str) -> int:
    """How many `method ROUTE` requests the runner has served so far (every log line read first)."""
    marker = f"cors-browser-{uuid.uuid4().hex}"
    httpx.get(f"{runner.url}/v2/health/liveness", headers={"X-Correlation-ID": marker}, timeout=30)
    deadline = time.monotonic() + LOG_SECONDS
    # The runner logs requests in order: once the marker's line is read, so are the page's.
    while not any(f"correlation_id={marker}" in line for line in list(runner.lines)):
        assert time.monotonic() < deadline, f"the runner did not log the marker request:\n{runner.output()}"
        time.sleep(0.05)
    return sum(1 for line in list(runner.lines) if f" {method} {ROUTE} -> " in line)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Runner, str, str]]:
    """The runner allowing one origin, and the page's URL on that origin and on another origin."""
    chromium()
    directory = tmp_path_factory.mktemp("cors-browser")
    port, other_port = free_port(), free_port()
    allowed = f"http://127.0.0.1:{port}"
    with (
        local_runner(admin_key=ADMIN_KEY, env_vars={"CORS_ORIGINS": allowed}, directory=directory) as runner,
        page_server(port, runner.url),
        # The same page from a second server, on another host and port: a different origin.
        page_server(other_port, runner.url),
    ):
        yield runner, f"{allowed}/", f"http://localhost:{other_port}/"


def test_a_page_from_the_allowed_origin_reads_the_api_answer_after_a_preflight(
    pages: tuple[Runner, str, str], tmp_path: Path
) -> None:
    runner, url, _ = pages
    preflights = requests_logged(runner, "OPTIONS")
    result = load_in_chromium(url, tmp_path / "profile")

    assert result["origin"] == url.rstrip("/")
    authenticated = result["authenticated"]
    assert authenticated["outcome"] == "read", authenticated
    assert authenticated["status"] == 200
    assert authenticated["body"]["status"] in {"ok", "degraded"}
    assert authenticated["correlation_id"], "X-Correlation-ID is exposed to the page"
    assert requests_logged(runner, "OPTIONS") > preflights, "the browser sent a preflight"


def test_a_page_from_the_allowed_origin_reads_the_gateways_own_401(
    pages: tuple[Runner, str, str], tmp_path: Path
) -> None:
    _, url, _ = pages
    result = load_in_chromium(url, tmp_path / "profile")

    without_key = result["without_key"]
    assert without_key["outcome"] == "read", without_key
    assert without_key["status"] == 401
    assert without_key["body"]["type"] == "https://api.orgair.io/problems/unauthorized"


def test_a_page_from_another_origin_is_blocked_before_its_request_is_sent(
    pages: tuple[Runner, str, str], tmp_path: Path
) -> None:
    runner, _, other = pages
    sent = requests_logged(runner, "GET")
    preflights = requests_logged(runner, "OPTIONS")
    result = load_in_chromium(other, tmp_path / "profile")

    assert result["origin"] == other.rstrip("/")
    assert result["authenticated"]["outcome"] == "blocked", result["authenticated"]
    assert result["authenticated"]["error"].startswith("TypeError"), result["authenticated"]
    assert result["without_key"]["outcome"] == "blocked", result["without_key"]
    assert requests_logged(runner, "OPTIONS") > preflights, "the browser asked first"
    # The preflight was refused, so the authenticated GET never left the browser; only the call
    # without a key (a simple request, no preflight) reached the runner, and its answer was hidden.
    assert requests_logged(runner, "GET") == sent + 1


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        (ROUTE, {}, 401),
        ("/v2/no-such-route", {}, 404),
        ("/v9/health", {}, 404),
    ],
)
def test_gateway_errors_carry_the_cors_headers_of_the_allowed_origin(
    pages: tuple[Runner, str, str], path: str, headers: dict[str, str], status: int
) -> None:
    runner, url, _ = pages
    origin = url.rstrip("/")
    response = httpx.get(runner.url + path, headers={"Origin": origin, **headers}, timeout=30)

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert response.headers["Vary"] == "Origin"
    assert "X-Correlation-ID" in response.headers["Access-Control-Expose-Headers"].split(",")
