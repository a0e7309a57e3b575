"""What the service knows about one API key, shared by the key logic and its repository.

A record never holds the plaintext key or its hash, so it is safe to print, log and return. It
may hold the tenant's usage key (the value of the tenant's API Gateway API key, which the
authorizer returns as `usageIdentifierKey` so the usage plan limits the tenant): that one is a
SecretStr, so printing or logging a record shows asterisks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import SecretStr

KeyStatus = Literal["active", "revoked"]


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    key_id: str
    tenant_id: str
    scopes: frozenset[str]
    name: str
    status: KeyStatus
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    usage_key: SecretStr | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"
