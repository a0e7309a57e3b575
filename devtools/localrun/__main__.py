"""`python -m devtools.localrun serve | invoke <LogicalId>`: the Docker-free `sam local`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from devtools.localrun.invoke_command import invoke
from devtools.localrun.runner import serve
from devtools.localrun.startup import Options, schedules_enabled
from devtools.template import TEMPLATE_PATH


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m devtools.localrun",
        description="Run the template's API and functions locally, in-process, without Docker.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--env-vars",
        type=Path,
        metavar="FILE",
        help='environment overrides in sam local\'s format: {"Parameters": {...}, "<LogicalId>": {...}}',
    )
    common.add_argument("--template", type=Path, default=TEMPLATE_PATH, help=argparse.SUPPRESS)
    commands = root.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser(
        "serve",
        parents=[common],
        help="serve every API route on 127.0.0.1:$PORT (default 3000) with DynamoDB on $DYNAMODB_PORT",
    )
    serve_cmd.add_argument(
        "--no-throttle", action="store_true", help="ignore stage throttling and the per-tenant limits"
    )
    serve_cmd.add_argument(
        "--no-schedules",
        action="store_true",
        help="do not run scheduled functions on their schedule (also LOCAL_SCHEDULES=off); "
        "POST /_local/invoke/<LogicalId> still runs them",
    )
    invoke_cmd = commands.add_parser(
        "invoke", parents=[common], help="run one function once and print its result (sam local invoke)"
    )
    invoke_cmd.add_argument(
        "function", metavar="LogicalId", help="the function's logical id in template.yaml"
    )
    invoke_cmd.add_argument(
        "--event", "-e", metavar="FILE", help="event JSON file, or - for stdin (default: {})"
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    options = Options(template=args.template.resolve(), env_vars=args.env_vars)
    if args.command == "serve":
        return serve(
            Options(
                template=options.template,
                env_vars=options.env_vars,
                throttle=not args.no_throttle,
                schedules=not args.no_schedules and schedules_enabled(os.environ),
            )
        )
    return invoke(args.function, args.event, options)


if __name__ == "__main__":
    sys.exit(main())
