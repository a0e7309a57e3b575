"""Run in a fresh `python -I -S` by test_lambda_init.py: initialise one built function as Lambda would.

Standard library only until the handler is imported. sys.path is Lambda's: the function's code
(/var/task), the layer (/opt/python), the runtime's boto3; nothing of the dev venv. Every connection,
datagram and name lookup that leaves loopback is recorded (an audit hook sees them all) and refused.

argv: task layer runtime handler events.json result.json
The result (JSON): the settings' environment, the length of each secret the settings fetched, each
event's status code, the modules loaded from outside the allowed directories, the refused addresses.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any, get_args

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
refused: list[str] = []


def _host(address: Any) -> str | None:
    if isinstance(address, tuple) and address:
        return str(address[0])
    if isinstance(address, str | bytes):
        return None  # a Unix socket path: local by definition
    return None


def _loopback_only(event: str, args: tuple[Any, ...]) -> None:
    if event in {"socket.connect", "socket.sendto"}:
        host = _host(args[1])
    elif event == "socket.getaddrinfo":
        host = None if args[0] is None else (args[0].decode() if isinstance(args[0], bytes) else str(args[0]))
    else:
        return
    if host is not None and host not in LOOPBACK:
        refused.append(f"{event} {host}")
        raise PermissionError(f"network beyond loopback refused: {event} {host}")


class Context:
    """The attributes of Lambda's context object that the handlers and Powertools read."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.function_version = "1"
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = "lambda-init-check"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "lambda-init-check"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def main() -> None:
    task, layer, runtime, handler_name, events_path, result_path = sys.argv[1:7]
    sys.path[0:0] = [task, layer, runtime]
    sys.addaudithook(_loopback_only)
    module_name, attribute = handler_name.rsplit(".", 1)
    handler = getattr(importlib.import_module(module_name), attribute)

    from orgair.settings import SecretName, get_settings

    settings = get_settings()
    secrets = {}
    for name in get_args(SecretName):
        if settings.configured(name):
            value = settings.secret(name)
            secrets[name] = 0 if value is None else len(value.get_secret_value())

    with open(events_path, encoding="utf-8") as handle:
        events = json.load(handle)
    context = Context(os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "function"))
    responses = [handler(event, context) for event in events]
    statuses = [int(response["statusCode"]) for response in responses]

    import sysconfig

    roots = [task, layer, runtime, *{sysconfig.get_path(kind) for kind in ("stdlib", "platstdlib")}]
    allowed = [os.path.join(os.path.abspath(root), "") for root in roots]
    outside = sorted(
        f"{name}: {path}"
        for name, module in list(sys.modules.items())
        if getattr(module, "__file__", None) != __file__
        if (path := getattr(module, "__file__", None)) and not any(path.startswith(root) for root in allowed)
    )
    result = {
        "app_env": settings.APP_ENV,
        "secrets": secrets,
        "statuses": statuses,
        "outside": outside,
        "refused": refused,
        "sys_path": sys.path,
    }
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
