"""`python -m devtools.localllm --port 8089 [--latency-ms 200] [--fail 429:2,openai/hang]`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

from devtools.localllm.faults import (
    DEFAULT_HANG_SECONDS,
    MODE_HELP,
    FaultPlan,
    FaultSpecError,
    parse_fault_spec,
)
from devtools.localllm.server import BANNER, CONTROL_PATH, LocalLlm


def plan_from(*, fail: str, latency_ms: int, retry_after: int, hang_seconds: float) -> FaultPlan:
    plan = FaultPlan()
    plan.set_latency(latency_ms)
    plan.add(parse_fault_spec(fail, retry_after=retry_after, hang_seconds=hang_seconds))
    return plan


def _int_env(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "")
    return int(raw) if raw.strip().isdigit() else default


def parser(environ: Mapping[str, str] = os.environ) -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m devtools.localllm",
        description=f"A {BANNER}: OpenAI Chat Completions and Anthropic Messages on loopback.",
    )
    root.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    root.add_argument("--port", type=int, default=_int_env(environ, "LOCAL_LLM_PORT", 8089))
    root.add_argument(
        "--latency-ms",
        type=int,
        default=_int_env(environ, "LOCAL_LLM_LATENCY_MS", 0),
        help="added to every provider call (env LOCAL_LLM_LATENCY_MS)",
    )
    root.add_argument(
        "--fail",
        default=environ.get("LOCAL_LLM_FAIL", ""),
        help=f"the next failures, `[provider/]mode[:count]` comma-separated (env LOCAL_LLM_FAIL); modes: {MODE_HELP}",
    )
    root.add_argument("--retry-after", type=int, default=1, help="retry-after seconds of injected 429s")
    root.add_argument(
        "--hang-seconds", type=float, default=DEFAULT_HANG_SECONDS, help="how long `hang` holds a call"
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        plan = plan_from(
            fail=args.fail,
            latency_ms=args.latency_ms,
            retry_after=args.retry_after,
            hang_seconds=args.hang_seconds,
        )
    except FaultSpecError as error:
        print(f"localllm: {error}", file=sys.stderr)
        return 2
    try:
        server = LocalLlm(args.host, args.port, plan=plan)
    except OSError as error:
        print(f"localllm: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"{BANNER} on {server.url}", flush=True)
    print(
        f"  OPENAI_BASE_URL={server.openai_base_url}  ANTHROPIC_BASE_URL={server.anthropic_base_url}",
        flush=True,
    )
    print(f"  failures and latency: GET/POST {server.url}{CONTROL_PATH}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
