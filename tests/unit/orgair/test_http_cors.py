"""CORS of every function answer, from CORS_ORIGINS: the allowed origin may read successes and every
problem (including a body refused before routing), with Vary: Origin; another origin gets nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from orgair.http import create_app, make_handler
from support.lambda_events import FakeLambdaContext, api_event, proxy_headers

ALLOWED = "https://app.example.com"


def build_handler() -> Any:
    app = create_app()

    @app.post("/echo")
    def echo() -> dict[str, str]:
        return {"echo": "ok"}

    return make_handler(app)


def call(event: dict[str, Any]) -> tuple[int, dict[str, str]]:
    result = build_handler()(event, FakeLambdaContext())
    headers = proxy_headers(result)
    json.loads(result["body"])
    return result["statusCode"], headers


def requests(origin: str) -> dict[str, dict[str, Any]]:
    return {
        "a success": api_event("POST", "/echo", body={}, headers={"Origin": origin}),
        "an unknown route": api_event("GET", "/nowhere", headers={"Origin": origin}),
        "a body refused before routing": api_event(
            "POST", "/echo", body="name=a", headers={"Origin": origin, "Content-Type": "text/plain"}
        ),
    }


@pytest.fixture(autouse=True)
def _origin_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", ALLOWED)


@pytest.mark.parametrize(
    ("case", "expected"),
    [("a success", 200), ("an unknown route", 404), ("a body refused before routing", 415)],
)
def test_the_allowed_origin_may_read_every_answer(case: str, expected: int) -> None:
    status, headers = call(requests(ALLOWED)[case])

    assert status == expected
    assert headers["Access-Control-Allow-Origin"] == ALLOWED
    assert headers["Vary"] == "Origin"
    assert "X-Correlation-ID" in headers["Access-Control-Expose-Headers"].split(",")


@pytest.mark.parametrize("case", ["a success", "an unknown route", "a body refused before routing"])
def test_another_origin_gets_no_cors_header(case: str) -> None:
    _, headers = call(requests("https://evil.example")[case])

    assert not [name for name in headers if name.startswith("Access-Control-")]


def test_without_cors_origins_no_answer_has_cors_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORS_ORIGINS")
    for event in requests(ALLOWED).values():
        _, headers = call(event)
        assert not [name for name in headers if name.startswith("Access-Control-") or name == "Vary"]
