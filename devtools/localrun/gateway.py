"""Responses the "gateway" produces itself (404, 401, 403, 413, 429, 5xx), rendered from the
template's `GatewayResponses` the way API Gateway renders them, so a local 401 looks like a deployed
one. Kinds the template does not define fall back to its DEFAULT_4XX / DEFAULT_5XX, then to a
problem+json body of the same shape as `orgair.errors` (not imported: the runner must keep working
while that module is being edited and reloaded)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl

from devtools.localrun.events import HttpRequest
from devtools.template import LOCAL_ACCOUNT
from devtools.template_specs import GatewayResponseSpec

PROBLEM_BASE = "https://api.orgair.io/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"
CORRELATION_HEADER = "X-Correlation-ID"

# API Gateway's own status for each gateway response type.
DEFAULT_STATUS: dict[str, int] = {
    "ACCESS_DENIED": 403,
    "API_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_FAILURE": 500,
    "BAD_REQUEST_BODY": 400,
    "BAD_REQUEST_PARAMETERS": 400,
    "EXPIRED_TOKEN": 403,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "INVALID_API_KEY": 403,
    "INVALID_SIGNATURE": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "QUOTA_EXCEEDED": 429,
    "REQUEST_TOO_LARGE": 413,
    "RESOURCE_NOT_FOUND": 404,
    "THROTTLED": 429,
    "UNAUTHORIZED": 401,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
}

# A function error or a malformed proxy response: API Gateway answers 502 through DEFAULT_5XX.
LAMBDA_ERROR = "LAMBDA_ERROR"
_LOCAL_STATUS = {LAMBDA_ERROR: 502}

# (slug, title, detail) of the built-in problem body per kind; slugs match orgair.errors.
_PROBLEMS: dict[str, tuple[str, str, str]] = {
    "ACCESS_DENIED": ("forbidden", "Forbidden", "This API key may not call this route."),
    "UNAUTHORIZED": ("unauthorized", "Unauthorized", "A valid API key is required."),
    # API Gateway's answer to an unknown route is this 403 unless the template makes it a 404.
    "MISSING_AUTHENTICATION_TOKEN": ("forbidden", "Forbidden", "Missing Authentication Token"),
    "RESOURCE_NOT_FOUND": ("not-found", "Not Found", "No route matches this path and method."),
    "REQUEST_TOO_LARGE": (
        "payload-too-large",
        "Payload Too Large",
        "The request body is larger than allowed.",
    ),
    "THROTTLED": ("rate-limited", "Too Many Requests", "Request rate limit exceeded."),
    "QUOTA_EXCEEDED": ("rate-limited", "Too Many Requests", "Request quota exceeded."),
    "INTEGRATION_TIMEOUT": ("gateway-timeout", "Gateway Timeout", "The function did not answer in time."),
    "AUTHORIZER_FAILURE": ("internal-error", "Internal Server Error", "The authorizer failed."),
    "AUTHORIZER_CONFIGURATION_ERROR": (
        "internal-error",
        "Internal Server Error",
        "The authorizer returned an invalid response.",
    ),
    LAMBDA_ERROR: ("bad-gateway", "Bad Gateway", "The function failed or returned a malformed response."),
}

_REFERENCE = re.compile(
    r"\$!?(?:\{(?P<braced>(?:context|stageVariables)(?:\.[A-Za-z0-9_-]+)+)\}"
    r"|(?P<bare>(?:context|stageVariables)(?:\.[A-Za-z0-9_-]+)+))"
)


@dataclass(slots=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def set_default(self, name: str, value: str) -> None:
        if self.header(name) is None:
            self.headers.append((name, value))


@dataclass(frozen=True, slots=True)
class GatewayContext:
    """The `$context` and `method.request` values a gateway response can use."""

    request: HttpRequest
    request_id: str
    stage: str = ""
    resource_path: str = ""
    api_id: str = ""
    stage_variables: Mapping[str, str] = field(default_factory=dict)
    path_parameters: Mapping[str, str] = field(default_factory=dict)
    error_message: str = ""
    response_type: str = ""

    def context_variable(self, name: str) -> str | None:
        error = self.error_message
        values = {
            "path": self.request.path,
            "requestId": self.request_id,
            "extendedRequestId": self.request_id,
            "stage": self.stage,
            "resourcePath": self.resource_path,
            "httpMethod": self.request.method,
            "apiId": self.api_id,
            "accountId": LOCAL_ACCOUNT,
            "domainName": self.request.header("Host") or "",
            "protocol": self.request.protocol,
            "identity.sourceIp": self.request.source_ip,
            "identity.userAgent": self.request.header("User-Agent") or "",
            "error.message": error,
            "error.messageString": json.dumps(error),
            "error.responseType": self.response_type,
        }
        return values.get(name)

    def correlation_id(self) -> str:
        return self.request.header(CORRELATION_HEADER) or self.request_id


def render_template(template: str, context: GatewayContext) -> str:
    """Substitute `$context.x` / `${context.x}` / `$stageVariables.x`; unknown references render empty."""

    def substitute(match: re.Match[str]) -> str:
        reference = match.group("braced") or match.group("bare")
        scope, _, name = reference.partition(".")
        if scope == "stageVariables":
            return context.stage_variables.get(name, "")
        return context.context_variable(name) or ""

    return _REFERENCE.sub(substitute, template)


def header_value(expression: str, context: GatewayContext) -> str | None:
    """A ResponseParameters value: `'literal'`, `context.x`, `stageVariables.x` or `method.request.*`."""
    expression = expression.strip()
    if len(expression) >= 2 and expression[0] == expression[-1] == "'":
        return expression[1:-1]
    scope, _, name = expression.partition(".")
    if scope == "context":
        return context.context_variable(name)
    if scope == "stageVariables":
        return context.stage_variables.get(name)
    if expression.startswith("method.request.header."):
        return context.request.header(expression.removeprefix("method.request.header."))
    if expression.startswith("method.request.path."):
        return context.path_parameters.get(expression.removeprefix("method.request.path."))
    if expression.startswith("method.request.querystring."):
        wanted = expression.removeprefix("method.request.querystring.")
        values = [value for key, value in parse_qsl(context.request.query) if key == wanted]
        return values[-1] if values else None
    return None


def problem(
    status: int, slug: str, title: str, detail: str, context: GatewayContext, **extra: str
) -> HttpResponse:
    """A problem+json response shaped like `OrgairError.to_problem`."""
    body = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": context.request.path,
        "correlation_id": context.correlation_id(),
    }
    headers = [("Content-Type", PROBLEM_CONTENT_TYPE), (CORRELATION_HEADER, context.correlation_id())]
    headers.extend(extra.items())
    return HttpResponse(status, headers, json.dumps(body).encode())


class GatewayResponses:
    """Renders gateway responses of one API from its template definitions."""

    def __init__(self, specs: Mapping[str, GatewayResponseSpec] | None = None) -> None:
        self._specs = dict(specs or {})

    def status(self, kind: str) -> int:
        spec = self._specs.get(kind)
        if spec is not None and spec.status_code is not None:
            return spec.status_code
        return DEFAULT_STATUS.get(kind) or _LOCAL_STATUS.get(kind, 500)

    def render(self, kind: str, context: GatewayContext) -> HttpResponse:
        status = self.status(kind)
        spec = self._specs.get(kind)
        if spec is None:
            # DEFAULT_4XX/5XX supply body and headers; the specific kind keeps its own status.
            spec = self._specs.get("DEFAULT_4XX" if status < 500 else "DEFAULT_5XX")
        context = replace(context, response_type=kind)
        if spec is None:
            slug, title, detail = _PROBLEMS.get(kind, ("internal-error", "Internal Server Error", kind))
            return problem(status, slug, title, detail, context)
        content_type, template = _pick_template(spec.templates)
        headers: list[tuple[str, str]] = []
        for name, expression in spec.headers.items():
            value = header_value(expression, context)
            if value is not None:
                headers.append((name, value))
        response = HttpResponse(status, headers, render_template(template, context).encode())
        response.set_default("Content-Type", content_type)
        return response


def _pick_template(templates: Mapping[str, str]) -> tuple[str, str]:
    """API Gateway uses the application/json template unless the response defines only another."""
    if "application/json" in templates:
        return "application/json", templates["application/json"]
    for content_type, template in templates.items():
        return content_type, template
    return "application/json", '{"message":$context.error.messageString}'
