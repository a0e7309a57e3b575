"""What API Gateway does with a Lambda authorizer's answer: check the IAM policy against the
invoked method's ARN, turn the context into `requestContext.authorizer`, and cache the answer per
identity source for ReauthorizeEvery seconds (the cached policy is re-checked on every request,
so a policy naming one method denies the others until the cache expires, exactly as deployed).

A Deny answer is an answer like any other (cached, then ACCESS_DENIED on every request it covers),
not an authorizer failure. `usageIdentifierKey`, when present, is the API key the usage plan
meters (API key source AUTHORIZER); it never reaches the integration's context."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_CACHE_ENTRIES = 10_000


class InvalidAuthorizerResponse(ValueError):
    """The authorizer answered something API Gateway would reject (500 AUTHORIZER_CONFIGURATION_ERROR)."""


@dataclass(frozen=True)
class AuthorizerAnswer:
    principal_id: str
    statements: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
    """(effect, actions, resources) per statement."""
    context: dict[str, str]
    usage_identifier_key: str | None = None
    """The API key for the usage plan (ApiKeySourceType AUTHORIZER); never part of the context."""

    def allows(self, method_arn: str) -> bool:
        """An explicit Deny wins; otherwise some Allow must match (IAM evaluation)."""
        allowed = False
        for effect, actions, resources in self.statements:
            if not any(_glob(action).fullmatch("execute-api:Invoke") for action in actions):
                continue
            if not any(_glob(resource).fullmatch(method_arn) for resource in resources):
                continue
            if effect == "Deny":
                return False
            allowed = allowed or effect == "Allow"
        return allowed

    def request_context(self, integration_latency_ms: int) -> dict[str, Any]:
        return {
            **self.context,
            "principalId": self.principal_id,
            "integrationLatency": integration_latency_ms,
        }


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """IAM wildcards: `*` any run of characters (slashes included), `?` one character."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern))


def _strings(value: Any, field: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise InvalidAuthorizerResponse(f"{field} must be a string or a list of strings")


def _context_value(value: Any) -> str:
    """API Gateway passes context values to the integration as strings; objects and arrays are refused."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise InvalidAuthorizerResponse("context values must be strings, numbers or booleans")


def parse_answer(result: Any) -> AuthorizerAnswer:
    """Validate an authorizer's return value as API Gateway does."""
    if not isinstance(result, Mapping):
        raise InvalidAuthorizerResponse("the authorizer must return an object")
    principal = result.get("principalId")
    if not isinstance(principal, str | int) or isinstance(principal, bool) or principal == "":
        raise InvalidAuthorizerResponse("principalId is required")
    document = result.get("policyDocument")
    if not isinstance(document, Mapping):
        raise InvalidAuthorizerResponse("policyDocument is required")
    raw_statements = document.get("Statement")
    if isinstance(raw_statements, Mapping):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list) or not raw_statements:
        raise InvalidAuthorizerResponse("policyDocument.Statement must list at least one statement")
    statements = []
    for statement in raw_statements:
        if not isinstance(statement, Mapping):
            raise InvalidAuthorizerResponse("each statement must be an object")
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise InvalidAuthorizerResponse("Effect must be Allow or Deny")
        actions = _strings(statement.get("Action"), "Action")
        resources = _strings(statement.get("Resource"), "Resource")
        statements.append((str(effect), actions, resources))
    raw_context = result.get("context") or {}
    if not isinstance(raw_context, Mapping):
        raise InvalidAuthorizerResponse("context must be an object")
    context = {str(key): _context_value(value) for key, value in raw_context.items()}
    usage_key = result.get("usageIdentifierKey")
    if usage_key is not None and (not isinstance(usage_key, str) or not usage_key):
        raise InvalidAuthorizerResponse("usageIdentifierKey must be a non-empty string")
    return AuthorizerAnswer(str(principal), tuple(statements), context, usage_key)


class AuthorizerCache:
    """Answers per (authorizer, stage, identity source values), each kept for its TTL."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, ...], tuple[float, AuthorizerAnswer]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> AuthorizerAnswer | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, answer = entry
            if self._clock() >= expires:
                del self._entries[key]
                return None
            return answer

    def put(self, key: tuple[str, ...], answer: AuthorizerAnswer, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            return
        with self._lock:
            if len(self._entries) >= MAX_CACHE_ENTRIES:
                self._entries.clear()
            self._entries[key] = (self._clock() + ttl_seconds, answer)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
