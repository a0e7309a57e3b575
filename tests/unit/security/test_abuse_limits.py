"""Abuse limits of every route, as the real handlers enforce them: body size (413), JSON nesting
(400), numbers DynamoDB cannot hold (422, not 500), and a caller's correlation id accepted only when
it is short and printable. Free text and path ids: test_abuse_limits_free_text.py.

Portfolio size (1-500) and Idempotency-Key bounds are proven in tests/unit/functions/scores; rate
limits are API Gateway's (tests/infrastructure/test_template_security.py).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Final

import pytest
from orgair.http import MAX_CORRELATION_ID_LENGTH
from orgair.jsonbody import MAX_JSON_DEPTH
from orgair.settings import get_settings
from support.fault_checks import handler
from support.lambda_events import api_event, principal_context
from support.scoring_requests import Reply, company, count_items, for_stage, invoke, local_client, request

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.template import Template, load_template
from devtools.template_specs import ApiRoute

BODY_ROUTES: Final = [
    (Path(spec.code_uri).name, route)
    for spec in Template(load_template()).functions()
    for route in spec.routes
    if route.method in ("POST", "PUT", "PATCH")
]


def route_id(item: tuple[str, ApiRoute]) -> str:
    return f"{item[1].method} {item[1].path}"


def concrete(route: ApiRoute) -> tuple[str, dict[str, str] | None]:
    names = re.findall(r"\{(\w+)\}", route.path)
    value = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    path = re.sub(r"\{\w+\}", value, route.path)
    return path, (dict.fromkeys(names, value) if names else None)


def post(target: tuple[str, ApiRoute], body: str, tenant: str | None = "acme") -> Reply:
    code_dir, route = target
    path, parameters = concrete(route)
    return request(
        handler(code_dir),
        route.method,
        path,
        body=body,
        tenant=tenant,
        path_parameters=parameters,
        resource=route.path,
    )


# ---------------------------------------------------------------------- body size and nesting


@pytest.mark.parametrize("target", BODY_ROUTES, ids=route_id)
def test_a_body_over_the_limit_is_413_before_anything_else_and_stores_nothing(
    target: tuple[str, ApiRoute], dynamodb: EmbeddedDynamoDB
) -> None:
    client = local_client(dynamodb.endpoint_url)
    before = count_items(client)
    oversized = '{"pad": "' + "x" * get_settings().MAX_BODY_BYTES + '"}'

    for tenant in ("acme", None):
        reply = post(target, oversized, tenant=tenant)
        assert reply.is_problem(413), reply
        assert reply.body["type"].endswith("/payload-too-large")

    assert count_items(client) == before


@pytest.mark.parametrize("target", BODY_ROUTES, ids=route_id)
def test_json_nested_deeper_than_the_limit_is_a_400_problem(target: tuple[str, ApiRoute]) -> None:
    too_deep = '{"x": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}"

    reply = post(target, too_deep)

    assert reply.is_problem(400), reply
    assert "nests deeper" in reply.body["detail"]


@pytest.mark.parametrize("target", BODY_ROUTES, ids=route_id)
def test_json_at_the_nesting_limit_is_judged_by_the_schema_not_refused_as_malformed(
    target: tuple[str, ApiRoute], dynamodb: EmbeddedDynamoDB
) -> None:
    at_limit = '{"x": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"

    reply = post(target, at_limit)

    assert reply.status in (200, 404, 422), reply


HOSTILE_BODIES: Final = {
    "extreme exponent": '{"input_tokens": 1e999999999}',
    "past the int-string limit": '{"input_tokens": ' + "9" * 5000 + "}",
    "past the recursion limit": "[" * 100_000,
    "duplicate keys": '{"decision": "reject", "decision": "approve"}',
}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
@pytest.mark.parametrize("target", BODY_ROUTES, ids=route_id)
def test_a_hostile_body_is_a_4xx_for_a_caller_with_the_scope_and_a_403_for_one_without(
    target: tuple[str, ApiRoute], body: str, dynamodb: EmbeddedDynamoDB
) -> None:
    client = local_client(dynamodb.endpoint_url)
    before = count_items(client)
    code_dir, route = target
    path, parameters = concrete(route)

    def send(scopes: str, content_type: str) -> Reply:
        return request(
            handler(code_dir),
            route.method,
            path,
            body=body,
            scopes=scopes,
            headers={"Content-Type": content_type},
            path_parameters=parameters,
            resource=route.path,
        )

    for content_type in ("application/json", "application/foo+json"):
        assert send("admin", content_type).status in (400, 415, 422)
        assert send("costs:read", content_type).is_problem(403)
    assert count_items(client) == before


@pytest.mark.parametrize(
    "encoded",
    [base64.b64encode(b"\xff\n\xfej\x08 not UTF-8").decode(), "%%% not base64 %%%"],
    ids=["not UTF-8", "not base64"],
)
@pytest.mark.parametrize("target", BODY_ROUTES, ids=route_id)
def test_a_binary_body_that_is_not_utf8_json_is_a_400_problem(
    target: tuple[str, ApiRoute], encoded: str
) -> None:
    """Found by the fuzzer: a base64 body (isBase64Encoded) that decodes to no text was a 500."""
    code_dir, route = target
    path, parameters = concrete(route)
    event = api_event(
        route.method,
        path,
        body=encoded,
        path_parameters=parameters,
        resource=route.path,
        authorizer=principal_context("acme", "admin"),
    )
    event["isBase64Encoded"] = True

    reply = invoke(handler(code_dir), event)

    assert reply.is_problem(400), reply


def test_a_base64_body_of_utf8_json_is_read_like_any_other(dynamodb: EmbeddedDynamoDB) -> None:
    event = api_event(
        "POST",
        "/scores/simulate",
        body=base64.b64encode(json.dumps(company()).encode()).decode(),
        authorizer=principal_context("acme", "admin"),
    )
    event["isBase64Encoded"] = True

    assert invoke(handler("simulate"), event).status == 200


# ---------------------------------------------------------------------- correlation ids


@pytest.mark.parametrize(
    "sent",
    ["x" * (MAX_CORRELATION_ID_LENGTH + 1), "two words", "line\nbreak", "caf\u00e9", "\u0000"],
)
def test_an_oversized_or_unprintable_correlation_id_is_replaced_by_the_request_id(
    dynamodb: EmbeddedDynamoDB, sent: str
) -> None:
    reply = request(handler("scores"), "POST", "/scores", body=company(), headers={"X-Correlation-ID": sent})

    assert reply.status == 201, reply
    assert reply.header("X-Correlation-ID") == reply.header("X-Request-ID")
    assert reply.body["correlation_id"] == reply.header("X-Request-ID")
    assert sent not in reply.raw_body


def test_a_correlation_id_at_the_bound_is_echoed_and_stored(dynamodb: EmbeddedDynamoDB) -> None:
    sent = "c" * MAX_CORRELATION_ID_LENGTH

    reply = request(handler("scores"), "POST", "/scores", body=company(), headers={"X-Correlation-ID": sent})

    assert reply.status == 201, reply
    assert reply.header("X-Correlation-ID") == sent
    assert reply.body["correlation_id"] == sent


# ---------------------------------------------------------------------- numbers DynamoDB cannot hold


@pytest.mark.parametrize("stage", ["v1", "v2"])
def test_a_score_input_below_dynamodbs_smallest_number_is_a_422_not_a_500(
    dynamodb: EmbeddedDynamoDB, stage: str
) -> None:
    """Found by the fuzzer (seed 3): 5.7e-132 is a valid 0-100 score that DynamoDB cannot store."""
    client = local_client(dynamodb.endpoint_url)
    before = count_items(client)
    body = for_stage(
        company("tiny", dimensions={**company()["dimensions"], "culture": 5.704590595111025e-132}), stage
    )

    reply = request(handler("scores"), "POST", "/scores", stage=stage, body=body)

    assert reply.is_problem(422), reply
    assert reply.fields() == ["dimensions.culture"]
    assert count_items(client) == before
