"""`LOCAL_SHARED_AWS=on`: the runner uses an embedded AWS that is already running instead of its own.

By default the runner starts the embedded moto server (DynamoDB, SQS, S3, SNS, ...) in its own
process, and its state ends with the runner. With `LOCAL_SHARED_AWS=on` the runner uses the one
listening on `DYNAMODB_PORT` (started with `python -m devtools.embedded_dynamodb --port N`, whose
state outlives any runner), creates what the template needs there if missing, and leaves it running
when it stops. That is how a worker can be killed (the runner with it, SIGKILL) and started again on
the same tables and queues, as a Lambda environment dies and another takes its messages.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import Final

from devtools.embedded_dynamodb import EmbeddedDynamoDB, create_tables, is_listening, local_client
from devtools.template import Template

SHARED_VARIABLE: Final = "LOCAL_SHARED_AWS"
_ON: Final = frozenset({"1", "on", "true", "yes"})


class SharedAwsMissing(OSError):
    """Nothing answers as the embedded AWS where `LOCAL_SHARED_AWS` says one runs."""


def shared_aws_enabled(environment: Mapping[str, str]) -> bool:
    """True when LOCAL_SHARED_AWS says on (1, on, true, yes)."""
    return environment.get(SHARED_VARIABLE, "").strip().lower() in _ON


class SharedAws:
    """An embedded AWS this runner did not start: it is used, and never stopped by the runner."""

    def __init__(self, host: str, port: int) -> None:
        if not is_listening(host, port):
            raise SharedAwsMissing(
                errno.ECONNREFUSED,
                f"{SHARED_VARIABLE} is on but nothing listens on {host}:{port}; start one with "
                f"`python -m devtools.embedded_dynamodb --port {port}` or unset {SHARED_VARIABLE}",
            )
        self.host = host
        self.port = port

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def create_tables(self, template: Template | None = None) -> list[str]:
        """The template's tables that were missing there (idempotent)."""
        try:
            return create_tables(local_client(self.endpoint_url), template)
        except Exception as error:
            raise SharedAwsMissing(
                errno.EPROTO,
                f"{self.host}:{self.port} does not answer as DynamoDB ({type(error).__name__})",
            ) from None

    def stop(self) -> None:
        """Nothing: the shared server belongs to whoever started it."""


def open_aws(host: str, port: int, *, shared: bool) -> EmbeddedDynamoDB | SharedAws:
    """The runner's embedded AWS: the shared one on `port`, or a new one started there."""
    if shared:
        return SharedAws(host, port)
    return EmbeddedDynamoDB(host, port).start()
