"""What SAM generates from template.yaml for each samconfig environment, not what the YAML says.

Each test transforms the packaged template with samtranslator (offline, see
tests/support/samtransform.py) under one environment's parameter_overrides and asserts on the
resulting CloudFormation: which Lambda versions a change publishes, how API Gateway reaches the
functions, which stages exist, which alarms roll a deployment back, and the deploy-time Rules.

A function's published version is identified by its AWS::Lambda::Version resource: a new logical
id, or a new Description (Description cannot change in place, so CloudFormation replaces the
resource, i.e. publishes a new version), moves the `live` alias through CodeDeploy.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from functools import cache
from typing import Any, Final

import pytest
from support.samtransform import (
    SAMCONFIG_ENVIRONMENTS,
    Resolver,
    base_template,
    directory_digest,
    parameter_values,
    resources_of_type,
    stack_parameters,
    transformed,
)

from devtools.template import ROOT

LAYER_URI: Final = "layers/shared/"
ROLLBACK_ALARMS: Final = frozenset(
    {
        "Api5xxRateAlarm",
        "ApiLatencyP95Alarm",
        "FunctionErrorsAlarm",
        "JobsFunctionErrorsAlarm",
        "FunctionThrottlesAlarm",
        "DynamoDbReadThrottleAlarm",
        "DynamoDbWriteThrottleAlarm",
    }
)
STAGES: Final = frozenset({"v1", "v2"})
# The functions whose code signs pagination cursors with SECRET_KEY (Settings.signing_key():
# orgair.logic.scores, orgair.logic.reviews, orgair.costs.ledger entries, orgair.logic.jobs listing).
CURSOR_SIGNERS: Final = frozenset({"ScoresFunction", "ReviewsFunction", "CostsFunction", "JobsFunction"})
LAMBDA_DESCRIPTION_LIMIT: Final = 256
# The longest value a String parameter bounded only by its AllowedPattern can take.
PATTERN_BOUNDS: Final = {"CostAlertThresholdPct": len("0.123")}
# Another valid value for parameters without AllowedValues, given the current one.
OTHER_VALUES: Final[dict[str, Callable[[str], str]]] = {
    "DailyCostBudgetUsd": lambda current: str(int(float(current)) + 1),
    "CostAlertThresholdPct": lambda current: "0.9" if current != "0.9" else "0.75",
    "CorsOrigins": lambda current: "https://app.orgair.io" if current != "https://app.orgair.io" else "",
    "SecretKeyParameter": lambda current: (current or "/orgair/any") + "-rotated",
    "OpenAiApiKeyParameter": lambda current: (current or "/orgair/any") + "-rotated",
    "AnthropicApiKeyParameter": lambda current: (current or "/orgair/any") + "-rotated",
}


@cache
def generated(environment: str) -> dict[str, Any]:
    template: dict[str, Any] = transformed(environment)
    return template


def published_versions(
    template: dict[str, Any], environment: str, changes: dict[str, str] | None = None
) -> dict[str, Any]:
    """Function -> (Version logical id, resolved Description): what decides a new published version."""
    resolver = Resolver(template, parameter_values(environment, changes))
    versions: dict[str, Any] = {}
    for logical_id, resource in resources_of_type(template, "AWS::Lambda::Version").items():
        function = resource["Properties"]["FunctionName"]["Ref"]
        description = resolver.resolve(resource["Properties"].get("Description"))
        assert isinstance(description, str), f"{logical_id}: Description must resolve from parameters alone"
        versions[function] = (logical_id, description)
    return versions


def functions_using_layer(template: dict[str, Any]) -> set[str]:
    layers = set(resources_of_type(template, "AWS::Lambda::LayerVersion"))
    return {
        name
        for name, function in resources_of_type(template, "AWS::Lambda::Function").items()
        if {layer.get("Ref") for layer in function["Properties"].get("Layers", [])} & layers
    }


def parameters_in(value: Any, template: dict[str, Any]) -> set[str]:
    """Template parameters a value depends on: direct Refs, ${...} in Sub, and through conditions."""
    names = set(template["Parameters"])
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and item in names:
                found.add(item)
            elif key == "Fn::Sub":
                text = item if isinstance(item, str) else item[0]
                found |= set(re.findall(r"\$\{([A-Za-z0-9]+)\}", text)) & names
                found |= parameters_in(item, template)
            elif key == "Fn::If":
                found |= parameters_in(template["Conditions"][item[0]], template)
                found |= parameters_in(item[1:], template)
            elif key == "Condition" and isinstance(item, str):
                found |= parameters_in(template["Conditions"][item], template)
            else:
                found |= parameters_in(item, template)
    elif isinstance(value, list):
        for item in value:
            found |= parameters_in(item, template)
    return found


def another_value(name: str, current: str) -> str:
    spec = base_template()["Parameters"][name]
    if "AllowedValues" in spec:
        return next(str(value) for value in spec["AllowedValues"] if str(value) != current)
    assert name in OTHER_VALUES, f"add another valid value for parameter {name} to OTHER_VALUES"
    return OTHER_VALUES[name](current)


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_the_same_inputs_publish_nothing_new(environment: str) -> None:
    again = transformed(environment)

    assert published_versions(again, environment) == published_versions(generated(environment), environment)


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_a_layer_only_change_publishes_a_new_version_of_every_function_using_the_layer(
    environment: str,
) -> None:
    before = generated(environment)
    edited = directory_digest(ROOT / LAYER_URI, {"orgair/settings.py": b"# a layer-only change\n"})
    after = transformed(environment, digests={LAYER_URI: edited})

    users = functions_using_layer(before)
    assert users == set(resources_of_type(before, "AWS::Lambda::Function"))
    old, new = published_versions(before, environment), published_versions(after, environment)
    unchanged = sorted(name for name in users if old[name] == new[name])
    assert not unchanged, f"a layer change publishes no new version of {unchanged}"
    assert set(resources_of_type(before, "AWS::Lambda::LayerVersion")) != set(
        resources_of_type(after, "AWS::Lambda::LayerVersion")
    )


@pytest.mark.parametrize("environment", SAMCONFIG_ENVIRONMENTS)
def test_a_daily_budget_change_publishes_a_new_version_of_every_function(environment: str) -> None:
    current = stack_parameters(environment)["DailyCostBudgetUsd"]
    changes = {"DailyCostBudgetUsd": OTHER_VALUES["DailyCostBudgetUsd"](current)}

    old = published_versions(generated(environment), environment)
    new = published_versions(transformed(environment, changes), environment, changes)

    assert set(old) == set(resources_of_type(generated(environment), "AWS::Lambda::Function"))
    assert not [name for name in old if old[name] == new[name]]


def environment_parameters() -> list[str]:
    template = generated("prod")
    found: set[str] = set()
    for function in resources_of_type(template, "AWS::Lambda::Function").values():
        found |= parameters_in(function["Properties"].get("Environment", {}), template)
    return sorted(found)


def test_the_parameters_reaching_the_functions_are_the_expected_ones() -> None:
    """A guard on the next test: it covers every parameter that reaches an environment variable."""
    assert {"DailyCostBudgetUsd", "Environment", "SecretKeyParameter", "CorsOrigins"} <= set(
        environment_parameters()
    )


@pytest.mark.parametrize("parameter", environment_parameters())
def test_any_parameter_reaching_the_functions_publishes_new_versions_in_prod(parameter: str) -> None:
    changes = {parameter: another_value(parameter, stack_parameters("prod")[parameter])}
    if parameter == "Environment":
        changes["SecretKeyParameter"] = "/orgair/other/secret-key"

    old = published_versions(generated("prod"), "prod")
    new = published_versions(transformed("prod", changes), "prod", changes)

    assert not [name for name in old if old.get(name) == new.get(name)], f"{parameter} publishes nothing"


def version_schema() -> dict[str, Any]:
    """CloudFormation's resource schema of AWS::Lambda::Version (the copy cfn-lint ships)."""
    from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

    schema: dict[str, Any] = PROVIDER_SCHEMA_MANAGER.get_resource_schema(
        "us-east-1", "AWS::Lambda::Version"
    ).schema
    return schema


def test_a_new_version_description_is_a_new_published_version() -> None:
    """Why a parameter change publishes: CloudFormation cannot update a version's Description, it
    replaces the AWS::Lambda::Version, i.e. publishes a new version that `live` then moves to."""
    schema = version_schema()

    assert "/properties/Description" in schema["createOnlyProperties"]
    assert schema["properties"]["Description"]["maxLength"] == LAMBDA_DESCRIPTION_LIMIT


def test_the_configuration_in_each_version_description_fits_lambdas_limit() -> None:
    """The longest values the parameters allow still fit a version's Description (256 characters)."""
    template = base_template()
    description = template["Resources"]["HealthFunction"]["Properties"]["VersionDescription"]["Fn::Sub"]
    longest: dict[str, str] = {}
    for name in re.findall(r"\$\{(\w+)\}", description):
        spec = template["Parameters"][name]
        if "AllowedValues" in spec:
            size = max(len(str(value)) for value in spec["AllowedValues"])
        elif "MaxLength" in spec:
            size = int(spec["MaxLength"])
        else:
            assert name in PATTERN_BOUNDS, f"{name}: give it a MaxLength (it is in every VersionDescription)"
            size = PATTERN_BOUNDS[name]
        longest[name] = "x" * size
    rendered = re.sub(r"\$\{(\w+)\}", lambda match: longest[match.group(1)], description)

    assert len(rendered) <= LAMBDA_DESCRIPTION_LIMIT
    assert re.fullmatch(template["Parameters"]["CostAlertThresholdPct"]["AllowedPattern"], "0.123")
    assert not re.fullmatch(template["Parameters"]["CostAlertThresholdPct"]["AllowedPattern"], "0.1234")


def test_every_function_carries_the_same_configuration_version_description() -> None:
    functions = resources_of_type(base_template(), "AWS::Serverless::Function")
    descriptions = {
        name: function["Properties"].get("VersionDescription") for name, function in functions.items()
    }
    all_properties = {
        name: function["Properties"].get("AutoPublishAliasAllProperties")
        for name, function in functions.items()
    }

    assert len({repr(value) for value in descriptions.values()}) == 1, descriptions
    assert set(all_properties.values()) == {True}, all_properties


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
