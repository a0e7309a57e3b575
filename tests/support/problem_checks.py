"""The schemathesis check both OpenAPI runs share (fuzz and stateful): registered once per process,
since schemathesis refuses a second check of the same name."""

from __future__ import annotations

import json
from typing import Any, Final

import schemathesis
from schemathesis import Case, CheckContext, Response

PROBLEM_MEMBERS: Final = {"type", "title", "status", "detail", "instance", "correlation_id"}
CONFORMANCE_CHECKS: Final[dict[str, Any]] = {
    "enabled": False,
    "not_a_server_error": {"enabled": True},
    "status_code_conformance": {"enabled": True},
    "content_type_conformance": {"enabled": True},
    "response_headers_conformance": {"enabled": True},
    "response_schema_conformance": {"enabled": True},
}
"""The schemathesis checks both runs enable (`"checks"` of their config), the rest off."""


@schemathesis.check
def errors_are_problem_json(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Every 4xx/5xx answer is an RFC 9457 problem whose `status` is the response's."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0] if response.headers else ""
    assert content_type.split(";")[0].strip() == "application/problem+json", (
        f"{response.status_code} answered with Content-Type {content_type!r}"
    )
    body = json.loads(response.content)
    assert isinstance(body, dict), "a problem is a JSON object"
    missing = PROBLEM_MEMBERS - set(body)
    assert not missing, f"problem without {sorted(missing)}"
    assert body["status"] == response.status_code, "the problem's status is the response's"
    return True
