"""Runner-only routes outside every stage (`/_local/published`) and the event a function with a
schedule gets from `POST /_local/invoke/<LogicalId>` with no body."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from devtools.localrun.api import LocalApi
from devtools.localrun.events import HttpRequest
from devtools.localrun.functions import FunctionRegistry
from devtools.localrun.gateway import HttpResponse
from devtools.template import Template

SCHEDULED = {"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}}


def _api(template: Template, registry: FunctionRegistry, seen: list[HttpRequest]) -> LocalApi:
    def published(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse(200, [("Content-Type", "application/json")], b'{"items": []}')

    return LocalApi(
        template,
        registry,
        log=lambda line: None,
        local_routes={"/_local/published": published},
        default_events={"EchoFunction": lambda: dict(SCHEDULED)},
    )


def _echoed(response: HttpResponse) -> Any:
    assert response.status == 200, response.body
    return json.loads(json.loads(response.body)["body"])["event"]


def test_a_local_route_answers_outside_every_stage(
    template: Template, registry: FunctionRegistry, make_request: Callable[..., HttpRequest]
) -> None:
    seen: list[HttpRequest] = []
    response = _api(template, registry, seen).handle(
        make_request("GET", "/_local/published", query="after=3")
    )
    assert response.status == 200
    assert json.loads(response.body) == {"items": []}
    assert [(request.path, request.query) for request in seen] == [("/_local/published", "after=3")]
    assert response.header("x-amzn-RequestId")


def test_an_unknown_local_path_is_still_the_gateways_404(
    template: Template, registry: FunctionRegistry, make_request: Callable[..., HttpRequest]
) -> None:
    response = _api(template, registry, []).handle(make_request("GET", "/_local/other"))
    assert response.status == 404


def test_invoke_without_a_body_gives_a_scheduled_function_its_schedules_event(
    template: Template, registry: FunctionRegistry, make_request: Callable[..., HttpRequest]
) -> None:
    api = _api(template, registry, [])
    assert _echoed(api.handle(make_request("POST", "/_local/invoke/EchoFunction"))) == SCHEDULED
    given = {"path": "/public", "source": "me"}
    body = json.dumps(given).encode()
    assert _echoed(api.handle(make_request("POST", "/_local/invoke/EchoFunction", body=body))) == given


def test_invoke_without_a_body_gives_other_functions_an_empty_event(
    template: Template, registry: FunctionRegistry, make_request: Callable[..., HttpRequest]
) -> None:
    api = _api(template, registry, [])
    response = api.handle(make_request("POST", "/_local/invoke/SlowFunction"))
    assert _echoed(response) == {}
