"""A small project of its own (template, an echo function, a REQUEST authorizer) for the runner's
unit tests, so they exercise the runner without depending on the service's functions."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from devtools.localrun.api import LocalApi
from devtools.localrun.events import HttpRequest
from devtools.localrun.functions import FunctionRegistry
from devtools.localrun.handlers import MODULE_PREFIX
from devtools.template import Template, load_template

TEMPLATE = """
Globals:
  Function:
    Handler: app.lambda_handler
    Timeout: 3
    MemorySize: 256
    Environment:
      Variables:
        SHARED_SETTING: "1"
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      Variables: {paramVersion: v1.0}
      MethodSettings:
        - {ResourcePath: "/*", HttpMethod: "*", ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 1000}
        - {ResourcePath: "/~1limited", HttpMethod: GET, ThrottlingRateLimit: 0.001, ThrottlingBurstLimit: 2}
      Auth:
        DefaultAuthorizer: KeyAuthorizer
        Authorizers:
          KeyAuthorizer:
            FunctionPayloadType: REQUEST
            FunctionArn: !GetAtt AuthFunction.Arn
            Identity: {Headers: [Authorization], ReauthorizeEvery: 300}
      GatewayResponses:
        UNAUTHORIZED:
          StatusCode: "401"
          ResponseTemplates:
            application/json: '{"title": "Unauthorized", "instance": "$context.path", "id": "$context.requestId"}'
          ResponseParameters:
            Headers:
              Content-Type: "'application/problem+json'"
              WWW-Authenticate: "'Bearer'"
              X-Correlation-ID: context.requestId
        MISSING_AUTHENTICATION_TOKEN:
          StatusCode: "404"
          ResponseTemplates:
            application/json: '{"status": 404, "instance": "$context.path"}'
          ResponseParameters:
            Headers:
              Content-Type: "'application/problem+json'"
  V2Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      StageName: v2
      Variables: {paramVersion: v2.0}
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/echo/
      Events:
        Public: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /public, Method: GET, Auth: {Authorizer: NONE}}}
        Limited: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /limited, Method: GET, Auth: {Authorizer: NONE}}}
        Files: {Type: Api, Properties: {RestApiId: !Ref Api, Path: "/files/{proxy+}", Method: GET, Auth: {Authorizer: NONE}}}
        Boom: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /boom, Method: GET, Auth: {Authorizer: NONE}}}
        Malformed: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /malformed, Method: GET, Auth: {Authorizer: NONE}}}
        Scores: {Type: Api, Properties: {RestApiId: !Ref Api, Path: "/companies/{company_id}/scores", Method: GET}}
        Score: {Type: Api, Properties: {RestApiId: !Ref Api, Path: "/companies/{company_id}/scores", Method: POST}}
  SlowFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/echo/
      Timeout: 1
      Events:
        Slow: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /slow, Method: GET, Auth: {Authorizer: NONE}}}
        Nap: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /nap, Method: GET, Auth: {Authorizer: NONE}}}
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/auth/
"""

ECHO = """
import json
import time

CALLS = []


def lambda_handler(event, context):
    CALLS.append(event)
    path = event.get("path") or ""
    if path == "/boom":
        raise ValueError("boom")
    if path == "/slow":
        time.sleep(1.5)
    if path == "/nap":
        time.sleep(0.7)
    if path == "/malformed":
        return {"statusCode": 200, "body": {"not": "a string"}}
    described = {
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
    }
    return {"statusCode": 200, "body": json.dumps({"event": event, "context": described})}
"""

AUTHORIZER = """
CALLS = []


def lambda_handler(event, context):
    CALLS.append(event)
    token = (event.get("headers") or {}).get("Authorization", "")
    api, stage = event["methodArn"].split(":")[5].split("/")[:2]
    stage_wide = event["methodArn"].rsplit(":", 1)[0] + f":{api}/{stage}/*/*"
    if token == "Bearer allow":
        effect, resource = "Allow", stage_wide
    elif token == "Bearer deny":
        effect, resource = "Deny", stage_wide
    elif token == "Bearer narrow":
        effect, resource = "Allow", event["methodArn"]
    elif token == "Bearer boom":
        raise RuntimeError("exploded")
    elif token == "Bearer nested":
        return {"principalId": "p", "policyDocument": {"Statement": [
            {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": stage_wide}]},
            "context": {"nested": {"no": "objects"}}}
    else:
        raise Exception("Unauthorized")
    return {
        "principalId": "user-1",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
        "context": {"tenant_id": "t1", "scopes": "admin", "count": 3, "flag": True},
    }
"""


def write_project(root: Path, template: str = TEMPLATE) -> Path:
    (root / "functions" / "echo").mkdir(parents=True, exist_ok=True)
    (root / "functions" / "auth").mkdir(parents=True, exist_ok=True)
    (root / "functions" / "echo" / "app.py").write_text(textwrap.dedent(ECHO))
    (root / "functions" / "auth" / "app.py").write_text(textwrap.dedent(AUTHORIZER))
    path = root / "template.yaml"
    path.write_text(template)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


@pytest.fixture
def template(project: Path) -> Template:
    return Template(load_template(project), base_dir=project.parent)


@pytest.fixture
def registry(template: Template) -> Iterator[FunctionRegistry]:
    registry = FunctionRegistry(template.functions())
    yield registry
    registry.close()


@pytest.fixture
def log_lines() -> list[str]:
    return []


@pytest.fixture
def api(template: Template, registry: FunctionRegistry, log_lines: list[str]) -> LocalApi:
    return LocalApi(template, registry, log=log_lines.append)


def _loaded(function_id: str) -> ModuleType:
    return sys.modules[MODULE_PREFIX + function_id]


def _request(
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    query: str = "",
) -> HttpRequest:
    pairs = [("Host", "127.0.0.1:3000"), ("User-Agent", "pytest"), *(headers or {}).items()]
    return HttpRequest(method=method, path=path, query=query, headers=pairs, body=body)


@pytest.fixture
def loaded() -> Callable[[str], ModuleType]:
    """The module a function's current instance runs (to read the fixture handlers' CALLS)."""
    return _loaded


@pytest.fixture
def make_request() -> Callable[..., HttpRequest]:
    """An HttpRequest as the HTTP front would build it."""
    return _request
