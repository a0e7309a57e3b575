"""Who is calling: the tenant and scopes the REQUEST authorizer put in the request context.

API Gateway passes authorizer context values as strings, so scopes travel space-separated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from orgair.errors import Forbidden, Unauthorized
from orgair.records.api_keys import ApiKeyRecord

ADMIN_SCOPE: Final = "admin"
SCOPES: Final = frozenset(
    {
        ADMIN_SCOPE,
        "scores:read",
        "scores:write",
        "reviews:read",
        "reviews:decide",
        "assessments:read",
        "assessments:write",
        "costs:read",
        "costs:write",
    }
)

IMPLIED_BY: Final[dict[str, tuple[str, ...]]] = {"assessments:read": ("assessments:write",)}
"""Scopes that also grant another: a key that may start and cancel jobs may watch them."""


def granting(scope: str) -> tuple[str, ...]:
    """Every scope that grants `scope`, itself first, `admin` last."""
    return (scope, *IMPLIED_BY.get(scope, ()), ADMIN_SCOPE)


@dataclass(frozen=True, slots=True)
class Principal:
    tenant_id: str
    scopes: frozenset[str]
    key_id: str

    def has_scope(self, scope: str) -> bool:
        """`admin` implies every scope, and each scope implies what IMPLIED_BY says."""
        return any(granted in self.scopes for granted in granting(scope))

    def require(self, scope: str) -> Principal:
        if not self.has_scope(scope):
            raise Forbidden(f"This API key lacks the '{scope}' scope.")
        return self

    def context(self) -> dict[str, str]:
        """The authorizer context that carries this principal to the handlers."""
        return {"tenant_id": self.tenant_id, "scopes": " ".join(sorted(self.scopes)), "key_id": self.key_id}

    @classmethod
    def from_context(cls, context: Mapping[str, Any] | None) -> Principal:
        """Rebuild the principal from `requestContext.authorizer`; no tenant means no authorizer ran."""
        context = context or {}
        tenant_id = str(context.get("tenant_id") or "")
        if not tenant_id:
            raise Unauthorized("A valid API key is required.")
        scopes = frozenset(str(context.get("scopes") or "").split())
        return cls(tenant_id=tenant_id, scopes=scopes, key_id=str(context.get("key_id") or ""))


def principal_of(record: ApiKeyRecord) -> Principal:
    """The caller a stored key stands for; a scope unknown to this version of the code grants nothing."""
    return Principal(tenant_id=record.tenant_id, scopes=record.scopes & SCOPES, key_id=record.key_id)


@dataclass(frozen=True, slots=True)
class RequestMeta:
    """Who asked and how to trace it; stored with every score and ledger-backed assessment."""

    tenant_id: str
    key_id: str
    correlation_id: str
    request_id: str
