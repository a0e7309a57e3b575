"""What the local runner, the OpenAPI build and the benchmark read out of template.yaml: functions
(routes, schedules, queue sources) and APIs (stages, authorizers, gateway responses), as plain
values; devtools/template.py resolves the template into them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

IMPLICIT_API = "ServerlessRestApi"
"""The API SAM makes of `Api` events that name no RestApiId."""


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    public: bool
    api: str = IMPLICIT_API
    authorizer: str | None = None
    """An authorizer the event names itself; None means the API's default (unless `public`)."""
    event: str = ""


@dataclass(frozen=True)
class Schedule:
    name: str
    expression: str
    kind: str = "Schedule"
    """The SAM event type: `Schedule` (an EventBridge rule) or `ScheduleV2` (EventBridge Scheduler)."""
    enabled: bool = True


@dataclass(frozen=True)
class QueueSource:
    """An `SQS` event: the queue (logical id) polled for the function, as the event source mapping does."""

    name: str
    queue: str
    batch_size: int = 10
    maximum_concurrency: int | None = None
    report_batch_item_failures: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str
    timeout: int
    memory_mb: int
    environment: dict[str, str]
    routes: tuple[ApiRoute, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    reserved_concurrency: int | None = None
    """ReservedConcurrentExecutions: at most this many execution environments at once (None: unset)."""
    queues: tuple[QueueSource, ...] = ()


@dataclass(frozen=True)
class MethodSetting:
    """One MethodSettings entry: `/*` + `*` for every method, or `/~1path/GET` style for one."""

    resource_path: str
    http_method: str
    rate_limit: float | None
    burst_limit: int | None


@dataclass(frozen=True)
class StageSpec:
    name: str
    variables: dict[str, str]
    api: str = IMPLICIT_API
    method_settings: tuple[MethodSetting, ...] = ()


@dataclass(frozen=True)
class AuthorizerSpec:
    """A Lambda authorizer of an API. `function_id` is None when FunctionArn names no function here."""

    name: str
    function_id: str | None
    payload_type: str
    identity_headers: tuple[str, ...]
    identity_query_strings: tuple[str, ...]
    reauthorize_every: int
    validation_expression: str | None = None


@dataclass(frozen=True)
class GatewayResponseSpec:
    status_code: int | None
    templates: dict[str, str]
    headers: dict[str, str]


@dataclass(frozen=True)
class ApiSpec:
    logical_id: str
    stages: tuple[StageSpec, ...]
    default_authorizer: str | None
    authorizers: dict[str, AuthorizerSpec]
    gateway_responses: dict[str, GatewayResponseSpec]
