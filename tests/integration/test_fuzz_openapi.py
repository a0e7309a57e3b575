"""Schemathesis against each stage's OpenAPI document, through the local runner over real HTTP.

The runner (`python -m devtools.localrun serve`, a subprocess on free ports) serves every route
through the authorizer with an admin key, the embedded DynamoDB, and a stand-in LLM provider on
loopback, so every operation can succeed as well as fail. For every operation of /v1 and /v2,
Schemathesis sends the documented examples, boundary and invalid values (coverage phase) and
random valid and invalid requests (fuzzing phase), and checks every answer:

- no 5xx (a 503 would also be a failure: nothing here is down);
- status code, content type, headers and body conform to the stage's document;
- a request without the API key is refused (ignored_auth);
- every error is application/problem+json with the RFC 9457 members.

Bounded: ORGAIR_FUZZ_MAX_EXAMPLES (default 25) random cases per operation, a fixed seed
(ORGAIR_FUZZ_SEED) so a failure reproduces, no example database. Stage throttling is off here
(`--no-throttle`): it is API Gateway's, and 429s would only hide answers.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
import schemathesis
from requests.structures import CaseInsensitiveDict
from schemathesis import Case
from schemathesis.schemas import BaseSchema
from support.local_runner import ROOT, fake_openai, local_runner
from support.problem_checks import CONFORMANCE_CHECKS, errors_are_problem_json

pytestmark = pytest.mark.integration

ADMIN_KEY: Final = "oak_fuzz-admin-" + secrets.token_urlsafe(24)
MAX_EXAMPLES: Final = int(os.environ.get("ORGAIR_FUZZ_MAX_EXAMPLES", "25"))
SEED: Final = int(os.environ.get("ORGAIR_FUZZ_SEED", "20261123"))


@pytest.fixture(scope="module")
def llm_provider() -> Iterator[str]:
    with fake_openai() as provider:
        yield provider.url


@pytest.fixture(scope="module")
def runner(llm_provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The local runner on free ports; its base URL."""
    settings = {
        "OPENAI_API_KEY": "sk-fuzz-" + secrets.token_urlsafe(16),
        "OPENAI_BASE_URL": llm_provider,
        # Fuzzed POST /costs reports huge usage; a real-size budget would turn every later
        # assessment into a 429 and leave its success path unexercised.
        "DAILY_COST_BUDGET_USD": "1000000000",
    }
    with local_runner(
        admin_key=ADMIN_KEY, env_vars=settings, directory=tmp_path_factory.mktemp("fuzz")
    ) as running:
        yield running.url
        errors = [line for line in running.lines if "Traceback" in line or "[ERROR]" in line]
    print(f"local runner: {len(running.lines)} output lines, {len(errors)} with errors")  # noqa: T201


def stage_schema(base_url: str, stage: str) -> BaseSchema:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "base-url": f"{base_url}/{stage}",
            "auth": {"openapi": {"ApiKeyBearer": {"bearer": ADMIN_KEY}}},
            "request-timeout": 30,
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "mode": "all"},
            # Every method an operation does not define is sent too (TRACE included): the runner
            # answers each as API Gateway does, with the template's MISSING_AUTHENTICATION_TOKEN.
            "phases": {
                "stateful": {"enabled": False},
                "coverage": {
                    "unexpected-methods": ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE"]
                },
            },
            "checks": {
                **CONFORMANCE_CHECKS,
                "ignored_auth": {"enabled": True},
            },
        }
    )
    return schemathesis.openapi.from_url(f"{base_url}/{stage}/openapi.json", config=config)


@pytest.fixture(scope="module")
def v1_schema(runner: str) -> BaseSchema:
    return stage_schema(runner, "v1")


@pytest.fixture(scope="module")
def v2_schema(runner: str) -> BaseSchema:
    return stage_schema(runner, "v2")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4 renames the test node per operation through `Node._nodeid`, which pytest 9 no
    longer has (its `nodeid` is derived); giving it the attribute back keeps its reporting working."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


ANSWERS: Final[Counter[tuple[str, str, int]]] = Counter()
"""(stage path, method + path, status) of every answer checked: the run's summary."""


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest) -> Iterator[None]:
    """Prints what was sent and answered, per stage, operation and status, after the module."""
    yield
    if not ANSWERS:
        return
    lines = [
        f"schemathesis: {sum(ANSWERS.values())} requests checked (seed {SEED}, max {MAX_EXAMPLES} examples)"
    ]
    for stage, operation in sorted({(stage, operation) for stage, operation, _ in ANSWERS}):
        statuses = sorted(
            (code, count) for (s, o, code), count in ANSWERS.items() if (s, o) == (stage, operation)
        )
        lines.append(f"  {stage} {operation:40} " + " ".join(f"{code}x{count}" for code, count in statuses))
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\n" + "\n".join(lines))  # noqa: T201 - the run's summary, for the developer


def call(case: Case[Any]) -> None:
    if case.method.upper() == "POST":
        # POST /costs requires one and the others honour it: every write is also an idempotent write.
        headers = case.headers if case.headers is not None else CaseInsensitiveDict()
        headers["Idempotency-Key"] = f"fuzz-{uuid.uuid4()}"
        case.headers = headers
    response = case.call()
    stage = str(case.operation.schema.get_base_url()).rstrip("/").rsplit("/", 1)[-1]
    ANSWERS[(stage, f"{case.method.upper()} {case.path}", response.status_code)] += 1
    case.validate_response(response, additional_checks=[errors_are_problem_json])


v1 = schemathesis.pytest.from_fixture("v1_schema")
v2 = schemathesis.pytest.from_fixture("v2_schema")


@v1.parametrize()
def test_stage_v1_answers_as_its_document_says(case: Case[Any]) -> None:
    call(case)


@v2.parametrize()
def test_stage_v2_answers_as_its_document_says(case: Case[Any]) -> None:
    call(case)


def test_the_fuzzed_documents_are_the_committed_ones(runner: str) -> None:
    """What was fuzzed is what ships: the runner serves the documents committed under docs/."""
    import httpx

    for stage in ("v1", "v2"):
        served = httpx.get(f"{runner}/{stage}/openapi.json", timeout=10).text
        committed = (ROOT / "docs" / f"openapi-{stage}.json").read_text(encoding="utf-8")
        assert served == committed, f"docs/openapi-{stage}.json is not what /{stage}/openapi.json serves"
        assert re.search(r'"securitySchemes"', served)
        assert Path(ROOT / "docs" / f"openapi-{stage}.json").is_file()
