"""The one HTTP layer of every API function: a Powertools REST resolver with validation, the
problem+json error model, CORS from settings, correlation headers, and the stage's parameter version.

A function does `app = create_app()`, registers its routes, and exports
`lambda_handler = make_handler(app)`. Everything a caller can see about errors is decided here.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from decimal import Decimal
from http import HTTPStatus
from typing import Any, Final, Literal, NoReturn, TypeVar, cast

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext

from orgair.auth.principal import Principal, RequestMeta
from orgair.errors import (
    PROBLEM_CONTENT_TYPE,
    ConfigurationError,
    FieldError,
    MalformedRequest,
    NotFound,
    OrgairError,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from orgair.jsontypes import number_value
from orgair.observability import logger, metrics, tracer
from orgair.settings import get_settings

ParamVersion = Literal["v1.0", "v2.0"]
LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]
RouteFunction = TypeVar("RouteFunction", bound=Callable[..., Any])

STAGE_VERSIONS: dict[str, ParamVersion] = {"v1": "v1.0", "v2": "v2.0"}
MAX_JSON_DEPTH = 32
CORRELATION_HEADER = "X-Correlation-ID"
MAX_CORRELATION_ID_LENGTH: Final = 128
_CORRELATION_ID_CHARS: Final = frozenset(chr(code) for code in range(0x21, 0x7F))
REQUIRED_SCOPE_ATTRIBUTE: Final = "__orgair_required_scope__"
# Problems the resolver raises while reading the request, before the route function (and its
# require_scope) runs: a caller without the route's scope gets 401/403 instead of these.
_INPUT_PROBLEM_STATUSES: Final = frozenset({400, 415, 422})
_correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")


def _reject_constant(name: str) -> NoReturn:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of a parsed JSON value, stopping once past `limit`."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    deepest = 0
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return deepest


def parse_json_body(text: str) -> Any:
    """JSON with exact decimals; NaN/Infinity and deep nesting are malformed, not numbers."""
    parsed = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    if _depth(parsed, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise MalformedRequest(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")
    return parsed


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return number_value(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(body: Any) -> str:
    return json.dumps(body, default=_json_default, separators=(",", ":"), ensure_ascii=False)


def correlation_id() -> str:
    return _correlation_id.get()


def header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    """Case-insensitive header lookup on a raw proxy event."""
    wanted = name.lower()
    for key, value in (headers or {}).items():
        if key.lower() == wanted:
            return None if value is None else str(value)
    return None


def accepted_correlation_id(value: str | None) -> str | None:
    """A caller's correlation id, if it is 1-128 visible ASCII characters; anything else is ignored.

    It is echoed in headers, logged and stored with every score, so it is bounded like any free text.
    """
    if not value or len(value) > MAX_CORRELATION_ID_LENGTH:
        return None
    return value if all(char in _CORRELATION_ID_CHARS for char in value) else None


def requires(scope: str) -> Callable[[RouteFunction], RouteFunction]:
    """Declare a route's scope (put it under the route decorator) so the HTTP layer can refuse a
    caller without it (401/403) before telling them what is wrong with the request (400/415/422).

    The route still calls `require_scope(app, scope)` for its principal; this only marks the function.
    """

    def mark(function: RouteFunction) -> RouteFunction:
        setattr(function, REQUIRED_SCOPE_ATTRIBUTE, scope)
        return function

    return mark


def problem_response(error: OrgairError, instance: str) -> Response[str]:
    body = error.to_problem(instance=instance, correlation_id=correlation_id())
    return Response(
        status_code=error.status,
        content_type=PROBLEM_CONTENT_TYPE,
        body=dumps(body),
        headers=dict(error.headers),
    )


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_problem(error: RequestValidationError) -> OrgairError:
    errors = error.errors()
    if any(item.get("type") == "json_invalid" for item in errors):
        return MalformedRequest("The request body is not valid JSON.")
    if any(item.get("type") == "unsupported_content_type" for item in errors):
        return UnsupportedMediaType("Request bodies must be application/json.")
    fields = [FieldError(_field_path(item.get("loc", ())), _message(item)) for item in errors]
    return ValidationFailed("The request does not match the schema.", errors=fields)


def _message(item: Mapping[str, Any]) -> str:
    message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
    if item.get("type") == "missing":
        return "field required"
    if item.get("type") == "extra_forbidden":
        return "unknown field"
    return message


class _CorsConfig(CORSConfig):
    """Powertools' CORS headers plus `Vary: Origin`: the allow-origin header depends on the caller's
    Origin, so no cache may serve one origin's answer to another (docs/cors.md)."""

    def to_dict(self, origin: str | None) -> dict[str, str]:
        headers = super().to_dict(origin)
        if headers:
            headers["Vary"] = "Origin"
        return headers


def _cors_config() -> _CorsConfig | None:
    """CORS for the origins in settings (CORS_ORIGINS, from the CorsOrigins parameter); None: off."""
    settings = get_settings()
    if not settings.CORS_ORIGINS:
        return None
    first, *others = settings.CORS_ORIGINS
    return _CorsConfig(
        allow_origin=first,
        extra_origins=others,
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", CORRELATION_HEADER],
        expose_headers=[CORRELATION_HEADER, "X-Request-ID", "X-Process-Time", "Location", "Retry-After"],
        max_age=600,
    )


def _cors_headers(event: Mapping[str, Any]) -> dict[str, str]:
    """The CORS headers of an answer made without the resolver (a body refused before routing)."""
    cors = _cors_config()
    origin = header(event.get("headers"), "Origin")
    allowed = cors.allowed_origin(origin) if cors is not None and origin else None
    return cors.to_dict(allowed) if cors is not None and allowed else {}


def create_app() -> APIGatewayRestResolver:
    """A resolver with validation, problem+json errors and CORS from settings."""
    app = APIGatewayRestResolver(
        cors=_cors_config(),
        enable_validation=True,
        json_body_deserializer=parse_json_body,
        serializer=dumps,
    )

    def _refusal() -> OrgairError | None:
        """401/403 for a caller without the matched route's declared scope (see `requires`)."""
        route = app.context.get("_route")
        scope = getattr(getattr(route, "func", None), REQUIRED_SCOPE_ATTRIBUTE, None)
        if not isinstance(scope, str):
            return None
        try:
            require_scope(app, scope)
        except OrgairError as refused:
            return refused
        return None

    @app.exception_handler(OrgairError)
    def _orgair_error(error: OrgairError) -> Response[str]:
        if error.status in _INPUT_PROBLEM_STATUSES:
            error = _refusal() or error
        if isinstance(error, ConfigurationError):
            logger.error("configuration error", extra={"detail": error.detail})
            if not get_settings().DEBUG:
                error = OrgairError("An unexpected error occurred.")
        elif error.status >= 500:
            logger.warning("request failed", extra={"problem": error.slug, "status": error.status})
        return problem_response(error, app.current_event.path)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response[str]:
        problem = _validation_problem(error)
        return problem_response(_refusal() or problem, app.current_event.path)

    @app.not_found
    def _not_found(_: Exception) -> Response[str]:
        return problem_response(NotFound("No route matches this path and method."), app.current_event.path)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error")
        detail = (
            f"{type(error).__name__}: {error}" if get_settings().DEBUG else "An unexpected error occurred."
        )
        return problem_response(OrgairError(detail), app.current_event.path)

    return app


def param_version(app: APIGatewayRestResolver) -> ParamVersion:
    """The parameter version the stage selects (stage variable first, then the stage's name)."""
    event = app.current_event
    variables = event.stage_variables or {}
    version = variables.get("paramVersion")
    if version in ("v1.0", "v2.0"):
        return version  # type: ignore[return-value]
    return STAGE_VERSIONS.get(event.request_context.stage, get_settings().PARAM_VERSION)


def current_stage(app: APIGatewayRestResolver) -> str:
    return app.current_event.request_context.stage


def require_scope(app: APIGatewayRestResolver, scope: str) -> Principal:
    """The caller (from the authorizer context), checked for the route's scope: 401 or 403 otherwise."""
    authorizer = app.current_event.request_context.authorizer
    raw = authorizer.raw_event if authorizer is not None else None
    return Principal.from_context(raw).require(scope)


def request_meta(app: APIGatewayRestResolver, scope: str) -> RequestMeta:
    """The checked caller plus the ids that trace this request, as stored with what it writes."""
    principal = require_scope(app, scope)
    return RequestMeta(
        tenant_id=principal.tenant_id,
        key_id=principal.key_id,
        correlation_id=correlation_id(),
        request_id=app.current_event.request_context.request_id,
    )


def _early_problem(error: OrgairError, event: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": PROBLEM_CONTENT_TYPE, **error.headers, **_cors_headers(event)},
        "body": dumps(
            error.to_problem(instance=str(event.get("path") or "/"), correlation_id=correlation_id())
        ),
        "isBase64Encoded": False,
    }


def _refuse_body(event: Mapping[str, Any]) -> OrgairError | None:
    """Bodies we will not parse: too large (413), not JSON (415), or not UTF-8 text at all (400)."""
    body = event.get("body") or ""
    if len(body) > get_settings().MAX_BODY_BYTES:
        return PayloadTooLarge("The request body is larger than allowed.")
    if body and event.get("isBase64Encoded"):
        try:
            base64.b64decode(body, validate=True).decode("utf-8")
        except ValueError:  # binascii.Error, UnicodeDecodeError
            return MalformedRequest("The request body is not UTF-8 encoded JSON.")
    content_type = (header(event.get("headers"), "Content-Type") or "").split(";")[0].strip().lower()
    if body and content_type and content_type != "application/json" and not content_type.endswith("+json"):
        return UnsupportedMediaType("Request bodies must be application/json.")
    return None


def make_handler(app: APIGatewayRestResolver) -> LambdaHandler:
    """The Lambda entry point for a resolver: logging context, tracing, metrics, correlation headers."""

    # Never log the event (not even with POWERTOOLS_LOGGER_LOG_EVENT=true): API Gateway passes the
    # caller's Authorization header, the API key itself, to the function.
    @logger.inject_lambda_context(log_event=False, clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        started = time.perf_counter()
        request_context = event.get("requestContext") or {}
        request_id = str(
            request_context.get("requestId") or getattr(context, "aws_request_id", "") or uuid.uuid4()
        )
        cid = accepted_correlation_id(header(event.get("headers"), CORRELATION_HEADER)) or request_id
        token = _correlation_id.set(cid)
        logger.set_correlation_id(cid)
        try:
            early = _refuse_body(event)
            response = _early_problem(early, event) if early else app.resolve(event, context)
        finally:
            _correlation_id.reset(token)
        headers = response.setdefault("headers", {}) or {}
        response["headers"] = headers
        headers[CORRELATION_HEADER] = cid
        headers["X-Request-ID"] = request_id
        headers["X-Process-Time"] = f"{(time.perf_counter() - started) * 1000:.2f}ms"
        logger.info(
            "request served",
            extra={
                "method": event.get("httpMethod"),
                "path": event.get("path"),
                "stage": request_context.get("stage"),
                "status": response.get("statusCode"),
            },
        )
        return response

    return cast(LambdaHandler, lambda_handler)


def created(body: Any, location: str) -> Response[Any]:
    """201 with a Location header (the body still goes through response validation)."""
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type="application/json",
        body=body,
        headers={"Location": location},
    )
