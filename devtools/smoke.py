"""Post-deploy smoke test: both stages answer /health with their own parameter version.

`python -m devtools.smoke --v1-url https://.../v1 --v2-url https://.../v2` (the stack outputs
ApiV1Url and ApiV2Url). Standard library only, so a deploy job needs nothing installed for it.
A fresh deployment can answer 5xx or not at all for a few seconds: those are retried, a wrong
answer is not.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EXPECTED_VERSIONS = {"v1": "v1.0", "v2": "v2.0"}


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]


def http_get(url: str, timeout: float) -> Answer:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            return Answer(response.status, response.read(), dict(response.headers.items()))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(), dict(error.headers.items()))


def problems_with(stage: str, answer: Answer) -> list[str]:
    """What is wrong with a /health answer of `stage` (empty when it is right)."""
    if answer.status != 200:
        return [f"{stage}: /health answered {answer.status}"]
    try:
        body: Any = json.loads(answer.body)
    except ValueError:
        return [f"{stage}: /health did not answer JSON"]
    found: list[str] = []
    if not isinstance(body, dict):
        return [f"{stage}: /health answered {type(body).__name__}, not an object"]
    if body.get("status") != "ok":
        found.append(f"{stage}: status is {body.get('status')!r}, not 'ok'")
    if body.get("stage") != stage:
        found.append(f"{stage}: stage is {body.get('stage')!r}")
    if body.get("param_version") != EXPECTED_VERSIONS[stage]:
        found.append(
            f"{stage}: param_version is {body.get('param_version')!r}, not {EXPECTED_VERSIONS[stage]!r}"
        )
    if not any(name.lower() == "x-correlation-id" for name in answer.headers):
        found.append(f"{stage}: no X-Correlation-ID header")
    return found


def check_stage(
    stage: str,
    base_url: str,
    *,
    attempts: int,
    delay: float,
    timeout: float,
    get: Callable[[str, float], Answer] = http_get,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    url = base_url.rstrip("/") + "/health"
    last: list[str] = []
    for attempt in range(1, attempts + 1):
        try:
            answer = get(url, timeout)
        except OSError as error:
            last = [f"{stage}: {url} unreachable ({error})"]
        else:
            last = problems_with(stage, answer)
            if not last or answer.status < 500:
                return last
        if attempt < attempts:
            sleep(delay)
    return last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.smoke", description=__doc__.splitlines()[0])
    parser.add_argument("--v1-url", required=True, help="stack output ApiV1Url")
    parser.add_argument("--v2-url", required=True, help="stack output ApiV2Url")
    parser.add_argument("--attempts", type=int, default=10)
    parser.add_argument("--delay", type=float, default=6.0, help="seconds between attempts")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    args = parser.parse_args(argv)
    problems: list[str] = []
    for stage, url in (("v1", args.v1_url), ("v2", args.v2_url)):
        found = check_stage(stage, url, attempts=args.attempts, delay=args.delay, timeout=args.timeout)
        problems.extend(found)
        print(f"{stage}: {'FAILED' if found else 'ok'} {url}/health")
    for problem in problems:
        print(f"smoke test: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
