"""CORS in what SAM generates: the template transformed offline by samtranslator (as CloudFormation's
AWS::Serverless transform does), then its conditions evaluated for a CorsOrigins value the way
CloudFormation evaluates them at deployment. docs/cors.md describes the design.

With an origin: an OPTIONS method on every route, answered by CorsPreflightFunction without the
authorizer, Lambda permissions for each, and CORS headers on every gateway response. Without one:
none of that (SAM only leaves an empty CodeDeploy deployment group behind, see docs/cors.md).
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any, Final

import pytest
from samtranslator.translator.transform import transform

from devtools.template import Template, load_template

ORIGIN: Final = "https://app.example.com"
PREFLIGHT: Final = "CorsPreflightFunction"
HTTP_METHODS: Final = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
CORS_HEADERS: Final = ("Access-Control-", "Vary")


class _NoManagedPolicies:
    """Offline: the transform needs no AWS managed-policy ARN lookups for this template."""

    def load(self) -> dict[str, str]:
        return {}


@cache
def _transformed() -> dict[str, Any]:
    raw = load_template()
    for resource in raw["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):  # what `sam package` puts there
            if key in properties:
                properties[key] = f"s3://artifacts-bucket/{key.lower()}.zip"
    output: dict[str, Any] = transform(raw, {}, _NoManagedPolicies())
    return output


@pytest.fixture
def generated() -> dict[str, Any]:
    """The transformed template (the transform sees no parameter values: everything is conditional)."""
    return copy.deepcopy(_transformed())


def deployed(generated: dict[str, Any], cors_origins: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(resources CloudFormation creates, the API's resolved OpenAPI body) for this CorsOrigins."""
    stack = Template(generated, parameter_overrides={"CorsOrigins": cors_origins})
    resources = {
        name: resource
        for name, resource in generated["Resources"].items()
        if "Condition" not in resource or stack.condition(resource["Condition"])
    }
    body: dict[str, Any] = stack.resolve(generated["Resources"]["Api"]["Properties"]["Body"])
    return resources, body


def routes(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        path: {method: spec for method, spec in item.items() if method in HTTP_METHODS}
        for path, item in body["paths"].items()
    }


def cors_headers(response: dict[str, Any]) -> dict[str, str]:
    prefix = "gatewayresponse.header."
    return {
        name.removeprefix(prefix): value
        for name, value in response.get("responseParameters", {}).items()
        if name.removeprefix(prefix).startswith(CORS_HEADERS)
    }


def test_with_an_origin_every_route_has_a_preflight_without_the_authorizer(generated: dict[str, Any]) -> None:
    _, body = deployed(generated, ORIGIN)

    for path, methods in routes(body).items():
        assert "options" in methods, f"{path}: no OPTIONS; add a {PREFLIGHT} event for it in template.yaml"
        options = methods["options"]
        integration = options["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws_proxy", path
        assert f"{PREFLIGHT}Aliaslive" in str(integration["uri"]), path
        # Nothing a preflight cannot present: no authorizer, no usage-plan API key (`api_key`).
        assert all(set(entry) <= {"NONE"} for entry in options.get("security", [])), path
        assert len(methods) > 1, f"{path}: a preflight for a route that does not exist"


def test_with_an_origin_api_gateway_may_invoke_the_preflight_for_every_route(
    generated: dict[str, Any],
) -> None:
    resources, body = deployed(generated, ORIGIN)
    permitted = {
        str(resource["Properties"]["SourceArn"]["Fn::Sub"][0]).rpartition("/OPTIONS")[2]
        for resource in resources.values()
        if resource["Type"] == "AWS::Lambda::Permission"
        and resource["Properties"]["FunctionName"] == {"Ref": f"{PREFLIGHT}Aliaslive"}
    }
    # The permission's ARN names each path with its parameters as `*`.
    assert permitted == {re.sub(r"\{[^}]+\}", "*", path) for path in body["paths"]}
    assert resources[PREFLIGHT]["Type"] == "AWS::Lambda::Function"


def test_with_an_origin_every_gateway_response_carries_the_cors_headers(generated: dict[str, Any]) -> None:
    _, body = deployed(generated, ORIGIN)
    responses = body["x-amazon-apigateway-gateway-responses"]

    assert {"UNAUTHORIZED", "ACCESS_DENIED", "THROTTLED", "DEFAULT_5XX"} <= set(responses)
    for kind, response in responses.items():
        headers = cors_headers(response)
        assert headers.get("Access-Control-Allow-Origin") == f"'{ORIGIN}'", kind
        assert headers.get("Vary") == "'Origin'", kind
        assert "X-Correlation-ID" in headers.get("Access-Control-Expose-Headers", ""), kind


def test_without_an_origin_nothing_cors_related_is_deployed(generated: dict[str, Any]) -> None:
    resources, body = deployed(generated, "")

    assert not [path for path, methods in routes(body).items() if "options" in methods]
    for kind, response in body["x-amazon-apigateway-gateway-responses"].items():
        assert cors_headers(response) == {}, kind
    left = {name: resource["Type"] for name, resource in resources.items() if name.startswith(PREFLIGHT)}
    # SAM gives a conditional function's CodeDeploy deployment group no condition: an empty group,
    # never used, is all that remains (docs/cors.md).
    assert left == {f"{PREFLIGHT}DeploymentGroup": "AWS::CodeDeploy::DeploymentGroup"}


def test_the_generated_api_cannot_see_the_origin_so_every_deploy_makes_a_new_api_deployment(
    generated: dict[str, Any],
) -> None:
    # The transform runs on the unresolved body, so the deployment SAM names after it would be the
    # same with and without CorsOrigins, and a changed CorsOrigins would never reach the stages.
    deployments = [
        name
        for name, resource in generated["Resources"].items()
        if resource["Type"] == "AWS::ApiGateway::Deployment"
    ]
    assert len(deployments) == 1
    assert load_template()["Resources"]["Api"]["Properties"]["AlwaysDeploy"] is True


@pytest.mark.parametrize("value", ["", ORIGIN, "http://localhost:3000", "https://app-1.example.co.uk:8443"])
def test_cors_origins_accepts_empty_or_one_origin(value: str) -> None:
    pattern = load_template()["Parameters"]["CorsOrigins"]["AllowedPattern"]
    assert re.fullmatch(pattern, value)


@pytest.mark.parametrize(
    "value",
    [
        f"{ORIGIN},https://b.example.com",
        f"{ORIGIN}/",
        f"{ORIGIN}/app",
        "*",
        "app.example.com",
        "https://*.example.com",
    ],
)
def test_cors_origins_refuses_lists_paths_and_wildcards(value: str) -> None:
    pattern = load_template()["Parameters"]["CorsOrigins"]["AllowedPattern"]
    assert re.fullmatch(pattern, value) is None
