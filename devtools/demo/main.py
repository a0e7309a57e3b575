"""`python -m devtools.demo`: waits for the local API, walks the journey, reports each step."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Final, TextIO

import httpx

import devtools.demo
from devtools.cli.target import local_endpoint
from devtools.demo import cost_steps, scoring_steps
from devtools.demo.tour import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNUSABLE,
    PORTFOLIO_SIZE,
    REQUEST_TIMEOUT_SECONDS,
    START_HINT,
    StepFailed,
    Tour,
    Unusable,
    loopback,
)

JOURNEY: Final[tuple[Callable[[Tour], None], ...]] = (
    scoring_steps.create_key,
    scoring_steps.score_v1,
    scoring_steps.score_v2,
    scoring_steps.simulate,
    scoring_steps.hitl_jump,
    scoring_steps.history,
    scoring_steps.portfolio,
    scoring_steps.reviews,
    scoring_steps.decide,
    cost_steps.assess,
    cost_steps.ledger_lines,
    cost_steps.submit_job,
    cost_steps.job_finished,
    cost_steps.set_budget,
    cost_steps.refused,
    cost_steps.budget_check,
    cost_steps.published,
    cost_steps.cost_summary,
    cost_steps.cost_entries,
)


def wait_for_api(http: httpx.Client, url: str, seconds: float, out: TextIO) -> None:
    """Poll the public liveness route until the runner answers, or say how to start it."""
    deadline = time.monotonic() + seconds
    said = False
    while True:
        try:
            if http.get("/v2/health/liveness", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() >= deadline:
            raise Unusable(f"no local API answers at {url}: {START_HINT}")
        if not said:
            print(f"waiting up to {seconds:.0f} s for the local API at {url} ...", file=out, flush=True)
            said = True
        time.sleep(0.5)


def run(
    url: str, dynamodb_url: str, *, wait_seconds: float, out: TextIO, portfolio_size: int = PORTFOLIO_SIZE
) -> int:
    api = loopback(url)
    dynamodb = loopback(dynamodb_url)
    with httpx.Client(base_url=api, timeout=REQUEST_TIMEOUT_SECONDS, trust_env=False) as http:
        wait_for_api(http, api, wait_seconds, out)
        tour = Tour(http, dynamodb, out, portfolio_size=portfolio_size)
        print(f"orgair guided tour against {api} (tenant {tour.tenant}, DynamoDB {dynamodb})", file=out)
        started = time.perf_counter()
        try:
            for step in JOURNEY:
                step(tour)
        except StepFailed:
            print(f"the tour stopped at step {len(tour.steps)}: it did not answer as expected", file=out)
            return EXIT_FAILED
        print(f"{len(tour.steps)} steps, all as expected, in {time.perf_counter() - started:.1f} s", file=out)
        return EXIT_OK


def portfolio_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = 0
    if not 1 <= size <= PORTFOLIO_SIZE:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {PORTFOLIO_SIZE}")
    return size


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.demo", description=(devtools.demo.__doc__ or "").splitlines()[0]
    )
    parser.add_argument(
        "--url",
        default=f"http://127.0.0.1:{os.environ.get('PORT', '3000')}",
        help="the local API (default http://127.0.0.1:$PORT, PORT 3000)",
    )
    parser.add_argument(
        "--dynamodb-url",
        default=local_endpoint(),
        help="the runner's embedded DynamoDB, for the CLI (default http://127.0.0.1:$DYNAMODB_PORT, 8000)",
    )
    parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the API (default 30)")
    parser.add_argument(
        "--portfolio-size",
        type=portfolio_size,
        default=PORTFOLIO_SIZE,
        help=f"companies in the portfolio step, 1-{PORTFOLIO_SIZE} (default {PORTFOLIO_SIZE})",
    )
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    stream = out or sys.stdout
    try:
        return run(
            args.url,
            args.dynamodb_url,
            wait_seconds=args.wait,
            out=stream,
            portfolio_size=args.portfolio_size,
        )
    except Unusable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
