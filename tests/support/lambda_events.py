"""Build the events and context Lambda gives our handlers, and load handlers by path."""

from __future__ import annotations

import importlib.util
import json
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class FakeLambdaContext:
    """The attributes of Lambda's context object that our handlers and Powertools read."""

    def __init__(self, function_name: str = "TestFunction", timeout_ms: int = 10_000) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = "test-request-id"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "test"
        self._deadline_ms = timeout_ms

    def get_remaining_time_in_millis(self) -> int:
        return self._deadline_ms


def load_function(code_dir: str) -> ModuleType:
    """Import `functions/<code_dir>/app.py` fresh, under a unique name (every handler file is app.py)."""
    path = ROOT / "functions" / code_dir / "app.py"
    name = f"orgair_fn_{code_dir}_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def api_event(
    method: str,
    path: str,
    *,
    stage: str = "v2",
    body: Any = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
    resource: str | None = None,
    authorizer: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event (payload 1.0) based on the committed sample event."""
    event: dict[str, Any] = json.loads((ROOT / "events" / "health.json").read_text())
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    event.update(
        {
            "resource": resource or path,
            "path": path,
            "httpMethod": method,
            "headers": all_headers,
            "multiValueHeaders": {key: [value] for key, value in all_headers.items()},
            "queryStringParameters": query,
            "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
            "pathParameters": path_parameters,
            "stageVariables": {"paramVersion": {"v1": "v1.0", "v2": "v2.0"}[stage]},
            "body": body if body is None or isinstance(body, str) else json.dumps(body),
        }
    )
    event["requestContext"] = {
        **event["requestContext"],
        "stage": stage,
        "path": f"/{stage}{path}",
        "resourcePath": resource or path,
        "httpMethod": method,
        "requestId": str(uuid.uuid4()),
    }
    if authorizer is not None:
        event["requestContext"]["authorizer"] = authorizer
    return event


def principal_context(tenant_id: str = "acme", scopes: str = "admin") -> dict[str, str]:
    """The authorizer context API Gateway passes for a key of `tenant_id` with `scopes`."""
    return {
        "tenant_id": tenant_id,
        "scopes": scopes,
        "key_id": f"key-{tenant_id}",
        "principalId": f"key-{tenant_id}",
    }


def proxy_headers(result: dict[str, Any]) -> dict[str, Any]:
    """A Lambda proxy result's headers as sent (names keep their case): the single-value ones, then
    the last value of each multi-value one."""
    headers = dict(result.get("headers") or {})
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers[key] = values[-1]
    return headers
