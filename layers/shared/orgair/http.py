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
from typing import Any, Final, Literal, TypeVar, cast

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from orgair.auth.principal import Principal, RequestMeta
from orgair.cors import CORRELATION_HEADER, cors_config, cors_headers
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
from orgair.idempotency import REPLAYED_HEADER
from orgair.jsonbody import parse_json_body
from orgair.jsontypes import number_value
from orgair.observability import logger, metrics, tracer
from orgair.settings import get_settings

ParamVersion = Literal["v1.0", "v2.0"]
LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]
RouteFunction = TypeVar("RouteFunction", bound=Callable[..., Any])

STAGE_VERSIONS: dict[str, ParamVersion] = {"v1": "v1.0", "v2": "v2.0"}
MAX_CORRELATION_ID_LENGTH: Final = 128
_CORRELATION_ID_CHARS: Final = frozenset(chr(code) for code in range(0x21, 0x7F))
REQUIRED_SCOPE_ATTRIBUTE: Final = "__orgair_required_scope__"
JSON_CONTENT_TYPE: Final = "application/json"
_correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")


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
    """Declare a route's scope (put it under the route decorator): the one place a route says it.

    The HTTP layer refuses a caller without it (401/403) before anything of the request is read
    (path, query, headers, body), so no input can cost anything, or be told what is wrong with it,
    to a caller who may not call the route. The route gets its principal from `caller(app)`.
    """

    def mark(function: RouteFunction) -> RouteFunction:
        setattr(function, REQUIRED_SCOPE_ATTRIBUTE, scope)
        return function

    return mark


def caller_path(event: Mapping[str, Any]) -> str:
    """The path as the caller sent it, stage prefix included (`/v2/scores`): a problem's `instance`.

    API Gateway's `path` drops the stage of the default endpoint; `requestContext.path` keeps it.
    """
    context = event.get("requestContext") or {}
    return str(context.get("path") or event.get("path") or "/")


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


def _cors_headers(event: Mapping[str, Any]) -> dict[str, str]:
    """The CORS headers of an answer made without the resolver (a body refused before routing)."""
    return cors_headers(header(event.get("headers"), "Origin"))


def create_app() -> APIGatewayRestResolver:
    """A resolver with validation, problem+json errors and CORS from settings."""
    app = APIGatewayRestResolver(
        cors=cors_config(),
        enable_validation=True,
        json_body_deserializer=parse_json_body,
        serializer=dumps,
    )

    # Powertools runs its request validation before every other middleware; this one checks the
    # caller's scope and the body's media type and encoding first, then validates as before.
    app._request_validation_middleware = _ScopeThenValidate()

    @app.exception_handler(OrgairError)
    def _orgair_error(error: OrgairError) -> Response[str]:
        if isinstance(error, ConfigurationError):
            logger.error("configuration error", extra={"detail": error.detail})
            if not get_settings().DEBUG:
                error = OrgairError("An unexpected error occurred.")
        elif error.status >= 500:
            logger.warning("request failed", extra={"problem": error.slug, "status": error.status})
        return problem_response(error, caller_path(app.current_event.raw_event))

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response[str]:
        return problem_response(_validation_problem(error), caller_path(app.current_event.raw_event))

    @app.exception_handler(RequestUnsupportedContentType)
    def _unsupported_content_type(_: RequestUnsupportedContentType) -> Response[str]:
        return problem_response(_unsupported_media_type(), caller_path(app.current_event.raw_event))

    @app.not_found
    def _not_found(_: Exception) -> Response[str]:
        return problem_response(
            NotFound("No route matches this path and method."), caller_path(app.current_event.raw_event)
        )

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error")
        detail = (
            f"{type(error).__name__}: {error}" if get_settings().DEBUG else "An unexpected error occurred."
        )
        return problem_response(OrgairError(detail), caller_path(app.current_event.raw_event))

    return app


def _unsupported_media_type() -> UnsupportedMediaType:
    return UnsupportedMediaType(
        "Request bodies must be application/json.",
        errors=[FieldError("Content-Type", "expected application/json")],
    )


def declared_scope(app: APIGatewayRestResolver) -> str | None:
    """The scope the matched route declares with `requires`; None for a public route."""
    route = app.context.get("_route")
    scope = getattr(getattr(route, "func", None), REQUIRED_SCOPE_ATTRIBUTE, None)
    return scope if isinstance(scope, str) else None


def _refuse_media(event: Mapping[str, Any]) -> OrgairError | None:
    """A body we will not parse: not application/json (415), or not UTF-8 text at all (400).

    `+json` types (application/merge-patch+json, ...) are refused too: no route reads them.
    """
    body = event.get("body") or ""
    if not body:
        return None
    if event.get("isBase64Encoded"):
        try:
            base64.b64decode(body, validate=True).decode("utf-8")
        except ValueError:  # binascii.Error, UnicodeDecodeError
            return MalformedRequest("The request body is not UTF-8 encoded JSON.")
    media_type = (header(event.get("headers"), "Content-Type") or "").split(";")[0].strip().lower()
    if media_type and media_type != JSON_CONTENT_TYPE:
        return _unsupported_media_type()
    return None


class _ScopeThenValidate(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, preceded by the route's scope check and the media check."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def handler(self, app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:  # type: ignore[override]
        scope = declared_scope(app)
        if scope is not None:
            require_scope(app, scope)
        refused = _refuse_media(app.current_event.raw_event)
        if refused is not None:
            raise refused
        return super().handler(app, next_middleware)


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


def caller(app: APIGatewayRestResolver) -> Principal:
    """The caller of the matched route, checked for the scope the route declares with `requires`.

    A route without a declared scope has no caller to give: that is a wiring error (500), never an
    unchecked principal.
    """
    scope = declared_scope(app)
    if scope is None:
        raise ConfigurationError("The route reads its caller but declares no scope (orgair.http.requires).")
    return require_scope(app, scope)


def request_meta(app: APIGatewayRestResolver) -> RequestMeta:
    """The checked caller plus the ids that trace this request, as stored with what it writes."""
    principal = caller(app)
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
        "body": dumps(error.to_problem(instance=caller_path(event), correlation_id=correlation_id())),
        "isBase64Encoded": False,
    }


def _refuse_body(event: Mapping[str, Any]) -> OrgairError | None:
    """A body too large to read at all (413), refused before anything else, like API Gateway's limit."""
    if len(event.get("body") or "") > get_settings().MAX_BODY_BYTES:
        return PayloadTooLarge("The request body is larger than allowed.")
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
        if response.get("statusCode") == HTTPStatus.SERVICE_UNAVAILABLE and not _has_retry_after(response):
            # Every 503 tells the caller when to come back, whichever code path produced it.
            headers[RETRY_AFTER] = DEFAULT_RETRY_AFTER_SECONDS
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


RETRY_AFTER = "Retry-After"
DEFAULT_RETRY_AFTER_SECONDS = "5"


def _has_retry_after(response: Mapping[str, Any]) -> bool:
    names = [*(response.get("headers") or {}), *(response.get("multiValueHeaders") or {})]
    return any(str(name).lower() == "retry-after" for name in names)


def created(body: Any, location: str, *, replayed: bool = False) -> Response[Any]:
    """201 with a Location header (the body still goes through response validation).

    A replay of an idempotent request (`replayed`) answers the same 201 with `Idempotent-Replayed: true`.
    """
    headers = {"Location": location}
    if replayed:
        headers[REPLAYED_HEADER] = "true"
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type="application/json",
        body=body,
        headers=headers,
    )


def accepted(body: Any, location: str, *, replayed: bool = False) -> Response[Any]:
    """202 with a Location header: work was accepted and goes on in the background (a job)."""
    response = created(body, location, replayed=replayed)
    response.status_code = HTTPStatus.ACCEPTED
    return response
