"""What `serve` and `invoke` read before anything starts: the options, the ports, LOCAL_CONCURRENCY,
the template, the --env-vars file, the settings every container builds at init, and the local admin
key; each refusal is a `StartupError` whose message is the one line the developer sees."""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from devtools.localrun.api import stderr_log
from devtools.localrun.aws_services import (
    LocalResource,
    local_resources,
    with_local_refs,
)
from devtools.localrun.environment import (
    LocalEnvironmentError,
    load_env_vars_file,
    unknown_sections,
)
from devtools.localrun.functions import DEFAULT_CONCURRENCY
from devtools.template import TEMPLATE_PATH, Template, load_template
from devtools.template_specs import FunctionSpec

HOST = "127.0.0.1"
LOCAL_TENANT = "local"
ADMIN_SCOPES = frozenset({"admin"})
EXIT_CONFIG = 2


class StartupError(Exception):
    """A local configuration that cannot run; the message is the one line the developer sees."""


@dataclass(frozen=True)
class Options:
    template: Path = TEMPLATE_PATH
    env_vars: Path | None = None
    throttle: bool = True
    schedules: bool = True
    """Run each scheduled function on its schedule (`--no-schedules`, LOCAL_SCHEDULES=off: on demand only)."""


SCHEDULES_OFF = frozenset({"0", "off", "false", "no"})


def schedules_enabled(environment: Mapping[str, str]) -> bool:
    """False when LOCAL_SCHEDULES says off (0, off, false, no)."""
    return environment.get("LOCAL_SCHEDULES", "on").strip().lower() not in SCHEDULES_OFF


def say(message: str = "", stream: IO[str] | None = None) -> None:
    print(message, file=stream or sys.stdout, flush=True)


def port_setting(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default)) or str(default)
    try:
        port = int(raw)
    except ValueError:
        raise StartupError(f"{name}={raw!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise StartupError(f"{name}={port} is not a port number")
    if port == 0:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            port = int(probe.getsockname()[1])
    return port


CONCURRENCY_VARIABLE = "LOCAL_CONCURRENCY"
MAX_LOCAL_CONCURRENCY = 1000


def concurrency_setting(raw: str, function_ids: Iterable[str]) -> tuple[int, dict[str, int]]:
    """LOCAL_CONCURRENCY: `N` (every function without ReservedConcurrentExecutions), and/or
    `LogicalId=N` pairs, comma-separated (`4,ScoresFunction=2`); returns (default, per function)."""
    default, per_function, known = DEFAULT_CONCURRENCY, {}, set(function_ids)
    for part in (piece.strip() for piece in raw.split(",")):
        if not part:
            continue
        name, _, value = part.rpartition("=")
        name = name.strip()
        if name and name not in known:
            raise StartupError(f"{CONCURRENCY_VARIABLE}: {name!r} names no function of the template")
        try:
            number = int(value)
        except ValueError:
            raise StartupError(f"{CONCURRENCY_VARIABLE}: {value.strip()!r} is not a whole number") from None
        if not 1 <= number <= MAX_LOCAL_CONCURRENCY:
            raise StartupError(f"{CONCURRENCY_VARIABLE}: {number} is not from 1 to {MAX_LOCAL_CONCURRENCY}")
        if name:
            per_function[name] = number
        else:
            default = number
    return default, per_function


def read_template(options: Options) -> Template:
    try:
        return Template(load_template(options.template), base_dir=options.template.parent)
    except (OSError, ValueError) as error:
        raise StartupError(f"cannot read {options.template}: {error}") from None


def env_file_sections(options: Options, specs: list[FunctionSpec]) -> dict[str, dict[str, str]] | None:
    if options.env_vars is None:
        return None
    try:
        env_file = load_env_vars_file(options.env_vars)
    except LocalEnvironmentError as error:
        raise StartupError(str(error)) from None
    for section in unknown_sections(env_file, specs):
        stderr_log(f"warning: --env-vars section {section!r} names no function of the template")
    return env_file


def apply_environment(environment: Mapping[str, str]) -> None:
    os.environ.update(environment)
    time.tzset()


def check_settings() -> None:
    """Build the service's settings once, as every container does at init; refuse to start if invalid."""
    try:
        from orgair.settings import get_settings
    except ImportError as error:
        raise StartupError(f"cannot import orgair.settings: {error}") from None
    get_settings.cache_clear()
    try:
        get_settings()
    except Exception as error:
        # ConfigurationError's message is already one line naming each bad field (never a value).
        message = (
            str(error) if type(error).__name__ == "ConfigurationError" else f"{type(error).__name__}: {error}"
        )
        raise StartupError(message) from None
    finally:
        get_settings.cache_clear()


def admin_key_line() -> str:
    """Register LOCAL_ADMIN_API_KEY (or create a key) as an `admin` key of tenant `local`."""
    try:
        from orgair.auth.keys import create_key, register_key
    except ImportError as error:
        return f"API keys unavailable ({error}); no local admin key was set up"
    plaintext = os.environ.get("LOCAL_ADMIN_API_KEY")
    try:
        if plaintext:
            record = register_key(plaintext, tenant_id=LOCAL_TENANT, scopes=ADMIN_SCOPES, name="local-admin")
            return (
                f"Admin API key: LOCAL_ADMIN_API_KEY registered (tenant local, scope admin, {record.key_id})"
            )
        plaintext, record = create_key(tenant_id=LOCAL_TENANT, scopes=ADMIN_SCOPES, name="local-admin")
    except Exception as error:
        fields = "; ".join(f"{item.field}: {item.message}" for item in getattr(error, "errors", []))
        raise StartupError(
            f"cannot set up the local admin key: {error}" + (f" ({fields})" if fields else "")
        ) from None
    return (
        f"Admin API key (tenant local, scope admin; shown once, set LOCAL_ADMIN_API_KEY to keep one): "
        f"{plaintext}"
    )


def local_template(options: Options, aws_endpoint: str) -> tuple[Template, list[LocalResource]]:
    """The template whose `!Ref`s of topics, queues, buckets, buses and parameters are the local ones."""
    template = read_template(options)
    try:
        resources = local_resources(template, aws_endpoint)
    except (KeyError, ValueError) as error:
        raise StartupError(f"cannot read the AWS resources of {options.template.name}: {error}") from None
    return with_local_refs(template, resources), resources
