"""Gateway responses rendered from the template, and the problem+json fallback."""

from __future__ import annotations

import json

from orgair.errors import Forbidden

from devtools.localrun.events import HttpRequest
from devtools.localrun.gateway import GatewayContext, GatewayResponses, header_value, render_template
from devtools.template_specs import GatewayResponseSpec

NOT_FOUND = GatewayResponseSpec(
    status_code=404,
    templates={
        "application/json": '{"status": 404, "instance": "$context.path", "correlation_id": "$context.requestId"}'
    },
    headers={
        "Content-Type": "'application/problem+json'",
        "X-Correlation-ID": "context.requestId",
        "X-Stage": "stageVariables.paramVersion",
        "X-Echo": "method.request.header.X-Echo",
        "X-Missing": "method.request.header.X-Nope",
    },
)


def context(**overrides: str) -> GatewayContext:
    request = HttpRequest(method="GET", path="/v2/nope", headers=[("X-Echo", "hi")], query="q=1")
    return GatewayContext(
        request=request,
        request_id="req-1",
        stage="v2",
        stage_variables={"paramVersion": "v2.0"},
        **overrides,  # type: ignore[arg-type]
    )


def test_template_response_substitutes_context_and_applies_headers() -> None:
    response = GatewayResponses({"MISSING_AUTHENTICATION_TOKEN": NOT_FOUND}).render(
        "MISSING_AUTHENTICATION_TOKEN", context()
    )
    assert response.status == 404
    assert json.loads(response.body) == {"status": 404, "instance": "/v2/nope", "correlation_id": "req-1"}
    assert response.header("Content-Type") == "application/problem+json"
    assert response.header("X-Correlation-ID") == "req-1"
    assert response.header("X-Stage") == "v2.0"
    assert response.header("X-Echo") == "hi"
    assert response.header("X-Missing") is None


def test_default_4xx_supplies_the_body_but_not_the_status() -> None:
    default = GatewayResponseSpec(
        status_code=400, templates={"application/json": '{"kind": "$context.error.responseType"}'}, headers={}
    )
    response = GatewayResponses({"DEFAULT_4XX": default}).render("UNAUTHORIZED", context())
    assert response.status == 401
    assert json.loads(response.body) == {"kind": "UNAUTHORIZED"}
    assert response.header("Content-Type") == "application/json"


def test_fallback_has_the_shape_of_orgair_errors() -> None:
    response = GatewayResponses().render("MISSING_AUTHENTICATION_TOKEN", context())
    body = json.loads(response.body)
    # API Gateway's own answer to an unknown route is 403; only the template makes it a 404.
    expected = Forbidden("Missing Authentication Token").to_problem(
        instance="/v2/nope", correlation_id="req-1"
    )
    assert body == expected
    assert response.status == 403
    assert response.header("Content-Type") == "application/problem+json"


def test_fallback_echoes_the_callers_correlation_id() -> None:
    request = HttpRequest(method="GET", path="/v1/x", headers=[("X-Correlation-ID", "abc")])
    response = GatewayResponses().render("THROTTLED", GatewayContext(request, "req-2"))
    assert response.status == 429
    assert json.loads(response.body)["correlation_id"] == "abc"
    assert response.header("X-Correlation-ID") == "abc"


def test_render_template_forms() -> None:
    rendered = render_template(
        "$context.path|${context.requestId}|$stageVariables.paramVersion|$context.unknown|"
        "$context.error.messageString.",
        context(error_message='say "hi"'),
    )
    assert rendered == '/v2/nope|req-1|v2.0||"say \\"hi\\"".'


def test_header_value_sources() -> None:
    ctx = context()
    assert header_value("'literal'", ctx) == "literal"
    assert header_value("context.stage", ctx) == "v2"
    assert header_value("method.request.querystring.q", ctx) == "1"
    assert header_value("something.else", ctx) is None
