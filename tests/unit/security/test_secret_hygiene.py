"""No secret ever leaves the process: every function of template.yaml runs its sample events (and
every route without one) plus error paths, with known secrets configured - an API key in the
Authorization header, OPENAI_API_KEY, ANTHROPIC_API_KEY, the two providers' admin keys and a
64-character SECRET_KEY - with DEBUG
off and on, the most verbose logging and Powertools event logging switched on. Every log line
(stdout, stderr, log records), every response body and header and every raised error is searched
for any 12-character piece of any secret, and for the API key's stored hash.
"""

from __future__ import annotations

import copy
import json
import logging
import secrets
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import httpx
import pytest
import respx
from botocore.exceptions import EndpointConnectionError
from orgair.auth.keys import hash_key, register_key, revoke_key
from orgair.aws import dynamodb_client
from orgair.errors import ConfigurationError
from orgair.llm import breaker
from orgair.observability import logger as service_logger
from orgair.settings import get_settings, load_settings
from orgair.transport import reset_http_client
from support.costs import ANTHROPIC_TEST_URL, OPENAI_TEST_URL
from support.evidence import evidence_bucket
from support.lambda_events import ROOT, FakeLambdaContext, api_event, load_function, principal_context
from support.llm import ANTHROPIC_URL, OPENAI_URL

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.template import Template, load_template
from devtools.template_specs import FunctionSpec

API_KEY: Final = "oak_" + secrets.token_urlsafe(32)
OPENAI_KEY: Final = "sk-" + secrets.token_urlsafe(32)
ANTHROPIC_KEY: Final = "sk-ant-" + secrets.token_urlsafe(32)
SECRET_KEY: Final = secrets.token_urlsafe(48)
OPENAI_ADMIN_KEY: Final = "sk-admin-" + secrets.token_urlsafe(32)
ANTHROPIC_ADMIN_KEY: Final = "sk-ant-admin01-" + secrets.token_urlsafe(32)
SECRETS: Final = {
    "API key": API_KEY,
    "API key hash": hash_key(API_KEY),
    "OPENAI_API_KEY": OPENAI_KEY,
    "ANTHROPIC_API_KEY": ANTHROPIC_KEY,
    "SECRET_KEY": SECRET_KEY,
    "OPENAI_ADMIN_KEY": OPENAI_ADMIN_KEY,
    "ANTHROPIC_ADMIN_KEY": ANTHROPIC_ADMIN_KEY,
}
WINDOW: Final = 12
STAGE_ARN: Final = "arn:aws:execute-api:us-east-1:123456789012:local/v2"
FUNCTIONS: Final[list[FunctionSpec]] = Template(load_template()).functions()
STORELESS_FUNCTIONS: Final = frozenset({"SimulateFunction", "OpenApiFunction"})


def leaks(text: str) -> list[str]:
    """The names of the secrets of which some 12-character piece occurs in `text`."""
    found = []
    for name, value in SECRETS.items():
        if any(value[start : start + WINDOW] in text for start in range(len(value) - WINDOW + 1)):
            found.append(name)
    return found


@dataclass
class Exposure:
    """Everything one invocation let out of the function."""

    texts: list[str] = field(default_factory=list)

    def add(self, value: Any) -> None:
        self.texts.append(value if isinstance(value, str) else json.dumps(value, default=str))

    def add_error(self, error: BaseException) -> None:
        self.texts.extend([str(error), repr(error), "".join(traceback.format_exception(error))])


def sample_events() -> dict[str, list[dict[str, Any]]]:
    """Logical id -> its events: each committed sample under events/, routed as the template routes
    it, and a synthesised request for every route no sample covers."""
    by_function: dict[str, list[dict[str, Any]]] = {spec.logical_id: [] for spec in FUNCTIONS}
    covered: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "events").glob("*.json")):
        event = json.loads(path.read_text())
        for spec in FUNCTIONS:
            if (
                (event.get("type") == "REQUEST" and spec.logical_id == "AuthorizerFunction")
                or ("source" in event and spec.schedules)
                or ("Records" in event and spec.queues)
            ):
                by_function[spec.logical_id].append(event)
            elif "type" not in event and "Records" not in event:
                for route in spec.routes:
                    if (route.method, route.path) == (event.get("httpMethod"), event.get("resource")):
                        by_function[spec.logical_id].append(event)
                        covered.add((route.method, route.path))
    for spec in FUNCTIONS:
        for route in spec.routes:
            if (route.method, route.path) not in covered:
                concrete = route.path.replace("{asset}", "swagger-ui.css").replace("{", "").replace("}", "")
                by_function[spec.logical_id].append(
                    api_event(
                        route.method,
                        concrete,
                        resource=route.path,
                        authorizer=principal_context("acme", "admin"),
                    )
                )
    return by_function


EVENTS: Final = sample_events()


def with_api_key(event: dict[str, Any]) -> dict[str, Any]:
    """The event as API Gateway delivers it: the caller's Authorization header reaches the function."""
    event = copy.deepcopy(event)
    if "httpMethod" not in event:
        return event
    event["headers"] = {**(event.get("headers") or {}), "Authorization": f"Bearer {API_KEY}"}
    event["multiValueHeaders"] = {
        **(event.get("multiValueHeaders") or {}),
        "Authorization": [f"Bearer {API_KEY}"],
    }
    return event


@pytest.fixture(params=["false", "true"], ids=["DEBUG off", "DEBUG on"])
def configured(
    request: pytest.FixtureRequest, dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Known secrets everywhere the service reads them, logging as verbose as it gets."""
    for name, value in {
        "DEBUG": request.param,
        "OPENAI_API_KEY": OPENAI_KEY,
        "ANTHROPIC_API_KEY": ANTHROPIC_KEY,
        "SECRET_KEY": SECRET_KEY,
        "OPENAI_ADMIN_KEY": OPENAI_ADMIN_KEY,
        "ANTHROPIC_ADMIN_KEY": ANTHROPIC_ADMIN_KEY,
        "OPENAI_BASE_URL": OPENAI_TEST_URL,
        "ANTHROPIC_BASE_URL": ANTHROPIC_TEST_URL,
        "LLM_MAX_RETRIES": "0",
        "POWERTOOLS_LOG_LEVEL": "DEBUG",
        "POWERTOOLS_LOGGER_LOG_EVENT": "true",
        "ORGAIR_LOCAL": "1",
        "ALERT_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:orgair-budget-alerts",
        "EXPORT_BUCKET_NAME": "orgair-focus-exports",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(breaker, "_container_breakers", breaker.BreakerRegistry())
    register_key(API_KEY, tenant_id="acme", scopes=frozenset({"admin"}), name="hygiene")
    level = service_logger.log_level
    service_logger.setLevel(logging.DEBUG)
    reset_http_client()
    try:
        with evidence_bucket(dynamodb.endpoint_url, monkeypatch):  # assessments keep inline evidence
            yield request.param
    finally:
        service_logger.setLevel(level)
        reset_http_client()


def handler_of(spec: FunctionSpec) -> ModuleType:
    """Loaded after the environment is set: Powertools reads POWERTOOLS_LOGGER_LOG_EVENT when decorating."""
    return load_function(Path(spec.code_uri).name)


def run(
    spec: FunctionSpec,
    event: dict[str, Any],
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> Exposure:
    exposure = Exposure()
    caplog.clear()
    # The service's own logging at its most verbose; libraries at INFO, as the Lambda runtime runs them
    # unless its own log level is turned to DEBUG (then botocore logs request bodies: SECURITY.md).
    with caplog.at_level(logging.INFO), caplog.at_level(logging.DEBUG, logger=service_logger.name):
        try:
            result = handler_of(spec).lambda_handler(
                event, FakeLambdaContext(spec.logical_id, timeout_ms=spec.timeout * 1000)
            )
        except Exception as error:  # the authorizer says no by raising; the budget check may raise
            exposure.add_error(error)
        else:
            exposure.add(result)
    out, err = capfd.readouterr()
    exposure.texts.extend([out, err])
    for record in caplog.records:
        exposure.add(service_logger.registered_formatter.format(record))
        exposure.add({key: str(value) for key, value in vars(record).items()})
        if record.exc_info and record.exc_info[1] is not None:
            exposure.add_error(record.exc_info[1])
    return exposure


def assert_no_leak(exposure: Exposure, what: str) -> None:
    for text in exposure.texts:
        assert leaks(text) == [], f"{what}: {leaks(text)} leaked in: {text[:2000]}"


def provider_rejecting_the_keys(router: respx.MockRouter) -> None:
    """Providers that refuse the key and quote it back, as some error bodies do (admin reports too)."""
    for prefix, key in ((OPENAI_TEST_URL, OPENAI_ADMIN_KEY), (ANTHROPIC_TEST_URL, ANTHROPIC_ADMIN_KEY)):
        router.get(url__startswith=prefix).mock(
            return_value=httpx.Response(401, json={"error": {"message": f"Invalid admin key: {key}"}})
        )
    for url, key in ((OPENAI_URL, OPENAI_KEY), (ANTHROPIC_URL, ANTHROPIC_KEY)):
        router.post(url).mock(
            return_value=httpx.Response(
                401,
                json={
                    "error": {
                        "message": f"Incorrect API key provided: {key}",
                        "type": "invalid_request_error",
                    }
                },
            )
        )


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.logical_id)
def test_every_function_has_at_least_one_event_to_run(spec: FunctionSpec) -> None:
    assert EVENTS[spec.logical_id], f"{spec.logical_id}: add a sample event under events/"


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.logical_id)
def test_sample_events_leak_no_secret(
    spec: FunctionSpec, configured: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        provider_rejecting_the_keys(router)
        for event in EVENTS[spec.logical_id]:
            exposure = run(spec, with_api_key(event), capfd, caplog)
            assert_no_leak(exposure, f"{spec.logical_id} {event.get('httpMethod') or event.get('type')}")


ERROR_PATHS: Final[dict[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "malformed JSON": lambda event: (
        {**event, "body": '{"company_id": "'} if event.get("httpMethod") else event
    ),
    "no authorizer context": lambda event: {
        **event,
        "requestContext": {
            key: value for key, value in event.get("requestContext", {}).items() if key != "authorizer"
        },
    },
    "unknown route": lambda event: (
        {**event, "path": "/no/such/route", "resource": "/no/such/route"}
        if event.get("httpMethod")
        else event
    ),
}


@pytest.mark.parametrize("path", sorted(ERROR_PATHS))
@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.logical_id)
def test_error_paths_leak_no_secret(
    spec: FunctionSpec,
    path: str,
    configured: str,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for event in EVENTS[spec.logical_id]:
        exposure = run(spec, ERROR_PATHS[path](with_api_key(event)), capfd, caplog)
        assert_no_leak(exposure, f"{spec.logical_id} {path}")


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.logical_id)
def test_an_unreachable_store_leaks_no_secret(
    spec: FunctionSpec, configured: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    reached: list[str] = []

    def unreachable(model: Any, **_: Any) -> None:
        reached.append(str(model.name))
        raise EndpointConnectionError(endpoint_url="http://dynamodb.invalid")

    dynamodb_client().meta.events.register("before-call.dynamodb", unreachable)
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        provider_rejecting_the_keys(router)
        for event in EVENTS[spec.logical_id]:
            assert_no_leak(run(spec, with_api_key(event), capfd, caplog), f"{spec.logical_id} store down")
    assert reached or spec.logical_id in STORELESS_FUNCTIONS, "the failing store was never asked"


def authorizer_event(key: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / "authorizer.json").read_text())
    event["headers"]["Authorization"] = f"Bearer {key}"
    event["multiValueHeaders"]["Authorization"] = [f"Bearer {key}"]
    return event


def test_the_authorizer_logs_the_key_id_but_never_the_key_allowed_or_refused(
    configured: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    [spec] = [spec for spec in FUNCTIONS if spec.logical_id == "AuthorizerFunction"]
    allowed = run(spec, authorizer_event(API_KEY), capfd, caplog)
    key_id = json.loads(allowed.texts[0])["principalId"]
    revoke_key(key_id)
    get_settings.cache_clear()
    revoked = run(spec, authorizer_event(API_KEY), capfd, caplog)
    unknown = run(spec, authorizer_event(API_KEY[:-4] + "XXXX"), capfd, caplog)

    for exposure, what in ((allowed, "allowed"), (revoked, "revoked"), (unknown, "unknown")):
        assert_no_leak(exposure, what)
    assert any(key_id in text for text in allowed.texts[1:]), "the logs were captured (public key id found)"


def test_a_provider_quoting_the_rejected_key_does_not_get_it_into_the_answer_or_logs(
    configured: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    [spec] = [spec for spec in FUNCTIONS if spec.logical_id == "AssessmentsFunction"]
    event = json.loads((ROOT / "events" / "assessments.json").read_text())
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        provider_rejecting_the_keys(router)

        exposure = run(spec, with_api_key(event), capfd, caplog)

        assert router.calls.call_count == 2, "both providers were asked (and quoted the key back)"
    assert json.loads(exposure.texts[0])["statusCode"] == 503
    assert_no_leak(exposure, "rejected keys")


def test_settings_mask_every_secret_in_repr_str_and_dumps(dynamodb: EmbeddedDynamoDB) -> None:
    settings = load_settings(
        OPENAI_API_KEY=OPENAI_KEY, ANTHROPIC_API_KEY=ANTHROPIC_KEY, SECRET_KEY=SECRET_KEY
    )

    for text in (repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())):
        assert leaks(text) == []
    assert settings.signing_key() == SECRET_KEY.encode(), "the secrets are there, just never shown"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OPENAI_API_KEY", "not-an-sk-" + secrets.token_urlsafe(32)),
        ("SECRET_KEY", "short-" + secrets.token_urlsafe(8)),
    ],
    ids=["OPENAI_API_KEY", "SECRET_KEY"],
)
def test_a_refused_secret_is_named_never_shown(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        load_settings(
            APP_ENV="production",
            **{name: value},
            ANTHROPIC_API_KEY=ANTHROPIC_KEY,
            SECRET_KEY_SSM_PARAMETER=None,
        )

    message = str(refused.value)
    assert name in message
    assert value[6:18] not in message
    assert value[6:18] not in repr(refused.value)
