"""The one error hierarchy of the service and its RFC 9457 (problem+json) rendering.

Every failure a caller can see is an `OrgairError` subclass; the HTTP layer turns it into an
`application/problem+json` body. Each subclass has a stable `type` URI so clients can branch on it.
No AWS imports here: domain code raises these, adapters render them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

PROBLEM_BASE = "https://api.orgair.io/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One offending input field: dotted path (``dimensions.talent``) and a human message."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class OrgairError(Exception):
    """Base of every error the service reports.

    A subclass states its problem kind in its class line, `class NotFound(OrgairError, status=404,
    slug="not-found", title="Not Found")`; what a subclass does not restate it inherits.
    """

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal Server Error"

    def __init_subclass__(
        cls, *, status: int | None = None, slug: str | None = None, title: str | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status
        if slug is not None:
            cls.slug = slug
        if title is not None:
            cls.title = title

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.extensions = extensions or {}

    @property
    def type_uri(self) -> str:
        return PROBLEM_BASE + self.slug

    def to_problem(self, *, instance: str, correlation_id: str) -> dict[str, Any]:
        """Render as an RFC 9457 body. Extensions never override the standard members."""
        body: dict[str, Any] = dict(self.extensions)
        body.update(
            {
                "type": self.type_uri,
                "title": self.title,
                "status": self.status,
                "detail": self.detail,
                "instance": instance,
                "correlation_id": correlation_id,
            }
        )
        if self.errors:
            body["errors"] = [e.as_dict() for e in self.errors]
        return body


class MalformedRequest(OrgairError, status=400, slug="malformed-request", title="Malformed request"): ...


class Unauthorized(OrgairError, status=401, slug="unauthorized", title="Unauthorized"): ...


class Forbidden(OrgairError, status=403, slug="forbidden", title="Forbidden"): ...


class NotFound(OrgairError, status=404, slug="not-found", title="Not Found"): ...


class Conflict(OrgairError, status=409, slug="conflict", title="Conflict"): ...


class PayloadTooLarge(OrgairError, status=413, slug="payload-too-large", title="Payload Too Large"): ...


class ValidationFailed(OrgairError, status=422, slug="validation-error", title="Validation failed"):
    """Schema or domain violation of the request (422) with one entry per offending field."""


class UnknownModelPrice(ValidationFailed, slug="unpriced-model", title="Model has no price"):
    """A model without a price is refused before any call, never priced at zero."""


class BudgetExceeded(OrgairError, status=429, slug="budget-exceeded", title="Budget exceeded"): ...


class UpstreamInvalid(OrgairError, status=502, slug="upstream-invalid-response", title="Bad Gateway"):
    """The LLM provider answered, but not with anything usable (502)."""


class DependencyUnavailable(
    OrgairError, status=503, slug="dependency-unavailable", title="Service Unavailable"
):
    """A dependency (DynamoDB, an LLM provider) cannot be reached: fail closed with 503."""

    def __init__(self, detail: str, *, retry_after_seconds: int = 5, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers.setdefault("Retry-After", str(retry_after_seconds))


class ConfigurationError(OrgairError, status=500, slug="configuration-error", title="Configuration error"):
    """The deployment's configuration is invalid. Raised at init; message names fields, never values."""


class UnsupportedMediaType(
    OrgairError, status=415, slug="unsupported-media-type", title="Unsupported Media Type"
): ...
