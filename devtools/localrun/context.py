"""The Lambda context object, with the attributes and types the Python runtime really gives."""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from devtools.template import LOCAL_ACCOUNT, LOCAL_REGION


@dataclass(frozen=True)
class CognitoIdentity:
    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None


def log_stream_name() -> str:
    """A stream name shaped like Lambda's: one per execution environment (here: per loaded instance)."""
    return f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{secrets.token_hex(16)}"


@dataclass
class LambdaContext:
    """What `awslambdaric` passes as `context`.

    `memory_limit_in_mb` is a string, as in the real runtime (it copies the environment variable),
    so code that does arithmetic on it fails here as it would in AWS.
    """

    function_name: str
    memory_limit_in_mb: str
    timeout_seconds: float
    log_stream_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    client_context: None = None
    identity: CognitoIdentity = field(default_factory=CognitoIdentity)
    tenant_id: str | None = None
    _deadline_ms: int = 0

    def __post_init__(self) -> None:
        if not self._deadline_ms:
            self._deadline_ms = int(time.time() * 1000 + self.timeout_seconds * 1000)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        remaining = self._deadline_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0
