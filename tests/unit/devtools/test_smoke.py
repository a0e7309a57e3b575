"""The post-deploy smoke test passes a healthy pair of stages and fails a wrong or broken one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from support.local_runner import QuietHandler, serve_http

from devtools.smoke import Answer, check_stage, main, problems_with

pytestmark = pytest.mark.network  # serves and calls real HTTP on loopback


class FakeApi(QuietHandler):
    """/v1/health and /v2/health as the deployed API answers them; `bodies` can be changed per test."""

    bodies: ClassVar[dict[str, dict[str, Any]]] = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server dispatches to do_<METHOD>
        stage = self.path.split("/")[1]
        body = self.bodies.get(stage)
        payload = json.dumps(body or {"status": 404}).encode()
        self.reply(
            200 if body else 404, payload, {"Content-Type": "application/json", "X-Correlation-ID": "abc"}
        )


def health(stage: str, version: str) -> dict[str, Any]:
    return {"status": "ok", "stage": stage, "param_version": version, "service": "orgair"}


@pytest.fixture
def api() -> Iterator[str]:
    FakeApi.bodies = {"v1": health("v1", "v1.0"), "v2": health("v2", "v2.0")}
    with serve_http(FakeApi) as url:
        yield url


def test_healthy_stages_pass(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--v1-url", f"{api}/v1", "--v2-url", f"{api}/v2", "--attempts", "1"]) == 0
    assert "v1: ok" in capsys.readouterr().out


def test_a_stage_serving_the_wrong_parameter_version_fails(
    api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    FakeApi.bodies["v2"] = health("v2", "v1.0")

    assert main(["--v1-url", f"{api}/v1", "--v2-url", f"{api}/v2", "--attempts", "1"]) == 1
    assert "param_version is 'v1.0'" in capsys.readouterr().err


def test_a_missing_route_fails_without_retrying(api: str) -> None:
    FakeApi.bodies.pop("v1")
    calls: list[float] = []

    problems = check_stage("v1", f"{api}/v1", attempts=5, delay=0, timeout=2, sleep=calls.append)

    assert problems == ["v1: /health answered 404"]
    assert calls == []


def test_server_errors_are_retried_until_the_deployment_answers() -> None:
    answers = iter(
        [
            Answer(502, b"", {}),
            Answer(200, json.dumps(health("v2", "v2.0")).encode(), {"X-Correlation-ID": "x"}),
        ]
    )
    sleeps: list[float] = []

    problems = check_stage(
        "v2",
        "https://example.invalid/v2",
        attempts=3,
        delay=1.5,
        timeout=1,
        get=lambda *_: next(answers),
        sleep=sleeps.append,
    )

    assert problems == []
    assert sleeps == [1.5]


def test_unreachable_api_fails_after_the_last_attempt() -> None:
    def refuse(url: str, timeout: float) -> Answer:
        raise ConnectionRefusedError("refused")

    problems = check_stage(
        "v1", "https://example.invalid/v1", attempts=2, delay=0, timeout=1, get=refuse, sleep=lambda _: None
    )

    assert len(problems) == 1
    assert "unreachable" in problems[0]


def test_answers_without_a_correlation_header_are_reported() -> None:
    answer = Answer(200, json.dumps(health("v1", "v1.0")).encode(), {})

    assert problems_with("v1", answer) == ["v1: no X-Correlation-ID header"]
