"""`make invoke`: run one function once with an event, the result alone on stdout and the logs on
stderr, on the DynamoDB of a running `make run` or a private one."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from devtools.embedded_dynamodb import (
    EmbeddedDynamoDB,
    create_tables,
    is_listening,
    local_client,
)
from devtools.localrun.api import stderr_log
from devtools.localrun.aws_services import (
    create_resources,
    local_aws_environment,
    seed_ssm_secrets,
)
from devtools.localrun.environment import (
    function_environment,
)
from devtools.localrun.functions import FunctionRegistry, InvocationOutcome
from devtools.localrun.proxy import marshal
from devtools.localrun.startup import (
    EXIT_CONFIG,
    HOST,
    Options,
    StartupError,
    apply_environment,
    check_settings,
    env_file_sections,
    local_template,
    port_setting,
    say,
)
from devtools.template_specs import FunctionSpec


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
        say(f"localrun: {error}", sys.stderr)
        return EXIT_CONFIG


def _invoke(function_id: str, event_source: str | None, options: Options) -> int:
    dynamodb_port = port_setting("DYNAMODB_PORT", 8000)
    shared = is_listening(HOST, dynamodb_port)
    template, resources = local_template(options, f"http://{HOST}:{dynamodb_port}")
    specs = template.functions()
    spec = next((spec for spec in specs if spec.logical_id == function_id), None)
    if spec is None:
        known = ", ".join(spec.logical_id for spec in specs)
        raise StartupError(f"no function {function_id!r} in {options.template.name}; known: {known}")
    event = _read_event(event_source)
    env_file = env_file_sections(options, specs)
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
        template, resources = local_template(options, endpoint)
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
