"""Policy evaluation, context conversion and caching of Lambda authorizer answers."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.localrun.authorizer import AuthorizerCache, InvalidAuthorizerResponse, parse_answer

ARN = "arn:aws:execute-api:us-east-1:123456789012:local/v2/GET/companies/acme/scores"


def answer(*statements: dict[str, Any], context: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "principalId": "p",
        "policyDocument": {"Version": "2012-10-17", "Statement": list(statements)},
        "context": context or {},
    }


def allow(resource: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": resource}


def deny(resource: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": resource}


@pytest.mark.parametrize(
    ("statements", "allowed"),
    [
        ([allow("arn:aws:execute-api:us-east-1:123456789012:local/v2/*/*")], True),
        ([allow(ARN)], True),
        ([allow(["x", "arn:aws:execute-api:*:*:local/v2/GET/companies/*/scores"])], True),
        ([allow("arn:aws:execute-api:us-east-1:123456789012:local/v1/*/*")], False),
        ([allow("arn:aws:execute-api:us-east-1:123456789012:local/v2/POST/*")], False),
        ([allow("*"), deny(ARN)], False),
        ([deny("*")], False),
        ([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}], False),
        ([{"Effect": "Allow", "Action": "execute-api:*", "Resource": "*"}], True),
    ],
)
def test_policy_against_method_arn(statements: list[dict[str, Any]], allowed: bool) -> None:
    assert parse_answer(answer(*statements)).allows(ARN) is allowed


def test_context_values_become_strings_with_principal() -> None:
    parsed = parse_answer(answer(allow("*"), context={"tenant_id": "t", "n": 3, "ok": True, "f": 1.5}))
    assert parsed.request_context(12) == {
        "tenant_id": "t",
        "n": "3",
        "ok": "true",
        "f": "1.5",
        "principalId": "p",
        "integrationLatency": 12,
    }


@pytest.mark.parametrize(
    "result",
    [
        None,
        {"policyDocument": {"Statement": [allow("*")]}},
        {"principalId": "p"},
        {"principalId": "p", "policyDocument": {"Statement": []}},
        {
            "principalId": "p",
            "policyDocument": {"Statement": [{"Effect": "Maybe", "Action": "a", "Resource": "r"}]},
        },
        answer(allow("*"), context={"nested": {"a": 1}}),
    ],
)
def test_invalid_answers_are_refused(result: Any) -> None:
    with pytest.raises(InvalidAuthorizerResponse):
        parse_answer(result)


def test_single_statement_object_is_accepted() -> None:
    result = {"principalId": "p", "policyDocument": {"Statement": allow("*")}}
    assert parse_answer(result).allows(ARN)


def test_cache_expires_after_ttl_and_zero_disables_it() -> None:
    now = [100.0]
    cache = AuthorizerCache(clock=lambda: now[0])
    parsed = parse_answer(answer(allow("*")))
    cache.put(("a", "v2", "Bearer x"), parsed, 300)
    cache.put(("a", "v2", "Bearer y"), parsed, 0)
    assert cache.get(("a", "v2", "Bearer x")) is parsed
    assert cache.get(("a", "v2", "Bearer y")) is None
    now[0] += 300
    assert cache.get(("a", "v2", "Bearer x")) is None
