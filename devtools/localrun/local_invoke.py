"""The runner-only endpoint `POST /_local/invoke/<LogicalId>`: a function's raw result for an event,
as Lambda's Invoke API answers it (a function error with `X-Amz-Function-Error: Unhandled`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from devtools.localrun.events import HttpRequest
from devtools.localrun.functions import FunctionRegistry, InvocationOutcome
from devtools.localrun.gateway import HttpResponse
from devtools.localrun.proxy import marshal

LOCAL_INVOKE_PREFIX = "/_local/invoke/"
Invoked = tuple[HttpResponse, str, str | None]
"""The response, the function it reached ("-" for none) and the Lambda request id, if one ran."""


class LocalInvoke:
    """Serves `/_local/invoke/<LogicalId>` for LocalApi: the event in, the function's raw result out."""

    def __init__(
        self,
        registry: FunctionRegistry,
        default_events: Mapping[str, Callable[[], Any]],
        log_error: Callable[[str, InvocationOutcome], None],
    ) -> None:
        self._registry = registry
        self._default_events = dict(default_events)
        """The event a function gets when the body is empty (a schedule's)."""
        self._log_error = log_error

    def __call__(self, request: HttpRequest, request_id: str) -> Invoked:
        """`POST /_local/invoke/<LogicalId>` with an event: the function's raw result, as Lambda's Invoke."""
        function_id = unquote(request.path[len(LOCAL_INVOKE_PREFIX) :]).strip("/")
        if function_id not in self._registry:
            known = ", ".join(self._registry.ids())
            return _json(404, {"message": f"No function {function_id!r}; known: {known}"}), "-", None
        if request.method != "POST":
            return _json(405, {"message": "Use POST with the event as the body."}, Allow="POST"), "-", None
        try:
            if request.body.strip():
                event = json.loads(request.body.decode("utf-8"))
            else:
                event = self._default_events[function_id]() if function_id in self._default_events else {}
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return _json(400, {"message": f"The event is not valid JSON: {error}"}), function_id, None
        outcome = self._registry.invoke(function_id, event, request_id=request_id)
        if outcome.timed_out:
            timeout = self._registry.spec(function_id).timeout
            payload = {
                "errorMessage": f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%S.%fZ} {outcome.request_id} "
                f"Task timed out after {timeout:.2f} seconds",
                "errorType": "Sandbox.Timedout",
            }
            return _unhandled(payload), function_id, outcome.request_id
        if outcome.error is not None:
            self._log_error(function_id, outcome)
            payload = outcome.error.payload(outcome.request_id)
            return _unhandled(payload), function_id, outcome.request_id
        try:
            body = marshal(outcome.result)
        except (TypeError, ValueError) as error:
            payload = {"errorMessage": str(error), "errorType": "Runtime.MarshalError"}
            return _unhandled(payload), function_id, outcome.request_id
        return (
            HttpResponse(200, [("Content-Type", "application/json")], body.encode()),
            function_id,
            outcome.request_id,
        )


def _json(status: int, body: Any, **headers: str) -> HttpResponse:
    pairs = [("Content-Type", "application/json"), *headers.items()]
    return HttpResponse(status, pairs, json.dumps(body).encode())


def _unhandled(payload: dict[str, Any]) -> HttpResponse:
    return _json(500, payload, **{"X-Amz-Function-Error": "Unhandled"})
