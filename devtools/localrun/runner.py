"""`serve`: wiring the template, the environment, the embedded DynamoDB, the
functions and the HTTP front together, and failing early with one clear line when the local
configuration cannot work (bad settings, conflicting environments, a port in use)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from functools import partial
from types import FrameType
from typing import Any

from devtools.embedded_dynamodb import (
    PortInUseError,
)
from devtools.localrun.api import LocalApi, stderr_log
from devtools.localrun.aws_services import (
    SERVED,
    TOPIC,
    create_resources,
    event_buses,
    local_aws_environment,
    seed_ssm_secrets,
)
from devtools.localrun.cors import CorsOriginsError, with_cors_origins
from devtools.localrun.environment import (
    LocalEnvironmentError,
    function_environment,
    merge_environments,
)
from devtools.localrun.functions import FunctionRegistry
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
from devtools.localrun.startup import (
    CONCURRENCY_VARIABLE,
    EXIT_CONFIG,
    HOST,
    Options,
    StartupError,
    admin_key_line,
    apply_environment,
    check_settings,
    concurrency_setting,
    env_file_sections,
    local_template,
    port_setting,
    say,
)
from devtools.localrun.throttle import TenantLimits
from devtools.localrun.timeouts import (
    TIMEOUT_VARIABLE,
    LocalTimeoutError,
    timeout_setting,
    with_local_timeouts,
    with_scaled_visibility,
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
        say(f"localrun: {error}", sys.stderr)
        return EXIT_CONFIG


def _serve(options: Options) -> int:
    stop = _stop_on_signals()
    port = port_setting("PORT", 3000)
    dynamodb_port = port_setting("DYNAMODB_PORT", 8000)
    aws_endpoint = f"http://{HOST}:{dynamodb_port}"
    template, resources = local_template(options, aws_endpoint)
    specs = template.functions()
    env_file = env_file_sections(options, specs)
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
        key_line = admin_key_line()

        say(f"orgair local runner: {len(specs)} functions from {options.template.name}")
        shared = " (shared, left running: LOCAL_SHARED_AWS)" if isinstance(dynamodb, SharedAws) else ""
        say(
            f"DynamoDB (embedded moto{shared}): {dynamodb.endpoint_url}  "
            f"tables: {', '.join(sorted(template.tables()))}"
        )
        if tables:
            say(f"  created: {', '.join(tables)}")
        say(f"Also on the embedded moto: {', '.join(SERVED[1:])} (AWS_ENDPOINT_URL={dynamodb.endpoint_url})")
        for line in created:
            say(f"  created: {line}")
        for line in visibility_lines:
            say(f"  local: {line}")
        for function_id, seconds in sorted(timeouts.items()):
            say(f"Timeout: {function_id} {seconds} s locally ({TIMEOUT_VARIABLE})")
        for line in rule_lines(rules):
            say(f"  created: {line}")
        for line in seeded:
            say(f"  SSM SecureString seeded: {line}")
        say(key_line)
        say(llm.line)
        if options.throttle:
            say(
                f"Per-tenant limits (TENANT_* settings, docs/tenants.md): {limits.rate_per_second:g}/s, "
                f"burst {limits.burst}, {limits.daily_quota}/day"
            )
        for warning in api.warnings:
            say(f"warning: {warning}")
        say("Routes:")
        for line in _route_lines(api, server.url):
            say(line)
        say("Runner-only (POST an event, get the function's raw result):")
        for spec in specs:
            schedules = ", ".join(schedule.expression for schedule in spec.schedules)
            suffix = f"  (schedule {schedules})" if schedules else ""
            say(f"  POST    {server.url}{LOCAL_INVOKE_PREFIX}{spec.logical_id}{suffix}")
        say(f"  GET     {server.url}{PUBLISHED_PATH}  (SNS messages and EventBridge events published)")
        try:
            bindings = queue_bindings(specs, resources)
        except ValueError as error:
            raise StartupError(f"SQS event source: {error}") from None
        pollers = QueuePollers(bindings, registry.invoke, dynamodb.endpoint_url, stderr_log)
        for binding in bindings:
            say(binding.line())
        scheduler = Scheduler(jobs, scheduled_invoker(registry))
        if jobs and options.schedules:
            for job, due in scheduler.next_runs.items():
                say(
                    f"Schedule: {job.function_id} {job.schedule.expression}, first run {due:%H:%M:%S} UTC "
                    "(--no-schedules or LOCAL_SCHEDULES=off to run on demand only)"
                )
        elif jobs:
            say(
                "Schedules off (--no-schedules / LOCAL_SCHEDULES=off): scheduled functions run on demand only"
            )
        limits_text = ", ".join(
            f"{spec.logical_id} {registry.concurrency(spec.logical_id)}" for spec in specs
        )
        say(
            f"Concurrent requests per function ({CONCURRENCY_VARIABLE}; more wait in line, up to 29 s): "
            + limits_text
        )
        say("Edits under functions/ and layers/shared/ apply on the next request.")
        if not stop.is_set():
            server.start()
            published.start()
            pollers.start()
            if options.schedules:
                scheduler.start()
            say(f"Ready: serving on {server.url} (Ctrl-C to stop)")
            while not stop.wait(0.5):
                pass
        say("Stopping...")
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
    say("Stopped.")
    return 0


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
