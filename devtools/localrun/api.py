"""The emulated API Gateway: one HTTP request in, one HTTP response out, independent of the HTTP
server so it can be tested and measured directly.

Order, as API Gateway applies it: stage, body size (10 MB), resource and method, throttling
(MethodSettings), Lambda authorizer, the usage plan's per-tenant limits (devtools/localrun/throttle.py),
integration; every failure on the way is a gateway response.
"""

from __future__ import annotations

import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from devtools.localrun.authorizer import AuthorizerCache, InvalidAuthorizerResponse, parse_answer
from devtools.localrun.events import (
    HttpRequest,
    RequestInfo,
    gateway_headers,
    proxy_event,
    request_authorizer_event,
    token_authorizer_event,
)
from devtools.localrun.functions import FunctionRegistry, InvocationOutcome
from devtools.localrun.gateway import (
    CORRELATION_HEADER,
    LAMBDA_ERROR,
    GatewayContext,
    GatewayResponses,
    HttpResponse,
    problem,
)
from devtools.localrun.local_invoke import LOCAL_INVOKE_PREFIX, LocalInvoke
from devtools.localrun.proxy import MalformedProxyResponseError, marshal, proxy_response
from devtools.localrun.routing import RouteTable, RouteTarget
from devtools.localrun.throttle import (
    TenantLimits,
    TenantThrottle,
    TokenBucket,
    method_bucket,
    requires_usage_key,
)
from devtools.template import Template
from devtools.template_specs import ApiRoute, ApiSpec, AuthorizerSpec, StageSpec

MAX_BODY_BYTES = 10 * 1024 * 1024
INTEGRATION_TIMEOUT_SECONDS = 29.0
LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024
_UNAUTHORIZED = "Unauthorized"

Log = Callable[[str], None]
LocalRoute = Callable[[HttpRequest], HttpResponse]
"""A runner-only route under `/_local/` (e.g. `/_local/published`), outside every stage."""


def stderr_log(message: str) -> None:
    sys.stderr.write(f"{datetime.now(UTC):%H:%M:%S} {message}\n")
    sys.stderr.flush()


@dataclass(frozen=True)
class _Stage:
    name: str
    api: ApiSpec
    api_id: str
    spec: StageSpec
    routes: RouteTable
    responses: GatewayResponses


class LocalApi:
    """Every API of the template, by stage name (`/v1/...`, `/v2/...`), in front of the registry."""

    def __init__(
        self,
        template: Template,
        registry: FunctionRegistry,
        *,
        throttle: bool = True,
        tenant_limits: TenantLimits | None = None,
        log: Log = stderr_log,
        local_routes: Mapping[str, LocalRoute] | None = None,
        default_events: Mapping[str, Callable[[], Any]] | None = None,
        integration_timeout: float = INTEGRATION_TIMEOUT_SECONDS,
    ) -> None:
        """`integration_timeout`: API Gateway's 29 s, for the wait for a free execution environment
        and for the function's run (its own Timeout still applies when shorter)."""
        self._registry = registry
        self._local_routes = dict(local_routes or {})
        self._integration_timeout = integration_timeout
        self._tenant_throttle = TenantThrottle(tenant_limits) if throttle and tenant_limits else None
        self._usage_key_apis = {
            api.logical_id for api in template.apis() if requires_usage_key(template, api.logical_id)
        }
        self._log = log
        self._local_invoke = LocalInvoke(registry, default_events or {}, self._log_error)
        self._throttle = throttle
        self._buckets: dict[tuple[str, str, str], TokenBucket | None] = {}
        self._bucket_lock = threading.Lock()
        self._cache = AuthorizerCache()
        self.warnings: list[str] = []
        self._authorizers: dict[tuple[str, str], AuthorizerSpec] = {}
        self._stages: dict[str, _Stage] = {}
        apis = template.apis()
        self._fallback = GatewayResponses(apis[0].gateway_responses if apis else {})
        functions = template.functions()
        for index, api in enumerate(apis):
            api_id = "local" if len(apis) == 1 else f"local{index + 1}"
            targets = [
                RouteTarget(spec.logical_id, route.method, route.path, self._authorizer_for(api, route))
                for spec in functions
                for route in spec.routes
                if route.api == api.logical_id
            ]
            table = RouteTable(targets)
            responses = GatewayResponses(api.gateway_responses)
            for stage in api.stages:
                if stage.name in self._stages:
                    raise ValueError(f"two APIs both have a stage named {stage.name!r}")
                self._stages[stage.name] = _Stage(stage.name, api, api_id, stage, table, responses)

    def _authorizer_for(self, api: ApiSpec, route: ApiRoute) -> str | None:
        """The authorizer API Gateway would run for a route, if the runner can run it."""
        if route.public:
            return None
        name = route.authorizer or api.default_authorizer
        if name is None:
            return None
        spec = api.authorizers.get(name)
        if spec is None or spec.function_id is None or spec.function_id not in self._registry:
            warning = (
                f"{api.logical_id}: authorizer {name} is not a Lambda authorizer of a function in the "
                "template; its routes run without one"
            )
            if warning not in self.warnings:
                self.warnings.append(warning)
            return None
        self._authorizers[(api.logical_id, name)] = spec
        return name

    def routes(self) -> list[tuple[str, RouteTarget]]:
        """(stage, route) for every route of every stage, for the startup listing."""
        return [(stage.name, target) for stage in self._stages.values() for target in stage.routes.targets()]

    def on_reload(self, changed: list[str]) -> None:
        """New code is a new deployment: cached authorizer answers go with the old one."""
        self._cache.clear()

    # ------------------------------------------------------------------ request pipeline

    def handle(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = str(uuid.uuid4())
        try:
            if request.path.startswith(LOCAL_INVOKE_PREFIX):
                response, function_id, lambda_id = self._local_invoke(request, request_id)
            elif request.path in self._local_routes:
                response, function_id, lambda_id = self._local_routes[request.path](request), "-", None
            else:
                response, function_id, lambda_id = self._dispatch(request, request_id, time.time())
        except Exception:
            # A bug of the runner itself, not of a function: say so instead of dropping the connection.
            self._log(f"local runner error on {request.method} {request.path}:\n{traceback.format_exc()}")
            context = GatewayContext(request, request_id)
            response = problem(
                500, "internal-error", "Internal Server Error", "The local runner failed.", context
            )
            function_id, lambda_id = "-", None
        response.set_default("X-Request-ID", lambda_id or request_id)
        response.headers.append(("x-amzn-RequestId", request_id))
        correlation = response.header(CORRELATION_HEADER) or request.header(CORRELATION_HEADER) or "-"
        self._log(
            f"{request.method} {request.path} -> {response.status} "
            f"{(time.perf_counter() - started) * 1000:.1f} ms [{function_id}] "
            f"request_id={request_id} correlation_id={correlation}"
        )
        return response

    def _dispatch(
        self, request: HttpRequest, request_id: str, request_time: float
    ) -> tuple[HttpResponse, str, str | None]:
        stage_name, _, rest = request.path[1:].partition("/")
        stage = self._stages.get(stage_name)
        if stage is None:
            context = GatewayContext(request, request_id, error_message="Missing Authentication Token")
            return self._fallback.render("MISSING_AUTHENTICATION_TOKEN", context), "-", None
        context = GatewayContext(
            request, request_id, stage=stage.name, api_id=stage.api_id, stage_variables=stage.spec.variables
        )
        if request.oversized or len(request.body) > MAX_BODY_BYTES:
            context = replace(context, error_message="Request Too Long")
            return stage.responses.render("REQUEST_TOO_LARGE", context), "-", None
        path = "/" + rest
        match = stage.routes.match(path)
        if match is None:
            context = replace(context, error_message="Missing Authentication Token")
            return stage.responses.render("MISSING_AUTHENTICATION_TOKEN", context), "-", None
        context = replace(context, resource_path=match.resource, path_parameters=match.path_parameters or {})
        target = match.target(request.method)
        if target is None:
            # A method the resource does not define is, to API Gateway, a route that does not exist.
            context = replace(context, error_message="Missing Authentication Token")
            return stage.responses.render("MISSING_AUTHENTICATION_TOKEN", context), "-", None
        if not self._within_rate(stage, match.resource, request.method):
            context = replace(context, error_message="Too Many Requests")
            return stage.responses.render("THROTTLED", context), "-", None
        info = RequestInfo(
            request=request,
            api_id=stage.api_id,
            stage=stage.name,
            stage_variables=stage.spec.variables,
            resource=match.resource,
            path=path,
            path_parameters=match.path_parameters,
            request_id=request_id,
            request_time=request_time,
        )
        headers = gateway_headers(request)
        self._registry.reload_if_changed()
        authorizer_context: dict[str, Any] | None = None
        if target.authorizer is not None:
            authorized = self._authorize(stage, target.authorizer, info, headers, context)
            if isinstance(authorized, HttpResponse):
                return authorized, "-", None
            authorizer_context, usage_key = authorized
            refused = self._tenant_limit(stage, usage_key, context)
            if refused is not None:
                return refused, "-", None
        event = proxy_event(info, headers, authorizer_context)
        outcome = self._invoke(target.function_id, event)
        return (
            self._integration(outcome, stage, context, target.function_id),
            target.function_id,
            outcome.request_id,
        )

    def _integration(
        self, outcome: InvocationOutcome, stage: _Stage, context: GatewayContext, function_id: str
    ) -> HttpResponse:
        if outcome.queued:
            limit = self._registry.concurrency(function_id)
            self._log(
                f"{function_id}: no free execution environment within {outcome.duration_ms / 1000:.2f} s "
                f"(all {limit} busy: its reserved concurrency); answered like API Gateway's timeout"
            )
            context = replace(context, error_message="Endpoint request timed out")
            return stage.responses.render("INTEGRATION_TIMEOUT", context)
        if outcome.timed_out:
            self._log(f"{function_id}: Task timed out after {outcome.duration_ms / 1000:.2f} seconds")
            context = replace(context, error_message="Endpoint request timed out")
            return stage.responses.render("INTEGRATION_TIMEOUT", context)
        if outcome.error is not None:
            self._log_error(function_id, outcome)
            return stage.responses.render(
                LAMBDA_ERROR, replace(context, error_message="Internal server error")
            )
        try:
            size = len(marshal(outcome.result).encode("utf-8"))
            if size > LAMBDA_PAYLOAD_LIMIT:
                raise MalformedProxyResponseError(f"the response is {size} bytes; Lambda allows 6 MB")
            return proxy_response(outcome.result)
        except (TypeError, ValueError) as error:
            self._log(f"{function_id}: Malformed Lambda proxy response: {error}")
            return stage.responses.render(
                LAMBDA_ERROR, replace(context, error_message="Internal server error")
            )

    def _invoke(self, function_id: str, event: Any) -> InvocationOutcome:
        """An invocation as API Gateway makes one: the wait for a free environment and the run both
        within the integration timeout (the function's own Timeout still applies when shorter)."""
        return self._registry.invoke(
            function_id,
            event,
            timeout=self._integration_timeout,
            check_sources=False,
            queue_timeout=self._integration_timeout,
        )

    def _log_error(self, function_id: str, outcome: InvocationOutcome) -> None:
        error = outcome.error
        if error is None:
            return
        stack = "".join(error.stack).rstrip()
        self._log(
            f"{function_id}: [ERROR] {error.error_type}: {error.message} (request {outcome.request_id})"
            + (f"\nTraceback (most recent call last):\n{stack}" if stack else "")
        )

    def _within_rate(self, stage: _Stage, resource: str, method: str) -> bool:
        if not self._throttle:
            return True
        key = (stage.name, resource, method)
        with self._bucket_lock:
            if key not in self._buckets:
                self._buckets[key] = method_bucket(stage.spec, resource, method)
            bucket = self._buckets[key]
            return bucket is None or bucket.take()

    def _authorize(
        self,
        stage: _Stage,
        name: str,
        info: RequestInfo,
        headers: list[tuple[str, str]],
        context: GatewayContext,
    ) -> HttpResponse | tuple[dict[str, Any], str | None]:
        """The request context and usage key of an allowed request, else the gateway's refusal."""
        spec = self._authorizers[(stage.api.logical_id, name)]
        identity: list[str] = []
        for header in spec.identity_headers:
            value = info.request.header(header)
            if not value:
                return self._unauthorized(stage, context)
            identity.append(value)
        if spec.identity_query_strings:
            query = dict(parse_qsl(info.request.query, keep_blank_values=True))
            for name_ in spec.identity_query_strings:
                if not query.get(name_):
                    return self._unauthorized(stage, context)
                identity.append(query[name_])
        if (
            spec.payload_type == "TOKEN"
            and spec.validation_expression
            and not re.fullmatch(spec.validation_expression, identity[0])
        ):
            return self._unauthorized(stage, context)
        key = (stage.api.logical_id, name, stage.name, *identity)
        answer = self._cache.get(key)
        latency = 0
        if answer is None:
            assert spec.function_id is not None
            event = (
                token_authorizer_event(info, identity[0])
                if spec.payload_type == "TOKEN"
                else request_authorizer_event(info, headers)
            )
            started = time.perf_counter()
            outcome = self._invoke(spec.function_id, event)
            latency = int((time.perf_counter() - started) * 1000)
            if outcome.timed_out:
                waited = "found no free execution environment within" if outcome.queued else "timed out after"
                self._log(f"{spec.function_id}: authorizer {waited} {outcome.duration_ms / 1000:.2f} s")
                return stage.responses.render("AUTHORIZER_FAILURE", context)
            if outcome.error is not None:
                if outcome.error.message == _UNAUTHORIZED:
                    return self._unauthorized(stage, context)
                self._log_error(spec.function_id, outcome)
                return stage.responses.render("AUTHORIZER_FAILURE", context)
            try:
                answer = parse_answer(outcome.result)
            except InvalidAuthorizerResponse as error:
                self._log(f"{spec.function_id}: invalid authorizer response: {error}")
                return stage.responses.render("AUTHORIZER_CONFIGURATION_ERROR", context)
            self._cache.put(key, answer, spec.reauthorize_every)
        if not answer.allows(info.method_arn):
            message = "User is not authorized to access this resource with an explicit deny"
            return stage.responses.render("ACCESS_DENIED", replace(context, error_message=message))
        return answer.request_context(latency), answer.usage_identifier_key

    def _tenant_limit(
        self, stage: _Stage, usage_key: str | None, context: GatewayContext
    ) -> HttpResponse | None:
        """The usage plan: no key is INVALID_API_KEY (403); over its limits, THROTTLED / QUOTA_EXCEEDED."""
        if stage.api.logical_id not in self._usage_key_apis:
            return None
        if not usage_key:
            return stage.responses.render("INVALID_API_KEY", replace(context, error_message="Forbidden"))
        refusal = self._tenant_throttle.admit(usage_key) if self._tenant_throttle else None
        if refusal is None:
            return None
        message = "Too Many Requests" if refusal.kind == "THROTTLED" else "Limit Exceeded"
        response = stage.responses.render(refusal.kind, replace(context, error_message=message))
        response.set_default("Retry-After", str(refusal.retry_after_seconds))
        return response

    @staticmethod
    def _unauthorized(stage: _Stage, context: GatewayContext) -> HttpResponse:
        return stage.responses.render("UNAUTHORIZED", replace(context, error_message=_UNAUTHORIZED))
