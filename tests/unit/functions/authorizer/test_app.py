"""The REQUEST authorizer, called like API Gateway calls it, against the embedded DynamoDB."""

from __future__ import annotations

import copy
import json
import logging
from fnmatch import fnmatchcase
from typing import Any

import pytest
from orgair.auth.keys import hash_key, register_key, revoke_key
from orgair.observability import logger as service_logger
from support.api_keys import insert_legacy_key
from support.dynamodb_faults import closed_endpoint
from support.lambda_events import ROOT, FakeLambdaContext, load_function

from devtools.embedded_dynamodb import EmbeddedDynamoDB

SAMPLE_EVENT: dict[str, Any] = json.loads((ROOT / "events" / "authorizer.json").read_text())
SAMPLE_KEY = SAMPLE_EVENT["headers"]["Authorization"].removeprefix("Bearer ")
STAGE_ARN = "arn:aws:execute-api:us-east-1:123456789012:local/v2"


@pytest.fixture
def authorizer() -> Any:
    return load_function("authorizer")


@pytest.fixture
def sample_key_id(dynamodb: EmbeddedDynamoDB) -> str:
    record = register_key(
        SAMPLE_KEY, tenant_id="acme", scopes=frozenset({"scores:read", "scores:write"}), name="sample"
    )
    return record.key_id


def event_with(authorization: str | None = None, *, name: str = "Authorization") -> dict[str, Any]:
    """The sample event with its Authorization header replaced (None: removed)."""
    event = copy.deepcopy(SAMPLE_EVENT)
    for headers in (event["headers"], event["multiValueHeaders"]):
        headers.pop("Authorization")
    if authorization is not None:
        event["headers"][name] = authorization
        event["multiValueHeaders"][name] = [authorization]
    return event


def call(module: Any, event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = module.lambda_handler(event, FakeLambdaContext("AuthorizerFunction"))
    return result


def emitted_metrics(capsys: pytest.CaptureFixture[str]) -> set[str]:
    """Names of the metrics the handler flushed (Powertools writes EMF lines to stdout)."""
    names: set[str] = set()
    for line in capsys.readouterr().out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            record = json.loads(line)
            for directive in record["_aws"]["CloudWatchMetrics"]:
                names.update(metric["Name"] for metric in directive["Metrics"])
    return names


def assert_unauthorized(module: Any, event: dict[str, Any], resource: str = f"{STAGE_ARN}/*/*") -> None:
    """Refused by an explicit Deny policy that API Gateway turns into ACCESS_DENIED (401 by
    template.yaml) -- returned, never raised, so Lambda counts no function error."""
    result = call(module, event)
    assert result == {
        "principalId": "anonymous",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": resource}],
        },
    }


def test_active_key_is_allowed_with_its_principal_in_the_context(authorizer: Any, sample_key_id: str) -> None:
    result = call(authorizer, SAMPLE_EVENT)
    assert result["principalId"] == sample_key_id
    assert result["context"] == {
        "tenant_id": "acme",
        "scopes": "scores:read scores:write",
        "key_id": sample_key_id,
    }
    assert result["policyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": f"{STAGE_ARN}/*/*"}],
    }


@pytest.mark.parametrize(
    "method_path",
    ["GET/scores/sample-score-id", "POST/scores", "GET/companies/c-1/scores", "POST/reviews/r-1/decision"],
)
def test_allow_policy_covers_every_route_of_the_stage(
    authorizer: Any, sample_key_id: str, method_path: str
) -> None:
    [statement] = call(authorizer, SAMPLE_EVENT)["policyDocument"]["Statement"]
    assert fnmatchcase(f"{STAGE_ARN}/{method_path}", statement["Resource"])


def test_allow_policy_does_not_reach_another_stage_or_api(authorizer: Any, sample_key_id: str) -> None:
    [statement] = call(authorizer, SAMPLE_EVENT)["policyDocument"]["Statement"]
    assert not fnmatchcase(
        "arn:aws:execute-api:us-east-1:123456789012:local/v1/GET/scores", statement["Resource"]
    )
    assert not fnmatchcase(
        "arn:aws:execute-api:us-east-1:123456789012:other/v2/GET/scores", statement["Resource"]
    )


@pytest.mark.parametrize(("name", "scheme"), [("authorization", "bearer"), ("AUTHORIZATION", "BEARER")])
def test_header_name_and_scheme_are_case_insensitive(
    authorizer: Any, sample_key_id: str, name: str, scheme: str
) -> None:
    result = call(authorizer, event_with(f"{scheme} {SAMPLE_KEY}", name=name))
    assert result["principalId"] == sample_key_id


def test_missing_authorization_is_unauthorized(authorizer: Any, sample_key_id: str) -> None:
    assert_unauthorized(authorizer, event_with(None))


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Bearer",
        "Bearer ",
        f"Basic {SAMPLE_KEY}",
        SAMPLE_KEY,
        f"Bearer {SAMPLE_KEY} extra",
        "Bearer short",
    ],
)
def test_malformed_authorization_is_unauthorized(
    authorizer: Any, sample_key_id: str, authorization: str
) -> None:
    assert_unauthorized(authorizer, event_with(authorization))


def test_authorization_sent_twice_is_unauthorized(authorizer: Any, sample_key_id: str) -> None:
    event = copy.deepcopy(SAMPLE_EVENT)
    event["multiValueHeaders"]["Authorization"] = [
        f"Bearer {SAMPLE_KEY}",
        "Bearer oak_another-key-of-enough-length-000",
    ]
    assert_unauthorized(authorizer, event)


def test_unknown_key_is_unauthorized(authorizer: Any, sample_key_id: str) -> None:
    assert_unauthorized(authorizer, event_with("Bearer oak_" + "Z" * 43))


def test_an_unknown_key_is_a_deny_answer_with_the_rejection_metric_and_no_function_error(
    authorizer: Any, sample_key_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """No exception leaves the handler, so Lambda reports no error to FunctionErrorsAlarm."""
    capsys.readouterr()
    result = call(authorizer, event_with("Bearer oak_" + "Z" * 43))
    assert result["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    assert "usageIdentifierKey" not in result
    assert "context" not in result
    names = emitted_metrics(capsys)
    assert "ApiKeyRejected" in names
    assert "ApiKeyAccepted" not in names


def test_an_allowed_key_carries_its_tenants_usage_identifier_key(authorizer: Any, sample_key_id: str) -> None:
    from orgair.auth.keys import tenant_usage_key

    usage_key = tenant_usage_key("acme")
    assert usage_key is not None
    result = call(authorizer, SAMPLE_EVENT)
    assert result["usageIdentifierKey"] == usage_key.get_secret_value()
    assert usage_key.get_secret_value() not in json.dumps(result["context"])


def test_every_key_of_a_tenant_carries_the_same_usage_identifier_key_and_other_tenants_another(
    authorizer: Any, sample_key_id: str
) -> None:
    from orgair.auth.keys import create_key

    second, _ = create_key(tenant_id="acme", scopes=frozenset({"costs:read"}), name="second")
    other, _ = create_key(tenant_id="globex", scopes=frozenset({"costs:read"}), name="other")
    first_answer = call(authorizer, SAMPLE_EVENT)
    second_answer = call(authorizer, event_with(f"Bearer {second}"))
    other_answer = call(authorizer, event_with(f"Bearer {other}"))
    assert first_answer["usageIdentifierKey"] == second_answer["usageIdentifierKey"]
    assert other_answer["usageIdentifierKey"] != first_answer["usageIdentifierKey"]


def test_revoked_key_is_unauthorized(authorizer: Any, sample_key_id: str) -> None:
    revoke_key(sample_key_id)
    assert_unauthorized(authorizer, SAMPLE_EVENT)


def test_malformed_method_arn_is_unauthorized(authorizer: Any, sample_key_id: str) -> None:
    event = copy.deepcopy(SAMPLE_EVENT)
    event["methodArn"] = "not-an-arn"
    assert_unauthorized(authorizer, event, resource="*")


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record as the service's formatter writes it, plus every field of the record."""
    return "\n".join(
        service_logger.registered_formatter.format(record)
        + json.dumps({key: str(value) for key, value in vars(record).items()})
        for record in caplog.records
    )


def assert_authorizer_failure(module: Any, event: dict[str, Any]) -> None:
    """Refused as our fault: a raised error, API Gateway's authorizer failure (503 by template.yaml)."""
    with pytest.raises(Exception, match=r"^API key store unavailable$") as caught:
        call(module, event)
    assert type(caught.value).__name__ == "AuthorizerUnavailable"


@pytest.mark.network
def test_unreachable_key_store_denies_as_an_authorizer_failure_and_says_so(
    authorizer: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from orgair.aws import reset_clients

    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", closed_endpoint())
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    reset_clients()
    try:
        with caplog.at_level(logging.INFO):
            assert_authorizer_failure(authorizer, SAMPLE_EVENT)
    finally:
        reset_clients()
    [error] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "API key store unreachable" in error.getMessage()
    assert "fail closed" in error.getMessage()
    assert SAMPLE_KEY not in logged(caplog)


def test_a_key_check_failing_for_another_reason_is_also_an_authorizer_failure(
    authorizer: Any, dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table that does not exist (a misdeployment) is our fault, never the caller's 401."""
    monkeypatch.setenv("API_KEYS_TABLE_NAME", "NoSuchTable")

    assert_authorizer_failure(authorizer, SAMPLE_EVENT)


def test_neither_the_key_nor_its_hash_is_logged_even_with_event_logging_on(
    sample_key_id: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true")
    authorizer = load_function("authorizer")  # after the switch: Powertools reads it when decorating
    with caplog.at_level(logging.DEBUG, logger="orgair"):
        call(authorizer, SAMPLE_EVENT)
        revoke_key(sample_key_id)
        assert_unauthorized(authorizer, SAMPLE_EVENT)
    text = logged(caplog)
    assert sample_key_id in text
    assert SAMPLE_KEY not in text
    assert hash_key(SAMPLE_KEY) not in text


def test_a_key_without_a_usage_key_is_allowed_without_usage_identifier_key_and_counted(
    authorizer: Any, dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    """API Gateway then refuses it (INVALID_API_KEY); the metric tells operators to provision."""
    insert_legacy_key(SAMPLE_KEY)
    capsys.readouterr()
    result = call(authorizer, SAMPLE_EVENT)
    assert result["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert "usageIdentifierKey" not in result
    assert "ApiKeyWithoutUsageKey" in emitted_metrics(capsys)
