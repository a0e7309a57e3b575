"""Hostile request bodies and parameters over real HTTP, through the local runner.

A caller can send anything: a 90-byte number that costs minutes to convert, integers past Python's
int-string limit, nesting past the recursion limit, duplicate keys, booleans where counts go, media
types the service does not read, days at the calendar's end. Each is refused with a 4xx
problem+json naming what is wrong, in milliseconds of handler time, while the process keeps
serving everyone else; a key without the route's scope is refused (403) before any of it is read.
The property test at the end throws generated hostile documents at every JSON route of both
stages and checks: an answer within a time bound, never a 5xx, nothing written.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orgair.jsonbody import MAX_JSON_DEPTH
from support.local_runner import Runner, client_as, local_runner

from devtools.cli import main as orgair_cli
from devtools.localrun.aws_services import aws_client
from devtools.template import Template, load_template

pytestmark = pytest.mark.integration

ADMIN_KEY: Final = "oak_hostile-admin-" + secrets.token_urlsafe(24)
STAGES: Final = ("v1", "v2")
ULID: Final = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
HANDLER_BUDGET_MS: Final = 50.0
ANSWER_SECONDS: Final = 5.0
"""Wall-clock bound per answer on a loaded 2-core machine (handler time is bounded separately)."""

USAGE: Final = {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 10, "output_tokens": 5}
EXTREME_EXPONENT_USAGE: Final = (
    '{"provider":"openai","model":"gpt-4o-2024-08-06","input_tokens":1e999999999,"output_tokens":1}'
)

JSON_ROUTES: Final = sorted(
    {
        (route.method, re.sub(r"\{\w+\}", ULID, route.path))
        for spec in Template(load_template()).functions()
        for route in spec.routes
        if route.method in ("POST", "PUT", "PATCH")
    }
)
"""Every route of the template that reads a JSON body, with a well-formed id in its path."""


def dynamodb_endpoint(runner: Runner) -> str:
    for line in runner.lines:
        found = re.search(r"DynamoDB \(embedded moto\): (\S+)", line)
        if found:
            return found.group(1)
    raise AssertionError(f"the runner did not say where its DynamoDB is:\n{runner.output()}")


def item_counts(endpoint: str) -> dict[str, int]:
    """Items per table of the runner's DynamoDB (moto answers Count exactly)."""
    client = aws_client("dynamodb", endpoint)
    return {
        table: int(client.scan(TableName=table, Select="COUNT")["Count"])
        for table in client.list_tables()["TableNames"]
    }


def create_key(endpoint: str, tenant: str, scopes: str) -> str:
    """A key made as an operator makes one: with the orgair command line."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = orgair_cli(
            ["keys", "create", "--endpoint-url", endpoint, "--tenant", tenant, "--scopes", scopes]
        )
    assert status == 0, printed.getvalue()
    return printed.getvalue().strip().splitlines()[-1]


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    with local_runner(admin_key=ADMIN_KEY, directory=tmp_path_factory.mktemp("hostile")) as running:
        yield running


@pytest.fixture(scope="module")
def client(runner: Runner) -> Iterator[httpx.Client]:
    with client_as(runner, ADMIN_KEY, timeout=30) as session:
        yield session


@pytest.fixture(scope="module")
def reader_key(runner: Runner) -> str:
    """A key of another tenant that may read costs but not write them."""
    return create_key(dynamodb_endpoint(runner), "hostile-reader", "costs:read,scores:read")


def post(
    client: httpx.Client,
    path: str,
    body: str | bytes,
    *,
    content_type: str = "application/json",
    key: str | None = None,
    idempotent: bool = True,
) -> httpx.Response:
    headers = {"Content-Type": content_type}
    if idempotent:
        headers["Idempotency-Key"] = f"hostile-{secrets.token_hex(8)}"
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return client.post(path, content=body, headers=headers)


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    return dict(body)


def handler_ms(response: httpx.Response) -> float:
    return float(response.headers["X-Process-Time"].removesuffix("ms"))


# ---------------------------------------------------------------------- numbers


@pytest.mark.parametrize("stage", STAGES)
def test_an_extreme_exponent_is_a_422_in_under_50ms_of_handler_time_while_health_answers(
    client: httpx.Client, stage: str
) -> None:
    def health_while_hostile() -> list[int]:
        return [client.get(f"/{stage}/health").status_code for _ in range(5)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        hostile = [pool.submit(post, client, f"/{stage}/costs", EXTREME_EXPONENT_USAGE) for _ in range(3)]
        health = pool.submit(health_while_hostile)
        for future in hostile:
            response = future.result(timeout=ANSWER_SECONDS)
            body = problem(response, 422)
            assert body["errors"][0]["field"] == "input_tokens"
            assert handler_ms(response) < HANDLER_BUDGET_MS
        assert health.result(timeout=ANSWER_SECONDS) == [200] * 5


@pytest.mark.parametrize("stage", STAGES)
def test_an_integer_past_pythons_int_string_limit_is_a_422_naming_the_field(
    client: httpx.Client, stage: str
) -> None:
    body = json.dumps(USAGE).replace('"output_tokens": 5', '"output_tokens": ' + "9" * 5000)
    response = post(client, f"/{stage}/costs", body)
    assert problem(response, 422)["errors"][0]["field"] == "output_tokens"


@pytest.mark.parametrize(
    "value", [True, "10", 10.0, "1e3"], ids=["bool", "numeric string", "float", "exp string"]
)
def test_a_token_count_that_is_not_a_json_integer_is_a_422_naming_it(
    client: httpx.Client, value: Any
) -> None:
    response = post(client, "/v2/costs", json.dumps({**USAGE, "input_tokens": value}))
    assert [item["field"] for item in problem(response, 422)["errors"]] == ["input_tokens"]


# ---------------------------------------------------------------------- structure


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
def test_nesting_past_the_recursion_limit_is_a_400_on_every_json_route(
    client: httpx.Client, stage: str, method: str, path: str
) -> None:
    response = post(client, f"/{stage}{path}", "[" * 100_000)
    assert problem(response, 400)["type"].endswith("/malformed-request")


def test_a_review_decision_with_a_duplicate_key_is_a_400_naming_it(client: httpx.Client) -> None:
    response = post(client, f"/v2/reviews/{ULID}/decision", '{"decision":"reject","decision":"approve"}')
    body = problem(response, 400)
    assert body["errors"] == [{"field": "decision", "message": "duplicate key"}]


@pytest.mark.parametrize(
    "content_type", ["application/foo+json", "application/merge-patch+json", "text/plain"]
)
@pytest.mark.parametrize("stage", STAGES)
def test_a_body_of_another_media_type_is_a_415(client: httpx.Client, stage: str, content_type: str) -> None:
    response = post(client, f"/{stage}/costs", json.dumps(USAGE), content_type=content_type)
    assert problem(response, 415)["type"].endswith("/unsupported-media-type")


# ---------------------------------------------------------------------- query parameters


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "3000-01-01"])
@pytest.mark.parametrize("route", ["/costs/summary", "/costs/entries", "/costs/alerts"])
def test_a_day_outside_the_ledgers_range_is_a_422_naming_date(
    client: httpx.Client, route: str, day: str
) -> None:
    response = client.get(f"/v2{route}", params={"date": day})
    assert [item["field"] for item in problem(response, 422)["errors"]] == ["date"]


# ---------------------------------------------------------------------- scope before anything is read


@pytest.mark.parametrize(
    "body",
    [EXTREME_EXPONENT_USAGE, "[" * 100_000, '{"a":1,"a":2}', "9" * 5000, "not json"],
    ids=["extreme exponent", "deep nesting", "duplicate keys", "huge integer", "not JSON"],
)
@pytest.mark.parametrize("stage", STAGES)
def test_a_key_without_the_routes_scope_is_a_403_before_a_hostile_body_is_read(
    client: httpx.Client, reader_key: str, stage: str, body: str
) -> None:
    for content_type in ("application/json", "application/foo+json"):
        response = post(client, f"/{stage}/costs", body, content_type=content_type, key=reader_key)
        assert problem(response, 403)["type"].endswith("/forbidden")
        assert handler_ms(response) < HANDLER_BUDGET_MS


def test_a_key_without_the_routes_scope_is_a_403_before_a_hostile_query_is_read(
    client: httpx.Client, runner: Runner
) -> None:
    writer = create_key(dynamodb_endpoint(runner), "hostile-writer", "costs:write")
    response = client.get(
        "/v2/costs/entries",
        params={"date": "9999-12-31", "limit": "0", "cursor": "x"},
        headers={"Authorization": f"Bearer {writer}"},
    )
    problem(response, 403)


# ---------------------------------------------------------------------- generated hostile documents

ROUTE_STRATEGY: Final = st.sampled_from(
    [(stage, method, path) for stage in STAGES for method, path in JSON_ROUTES]
)
HOSTILE_NUMBER: Final = st.one_of(
    st.integers(5, 400).map(lambda digits: "9" * digits * 12),
    st.integers(401, 10**12).map(lambda exponent: f"1e{exponent}"),
    st.integers(401, 10**12).map(lambda exponent: f"-2.5E-{exponent}"),
    st.just("1e" + "9" * 5000),
)
PLAIN_JSON: Final = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=10)
    | st.sampled_from(["1", "true", "", "null"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["provider", "decision", "input_tokens", "company_id", "x"]), children, max_size=4
        )
    ),
    max_leaves=12,
)


@st.composite
def hostile_documents(draw: st.DrawFn) -> tuple[str, bytes]:
    """(content type, body) of a document no JSON route may accept."""
    kind = draw(st.sampled_from(["deep", "number", "duplicate", "weird", "bytes", "media"]))
    content_type = "application/json"
    if kind == "deep":
        depth = draw(st.integers(MAX_JSON_DEPTH + 1, 200_000))
        opener = draw(st.sampled_from(["[", '{"a":', "[{", '{"x":[']))
        closed = draw(st.booleans())
        text = opener * depth + ("" if not closed else "]" * depth if opener == "[" else "")
    elif kind == "number":
        field = draw(
            st.sampled_from(["input_tokens", "output_tokens", "decision", "dimensions", "companies"])
        )
        text = json.dumps(draw(st.dictionaries(st.text(max_size=5), PLAIN_JSON, max_size=3)))
        text = text[:-1] + ("," if len(text) > 2 else "") + f'"{field}": {draw(HOSTILE_NUMBER)}}}'
    elif kind == "duplicate":
        key = draw(st.sampled_from(["decision", "provider", "input_tokens", "companies", "company_id"]))
        first, second = draw(PLAIN_JSON), draw(PLAIN_JSON)
        text = f'{{"{key}": {json.dumps(first)}, "{key}": {json.dumps(second)}}}'
    elif kind == "weird":
        text = json.dumps(draw(PLAIN_JSON))
    elif kind == "bytes":
        return content_type, draw(st.binary(min_size=1, max_size=256))
    else:
        content_type = draw(
            st.sampled_from(
                [
                    "application/foo+json",
                    "application/problem+json",
                    "text/json",
                    "application/xml",
                    "multipart/form-data",
                ]
            )
        )
        text = json.dumps(USAGE)
    return content_type, text.encode()


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
)
@pytest.mark.wallclock
@given(route=ROUTE_STRATEGY, document=hostile_documents())
def test_generated_hostile_documents_are_refused_quickly_and_write_nothing(
    client: httpx.Client, runner: Runner, route: tuple[str, str, str], document: tuple[str, bytes]
) -> None:
    stage, _, path = route
    content_type, body = document
    endpoint = dynamodb_endpoint(runner)
    before = item_counts(endpoint)

    started = time.monotonic()
    response = post(client, f"/{stage}{path}", body, content_type=content_type, idempotent=False)
    elapsed = time.monotonic() - started

    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert elapsed < ANSWER_SECONDS
    assert item_counts(endpoint) == before
