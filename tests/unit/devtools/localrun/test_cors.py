"""The local runner's CORS follows the functions' CORS_ORIGINS through the template's CorsOrigins:
with an origin, the template's preflight routes and gateway-response headers; without, none."""

from __future__ import annotations

import pytest

from devtools.localrun.cors import CorsOriginsError, with_cors_origins
from devtools.localrun.events import HttpRequest
from devtools.localrun.gateway import GatewayContext, GatewayResponses
from devtools.template import Template, load_template

ORIGIN = "http://127.0.0.1:8080"


def routes(template: Template) -> set[tuple[str, str, str]]:
    return {(route.method, route.api, route.path) for spec in template.functions() for route in spec.routes}


def cors_headers(template: Template, kind: str) -> dict[str, str]:
    (api,) = template.apis()
    request = HttpRequest(method="GET", path="/v2/scores", headers=(("Origin", ORIGIN),))
    response = GatewayResponses(api.gateway_responses).render(kind, GatewayContext(request, "request-1"))
    return {
        name: value
        for name, value in response.headers
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }


@pytest.fixture(scope="module")
def plain() -> Template:
    return with_cors_origins(Template(load_template()), {"CORS_ORIGINS": ""})


@pytest.fixture(scope="module")
def with_origin() -> Template:
    return with_cors_origins(Template(load_template()), {"CORS_ORIGINS": ORIGIN})


def test_without_an_origin_there_is_no_preflight_route(plain: Template) -> None:
    assert not [route for route in routes(plain) if route[0] == "OPTIONS"]
    assert "CorsPreflightFunction" not in {spec.logical_id for spec in plain.functions()}


def test_with_an_origin_every_route_has_a_public_preflight_answered_by_the_preflight_function(
    with_origin: Template,
) -> None:
    (preflight,) = [spec for spec in with_origin.functions() if spec.logical_id == "CorsPreflightFunction"]
    served = {(api, path) for method, api, path in routes(with_origin) if method != "OPTIONS"}

    assert {(route.api, route.path) for route in preflight.routes} == served
    assert all(route.method == "OPTIONS" and route.public for route in preflight.routes)


@pytest.mark.parametrize(
    "kind", ["UNAUTHORIZED", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED", "DEFAULT_5XX"]
)
def test_gateway_responses_carry_cors_headers_only_with_an_origin(
    plain: Template, with_origin: Template, kind: str
) -> None:
    assert cors_headers(plain, kind) == {}
    headers = cors_headers(with_origin, kind)
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Vary"] == "Origin"
    assert "X-Correlation-ID" in headers["Access-Control-Expose-Headers"].split(",")


@pytest.mark.parametrize(
    "value",
    [
        "https://a.example.com,https://b.example.com",
        "https://app.example.com/",
        "https://app.example.com/path",
        "*",
        "app.example.com",
    ],
)
def test_an_origin_the_template_would_refuse_stops_the_runner_at_startup(value: str) -> None:
    with pytest.raises(CorsOriginsError, match="CorsOrigins accepts"):
        with_cors_origins(Template(load_template()), {"CORS_ORIGINS": value})


@pytest.mark.parametrize("value", ["https://app.example.com", "http://localhost:3000", ""])
def test_a_deployable_origin_becomes_the_templates_cors_origins(value: str) -> None:
    template = with_cors_origins(Template(load_template()), {"CORS_ORIGINS": value})
    assert template.parameter_values()["CorsOrigins"] == value
