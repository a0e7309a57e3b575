"""`serve` and `invoke`: wiring the template, the environment, the embedded DynamoDB, the
functions and the HTTP front together, and failing early with one clear line when the local
configuration cannot work (bad settings, conflicting environments, a port in use)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import FrameType
from typing import IO, Any

from devtools.embedded_dynamodb import (
    EmbeddedDynamoDB,
    PortInUseError,
    create_tables,
    is_listening,
    local_client,
)
from devtools.localrun.api import LocalApi, stderr_log
from devtools.localrun.aws_services import (
    SERVED,
    TOPIC,
    LocalResource,
    create_resources,
    event_buses,
    local_aws_environment,
    local_resources,
    seed_ssm_secrets,
    with_local_refs,
)
from devtools.localrun.cors import CorsOriginsError, with_cors_origins
from devtools.localrun.environment import (
    LocalEnvironmentError,
    function_environment,
    load_env_vars_file,
    merge_environments,
    unknown_sections,
)
from devtools.localrun.functions import DEFAULT_CONCURRENCY, FunctionRegistry, InvocationOutcome
from devtools.localrun.llm import LocalLlmError, RunnerLlm, start_llm
from devtools.localrun.local_invoke import LOCAL_INVOKE_PREFIX
from devtools.localrun.proxy import marshal
from devtools.localrun.published import PUBLISHED_PATH, PublishedLog
from devtools.localrun.queues import QueuePollers, queue_bindings
from devtools.localrun.schedules import (
    ScheduleExpressionError,
    Scheduler,
    register_schedule_rules,
    rule_lines,
    schedule_jobs,
    scheduled_event,
)
from devtools.localrun.server import LocalHttpServer
from devtools.localrun.shared_aws import SharedAws, SharedAwsMissing, open_aws, shared_aws_enabled
from devtools.localrun.throttle import TenantLimits
from devtools.localrun.timeouts import (
    TIMEOUT_VARIABLE,
    LocalTimeoutError,
    timeout_setting,
    with_local_timeouts,
    with_scaled_visibility,
)
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


def _say(message: str = "", stream: IO[str] | None = None) -> None:
    print(message, file=stream or sys.stdout, flush=True)


def _port(name: str, default: int) -> int:
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


def _template(options: Options) -> Template:
    try:
        return Template(load_template(options.template), base_dir=options.template.parent)
    except (OSError, ValueError) as error:
        raise StartupError(f"cannot read {options.template}: {error}") from None


def _env_file(options: Options, specs: list[FunctionSpec]) -> dict[str, dict[str, str]] | None:
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


def _admin_key() -> str:
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


def _route_lines(api: LocalApi, base_url: str) -> list[str]:
    rows = []
    for stage, target in sorted(api.routes(), key=lambda item: (item[0], item[1].resource, item[1].method)):
        auth = f"authorizer {target.authorizer}" if target.authorizer else "public"
        rows.append((target.method, f"{base_url}/{stage}{target.resource}", f"{target.function_id} ({auth})"))
    width = max((len(url) for _, url, _ in rows), default=0)
    return [f"  {method:<7} {url:<{width}}  {what}" for method, url, what in rows]


def serve(options: Options) -> int:
    """`make run`: the embedded DynamoDB and every API route of the template, until Ctrl-C / SIGTERM."""
    try:
        return _serve(options)
    except StartupError as error:
        _say(f"localrun: {error}", sys.stderr)
        return EXIT_CONFIG


def _serve(options: Options) -> int:
    stop = _stop_on_signals()
    port = _port("PORT", 3000)
    dynamodb_port = _port("DYNAMODB_PORT", 8000)
    aws_endpoint = f"http://{HOST}:{dynamodb_port}"
    template, resources = _local_template(options, aws_endpoint)
    specs = template.functions()
    env_file = _env_file(options, specs)
    default_concurrency, concurrency = concurrency_setting(
        os.environ.get(CONCURRENCY_VARIABLE, ""), (spec.logical_id for spec in specs)
    )
    local = local_aws_environment(aws_endpoint)
    try:
        environment = merge_environments(
            {
                spec.logical_id: function_environment(
                    spec, local=local, env_file=env_file, process=os.environ
                )
                for spec in specs
            }
        )
    except LocalEnvironmentError as error:
        raise StartupError(str(error)) from None
    try:
        template = with_cors_origins(template, environment)
    except CorsOriginsError as error:
        raise StartupError(str(error)) from None
    specs = template.functions()
    try:
        timeouts = timeout_setting(os.environ.get(TIMEOUT_VARIABLE, ""), specs)
    except LocalTimeoutError as error:
        raise StartupError(str(error)) from None
    resources, visibility_lines = with_scaled_visibility(template, resources, specs, timeouts)
    specs = with_local_timeouts(specs, timeouts)
    try:
        jobs = schedule_jobs(specs)
    except ScheduleExpressionError as error:
        raise StartupError(f"schedule: {error}") from None
    apply_environment(environment)
    check_settings()

    try:
        dynamodb = open_aws(HOST, dynamodb_port, shared=shared_aws_enabled(os.environ))
    except (PortInUseError, SharedAwsMissing) as error:
        raise StartupError(f"DynamoDB: {error.strerror}") from None
    server: LocalHttpServer | None = None
    registry: FunctionRegistry | None = None
    llm: RunnerLlm | None = None
    published: PublishedLog | None = None
    scheduler: Scheduler | None = None
    pollers: QueuePollers | None = None
    try:
        try:
            tables = dynamodb.create_tables(template)
        except SharedAwsMissing as error:
            raise StartupError(f"DynamoDB: {error.strerror}") from None
        try:
            llm = start_llm(HOST, environment, os.environ)
        except LocalLlmError as error:
            raise StartupError(str(error)) from None
        apply_environment(llm.environment)
        created = create_resources(template, resources, dynamodb.endpoint_url)
        seeded = seed_ssm_secrets(os.environ, dynamodb.endpoint_url)
        check_settings()  # with the local LLM's variables and the seeded secrets
        rules = register_schedule_rules(jobs, dynamodb.endpoint_url)
        published = PublishedLog(dynamodb.endpoint_url).attach(
            [resource.ref for resource in resources if resource.type == TOPIC],
            event_buses(resources, environment),
        )
        base = options.template.parent
        api_holder: list[LocalApi] = []

        def reloaded(changed: list[str]) -> None:
            names = ", ".join(os.path.relpath(path, base) for path in changed[:5])
            more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
            stderr_log(f"code changed ({names}{more}): reloading functions and the shared layer")
            if str(options.template) in changed:
                stderr_log(
                    "template.yaml changed: restart the runner to pick up routes, environment and tables"
                )
            for api_ in api_holder:
                api_.on_reload(changed)

        registry = FunctionRegistry(
            specs,
            watch_roots=[base / "functions", base / "layers" / "shared"],
            watch_files=[options.template],
            on_reload=reloaded,
            default_concurrency=default_concurrency,
            concurrency=concurrency,
            log=stderr_log,
        )
        limits = TenantLimits.from_settings()
        api = LocalApi(
            template,
            registry,
            throttle=options.throttle,
            tenant_limits=limits,
            local_routes={PUBLISHED_PATH: published.handle},
            # A function with several schedules gets its first one's event (the first job wins).
            default_events={
                job.function_id: partial(scheduled_event, job.function_id, job.schedule)
                for job in reversed(jobs)
            },
        )
        api_holder.append(api)
        try:
            server = LocalHttpServer(api, HOST, port)
        except PortInUseError as error:
            raise StartupError(f"HTTP: {error.strerror}") from None
        key_line = _admin_key()

        _say(f"orgair local runner: {len(specs)} functions from {options.template.name}")
        shared = " (shared, left running: LOCAL_SHARED_AWS)" if isinstance(dynamodb, SharedAws) else ""
        _say(
            f"DynamoDB (embedded moto{shared}): {dynamodb.endpoint_url}  "
            f"tables: {', '.join(sorted(template.tables()))}"
        )
        if tables:
            _say(f"  created: {', '.join(tables)}")
        _say(f"Also on the embedded moto: {', '.join(SERVED[1:])} (AWS_ENDPOINT_URL={dynamodb.endpoint_url})")
        for line in created:
            _say(f"  created: {line}")
        for line in visibility_lines:
            _say(f"  local: {line}")
        for function_id, seconds in sorted(timeouts.items()):
            _say(f"Timeout: {function_id} {seconds} s locally ({TIMEOUT_VARIABLE})")
        for line in rule_lines(rules):
            _say(f"  created: {line}")
        for line in seeded:
            _say(f"  SSM SecureString seeded: {line}")
        _say(key_line)
        _say(llm.line)
        if options.throttle:
            _say(
                f"Per-tenant limits (TENANT_* settings, docs/tenants.md): {limits.rate_per_second:g}/s, "
                f"burst {limits.burst}, {limits.daily_quota}/day"
            )
        for warning in api.warnings:
            _say(f"warning: {warning}")
        _say("Routes:")
        for line in _route_lines(api, server.url):
            _say(line)
        _say("Runner-only (POST an event, get the function's raw result):")
        for spec in specs:
            schedules = ", ".join(schedule.expression for schedule in spec.schedules)
            suffix = f"  (schedule {schedules})" if schedules else ""
            _say(f"  POST    {server.url}{LOCAL_INVOKE_PREFIX}{spec.logical_id}{suffix}")
        _say(f"  GET     {server.url}{PUBLISHED_PATH}  (SNS messages and EventBridge events published)")
        try:
            bindings = queue_bindings(specs, resources)
        except ValueError as error:
            raise StartupError(f"SQS event source: {error}") from None
        pollers = QueuePollers(bindings, registry.invoke, dynamodb.endpoint_url, stderr_log)
        for binding in bindings:
            _say(binding.line())
        scheduler = Scheduler(jobs, scheduled_invoker(registry))
        if jobs and options.schedules:
            for job, due in scheduler.next_runs.items():
                _say(
                    f"Schedule: {job.function_id} {job.schedule.expression}, first run {due:%H:%M:%S} UTC "
                    "(--no-schedules or LOCAL_SCHEDULES=off to run on demand only)"
                )
        elif jobs:
            _say(
                "Schedules off (--no-schedules / LOCAL_SCHEDULES=off): scheduled functions run on demand only"
            )
        limits_text = ", ".join(
            f"{spec.logical_id} {registry.concurrency(spec.logical_id)}" for spec in specs
        )
        _say(
            f"Concurrent requests per function ({CONCURRENCY_VARIABLE}; more wait in line, up to 29 s): "
            + limits_text
        )
        _say("Edits under functions/ and layers/shared/ apply on the next request.")
        if not stop.is_set():
            server.start()
            published.start()
            pollers.start()
            if options.schedules:
                scheduler.start()
            _say(f"Ready: serving on {server.url} (Ctrl-C to stop)")
            while not stop.wait(0.5):
                pass
        _say("Stopping...")
    finally:
        if scheduler is not None:
            scheduler.stop()
        if pollers is not None:
            pollers.stop()
        if server is not None:
            server.stop()
        if published is not None:
            published.stop()
        if registry is not None:
            registry.close()
        if llm is not None:
            llm.stop()
        dynamodb.stop()
    _say("Stopped.")
    return 0


def _local_template(options: Options, aws_endpoint: str) -> tuple[Template, list[LocalResource]]:
    """The template whose `!Ref`s of topics, queues, buckets, buses and parameters are the local ones."""
    template = _template(options)
    try:
        resources = local_resources(template, aws_endpoint)
    except (KeyError, ValueError) as error:
        raise StartupError(f"cannot read the AWS resources of {options.template.name}: {error}") from None
    return with_local_refs(template, resources), resources


def scheduled_invoker(registry: FunctionRegistry) -> Callable[[str, dict[str, Any]], None]:
    """Run a scheduled function and say in one line how it went (the traceback only on failure)."""

    def run(function_id: str, event: dict[str, Any]) -> None:
        outcome = registry.invoke(function_id, event)
        where = f"scheduled {function_id} ({event['resources'][0].rsplit('/', 1)[-1]})"
        if outcome.timed_out:
            stderr_log(f"{where}: Task timed out after {outcome.duration_ms / 1000:.2f} seconds")
        elif outcome.error is not None:
            stack = "".join(outcome.error.stack).rstrip()
            stderr_log(
                f"{where}: [ERROR] {outcome.error.error_type}: {outcome.error.message}"
                + (f"\nTraceback (most recent call last):\n{stack}" if stack else "")
            )
        else:
            stderr_log(f"{where} -> {marshal(outcome.result)[:300]} {outcome.duration_ms:.1f} ms")

    return run


def _stop_on_signals() -> threading.Event:
    """An event set by SIGINT or SIGTERM, installed before startup so an early Ctrl-C also stops
    cleanly; a second Ctrl-C while stopping ends the process at once."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    return stop


# ---------------------------------------------------------------------- invoke


def _read_event(source: str | None) -> Any:
    if source is None:
        return {}
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise StartupError(f"--event {source}: {error.strerror or error}") from None
    try:
        return json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as error:
        raise StartupError(f"--event {source}: not valid JSON ({error.msg}, line {error.lineno})") from None


@contextmanager
def _stdout_to_stderr() -> Iterator[IO[str]]:
    """Everything written to stdout (handler prints, Powertools logs) goes to stderr; the yielded
    stream is the real stdout, for the result alone."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    result = os.fdopen(os.dup(saved), "w", encoding="utf-8")
    try:
        yield result
    finally:
        result.flush()
        result.close()
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def invoke(function_id: str, event_source: str | None, options: Options) -> int:
    """`make invoke`: run one function once with an event; the result on stdout, logs on stderr."""
    try:
        return _invoke(function_id, event_source, options)
    except StartupError as error:
        _say(f"localrun: {error}", sys.stderr)
        return EXIT_CONFIG


def _invoke(function_id: str, event_source: str | None, options: Options) -> int:
    dynamodb_port = _port("DYNAMODB_PORT", 8000)
    shared = is_listening(HOST, dynamodb_port)
    template, resources = _local_template(options, f"http://{HOST}:{dynamodb_port}")
    specs = template.functions()
    spec = next((spec for spec in specs if spec.logical_id == function_id), None)
    if spec is None:
        known = ", ".join(spec.logical_id for spec in specs)
        raise StartupError(f"no function {function_id!r} in {options.template.name}; known: {known}")
    event = _read_event(event_source)
    env_file = _env_file(options, specs)
    private: EmbeddedDynamoDB | None = None
    if shared:
        endpoint = f"http://{HOST}:{dynamodb_port}"
        try:
            create_tables(local_client(endpoint), template)
        except Exception as error:
            raise StartupError(
                f"{HOST}:{dynamodb_port} is in use but does not answer as DynamoDB "
                f"({type(error).__name__}); stop it or set DYNAMODB_PORT"
            ) from None
        stderr_log(f"using the DynamoDB at {endpoint} (a running `make run`)")
    else:
        private = EmbeddedDynamoDB(HOST, 0).start()
        private.create_tables(template)
        endpoint = private.endpoint_url
        # A private server has another port: queue URLs move with it.
        template, resources = _local_template(options, endpoint)
        spec = next(spec for spec in template.functions() if spec.logical_id == function_id)
    try:
        create_resources(template, resources, endpoint)
        apply_environment(
            function_environment(
                spec, local=local_aws_environment(endpoint), env_file=env_file, process=os.environ
            )
        )
        seed_ssm_secrets(os.environ, endpoint)
        check_settings()
        registry = FunctionRegistry([spec])
        with _stdout_to_stderr() as result_stream:
            outcome = registry.invoke(spec.logical_id, event)
            registry.close()
            _report(spec, outcome)
            return _print_outcome(spec, outcome, result_stream)
    finally:
        if private is not None:
            private.stop()


def _report(spec: FunctionSpec, outcome: InvocationOutcome) -> None:
    print(
        f"REPORT RequestId: {outcome.request_id}\tDuration: {outcome.duration_ms:.2f} ms\t"
        f"Memory Size: {spec.memory_mb} MB",
        file=sys.stderr,
        flush=True,
    )


def _print_outcome(spec: FunctionSpec, outcome: InvocationOutcome, stream: IO[str]) -> int:
    if outcome.timed_out:
        payload: dict[str, Any] = {
            "errorMessage": f"{outcome.request_id} Task timed out after {spec.timeout:.2f} seconds",
            "errorType": "Sandbox.Timedout",
        }
    elif outcome.error is not None:
        payload = outcome.error.payload(outcome.request_id)
        stack = "".join(outcome.error.stack).rstrip()
        if stack:
            print(f"Traceback (most recent call last):\n{stack}", file=sys.stderr)
        print(f"[ERROR] {outcome.error.error_type}: {outcome.error.message}", file=sys.stderr, flush=True)
    else:
        try:
            stream.write(marshal(outcome.result) + "\n")
            return 0
        except (TypeError, ValueError) as error:
            payload = {"errorMessage": str(error), "errorType": "Runtime.MarshalError"}
    stream.write(json.dumps(payload) + "\n")
    return 1
