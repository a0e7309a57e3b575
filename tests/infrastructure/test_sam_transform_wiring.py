"""How SAM's output for each samconfig environment wires the stack (transformed by samtranslator,
tests/support/samtransform.py): the authorizer and every route reach a function's live alias, exactly
the declared stages exist, deployments roll back on exactly the health alarms (canary in prod), the
deploy-time Rules refuse an environment without notifications or its own secret key, and only the
functions signing cursors may read it."""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Final

import pytest
from support.samtransform import (
    ROLLBACK_ALARMS,
    SAMCONFIG_ENVIRONMENTS,
    Resolver,
    generated,
    parameter_values,
    resources_of_type,
    stack_parameters,
)

STAGES: Final = frozenset({"v1", "v2"})
# The functions whose code signs pagination cursors with SECRET_KEY (Settings.signing_key():
# orgair.logic.scores, orgair.logic.reviews, orgair.costs.ledger entries, orgair.logic.jobs listing).
CURSOR_SIGNERS: Final = frozenset({"ScoresFunction", "ReviewsFunction", "CostsFunction", "JobsFunction"})


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_the_authorizer_is_invoked_through_its_live_alias(environment: str) -> None:
    template = generated(environment)
    body = template["Resources"]["Api"]["Properties"]["Body"]
    (scheme,) = (
        scheme
        for scheme in body["components"]["securitySchemes"].values()
        if "x-amazon-apigateway-authorizer" in scheme
    )
    uri = scheme["x-amazon-apigateway-authorizer"]["authorizerUri"]["Fn::Sub"]
    permission = template["Resources"]["ApiApiKeyAuthorizerAuthorizerPermission"]["Properties"]

    assert uri[1]["__FunctionArn__"] == {"Ref": "AuthorizerFunctionAliaslive"}
    assert permission["FunctionName"] == {"Ref": "AuthorizerFunctionAliaslive"}
    assert template["Resources"]["AuthorizerFunctionAliaslive"]["Type"] == "AWS::Lambda::Alias"
    assert "AuthorizerFunctionDeploymentGroup" in template["Resources"]


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_exactly_the_declared_stages_exist(environment: str) -> None:
    template = generated(environment)
    stages = {
        resource["Properties"]["StageName"]
        for resource in resources_of_type(template, "AWS::ApiGateway::Stage").values()
    }
    implicit = {
        name: resource["Properties"]["StageName"]
        for name, resource in resources_of_type(template, "AWS::ApiGateway::Deployment").items()
        if "StageName" in resource["Properties"]
    }

    assert stages == STAGES
    assert not implicit, f"a Deployment with StageName creates that stage too: {implicit}"


def routes(template: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(METHOD, path, alias logical id) of every route of the API."""
    found = []
    for path, methods in template["Resources"]["Api"]["Properties"]["Body"]["paths"].items():
        for method, operation in methods.items():
            integration = operation.get("x-amazon-apigateway-integration", {})
            if integration.get("type") != "aws_proxy":
                continue  # e.g. a CORS preflight answered by API Gateway itself (mock)
            uri = integration["uri"]["Fn::Sub"]
            (alias,) = re.findall(r"\$\{(\w+Aliaslive)\}", uri)
            found.append((method.upper(), path, alias))
    return found


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_every_route_calls_a_live_alias_allowed_for_every_stage(environment: str) -> None:
    template = generated(environment)
    permissions = resources_of_type(template, "AWS::Lambda::Permission").values()
    all_routes = routes(template)

    assert len(all_routes) >= 20
    for method, path, alias in all_routes:
        concrete = re.sub(r"\{[^}]+\}", "some-id", path)
        for stage in STAGES:
            invoked = f"arn:aws:execute-api:us-east-1:123456789012:API/{stage}/{method}{concrete}"
            allowed = [
                permission
                for permission in permissions
                if permission["Properties"]["FunctionName"] == {"Ref": alias}
                and fnmatch.fnmatchcase(invoked, source_arn(permission["Properties"]["SourceArn"]))
            ]
            assert allowed, f"{method} {path} on {stage}: no permission for {alias}"


def source_arn(value: dict[str, Any]) -> str:
    text, variables = value["Fn::Sub"]
    rendered: str = text.replace("${AWS::Region}", "us-east-1").replace("${AWS::AccountId}", "123456789012")
    rendered = rendered.replace("${__ApiId__}", "API")
    return rendered.replace("${__Stage__}", str(variables.get("__Stage__", "*")))


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_every_deployment_group_rolls_back_on_exactly_the_health_alarms(environment: str) -> None:
    template = generated(environment)
    groups = resources_of_type(template, "AWS::CodeDeploy::DeploymentGroup")

    assert {name.removesuffix("DeploymentGroup") for name in groups} == set(
        resources_of_type(template, "AWS::Lambda::Function")
    )
    for name, group in groups.items():
        configuration = group["Properties"]["AlarmConfiguration"]
        assert configuration["Enabled"] is True
        assert {alarm["Name"]["Ref"] for alarm in configuration["Alarms"]} == ROLLBACK_ALARMS, name
        assert "DEPLOYMENT_STOP_ON_ALARM" in group["Properties"]["AutoRollbackConfiguration"]["Events"]


def test_prod_shifts_by_canary_and_the_others_at_once() -> None:
    for environment, expected in (
        ("prod", "Canary10Percent5Minutes"),
        ("staging", "AllAtOnce"),
        ("dev", "AllAtOnce"),
    ):
        for group in resources_of_type(generated(environment), "AWS::CodeDeploy::DeploymentGroup").values():
            assert group["Properties"]["DeploymentConfigName"]["Fn::Sub"][1] == {"ConfigName": expected}


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_the_latency_rollback_alarm_leaves_out_assessments(environment: str) -> None:
    template = generated(environment)
    watched = {
        query["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"]
        for query in template["Resources"]["ApiLatencyP95Alarm"]["Properties"]["Metrics"]
        if "MetricStat" in query
    }

    assert "AssessmentsFunction" not in watched
    assert {"ScoresFunction", "AuthorizerFunction", "HealthFunction"} <= watched
    assert template["Resources"]["AssessmentsLatencyP95Alarm"]["Properties"]["Dimensions"] == [
        {"Name": "FunctionName", "Value": {"Ref": "AssessmentsFunction"}}
    ]


def failed_rules(environment: str, changes: dict[str, str] | None = None) -> list[str]:
    """AssertDescription of every Rule assertion CloudFormation would refuse the change set on."""
    template = generated(environment)
    resolver = Resolver(template, parameter_values(environment, changes))
    failed: list[str] = []
    for rule in template.get("Rules", {}).values():
        if resolver.resolve(rule.get("RuleCondition", True)):
            failed.extend(
                str(assertion["AssertDescription"])
                for assertion in rule["Assertions"]
                if not resolver.resolve(assertion["Assert"])
            )
    return failed


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_every_samconfig_environment_passes_the_deploy_rules(environment: str) -> None:
    assert failed_rules(environment) == []


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_every_environment_notifies_people(environment: str) -> None:
    values = stack_parameters(environment)

    assert re.fullmatch(r"[^@\s]+@[^@\s]+", values["AlarmEmail"])
    assert re.fullmatch(r"[^@\s]+@[^@\s]+", values["AlertEmail"])


@pytest.mark.parametrize("missing", ["AlarmEmail", "AlertEmail", "SecretKeyParameter"])
def test_prod_refuses_to_deploy_without_notifications_or_its_own_secret_key(missing: str) -> None:
    failed = failed_rules("prod", {missing: ""})

    assert len(failed) == 1
    assert missing in failed[0]


def test_staging_refuses_to_deploy_without_its_own_secret_key_and_dev_does_not_need_one() -> None:
    assert [
        rule for rule in failed_rules("staging", {"SecretKeyParameter": ""}) if "SecretKeyParameter" in rule
    ]
    assert failed_rules("dev", {"SecretKeyParameter": "", "AlarmEmail": "", "AlertEmail": ""}) == []


def ssm_readers(environment: str) -> dict[str, set[str]]:
    """Function -> the SSM parameter ARNs its generated role may read, for the environment."""
    template = generated(environment)
    resolver = Resolver(template, parameter_values(environment))
    readers: dict[str, set[str]] = {}
    for name in resources_of_type(template, "AWS::Lambda::Function"):
        role = template["Resources"][f"{name}Role"]["Properties"]
        for policy in resolver.resolve(role.get("Policies", [])):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                if "ssm:GetParameter" in actions:
                    resources = (
                        statement["Resource"]
                        if isinstance(statement["Resource"], list)
                        else [statement["Resource"]]
                    )
                    readers.setdefault(name, set()).update(resources)
    return readers


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_the_functions_signing_cursors_may_read_the_environments_secret_key(environment: str) -> None:
    parameter = stack_parameters(environment)["SecretKeyParameter"]
    readers = ssm_readers(environment)
    secret_arn = f"arn:aws:ssm:us-east-1:123456789012:parameter{parameter}"
    allowed = {name for name, arns in readers.items() if secret_arn in arns}

    if environment in ("staging", "prod"):
        assert parameter == f"/orgair/{environment}/secret-key"
        assert allowed == set(CURSOR_SIGNERS)
    else:
        assert parameter == ""
        assert not allowed
