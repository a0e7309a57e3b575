"""The stack SAM generates for prod and dev, created in moto's CloudFormation, reaches CREATE_COMPLETE.

The transformed template (tests/support/samtransform.py) goes to moto's in-process CloudFormation
(`mock_aws`, no network) with the environment's parameters; the code locations exist in a mocked
S3 bucket. moto resolves every intrinsic and creates the IAM roles, tables, topics, KMS key,
functions with their environment, layer, versions, permissions, schedule rule, log groups, RestApi
and dashboard. Resource types moto's CloudFormation does not implement are taken out first, and
every reference to them rewritten (docs/operations.md, "What the deploy smoke does not cover"):

- AWS::Lambda::Alias: a Ref to `<Function>Aliaslive` becomes the function's ARN;
- AWS::ApiGateway::Deployment (moto's RestApi ignores the OpenAPI Body, so a deployment would
  have no methods), AWS::ApiGateway::Stage, AWS::CloudWatch::Alarm and CompositeAlarm,
  AWS::CodeDeploy::Application and DeploymentGroup, AWS::SNS::Subscription and TopicPolicy, and
  the usage plan types (UsagePlan, UsagePlanKey, ApiKey): a Ref or GetAtt to them becomes a fixed
  placeholder string.

moto also publishes an AWS::Lambda::Version with the function's Description, not the Version's own
(which carries the configuration, see template.yaml): test_sam_transform.py checks that one.
The SAM-transform suite asserts on the resources taken out as well.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any, Final

import boto3
import pytest
from moto import mock_aws
from moto.core.common_models import CloudFormationModel
from support.samtransform import ARTIFACT_BUCKET, Resolver, stack_of, stack_parameters, transformed

NOT_IN_MOTO: Final = frozenset(
    {
        "AWS::Lambda::Alias",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::CompositeAlarm",
        "AWS::CodeDeploy::Application",
        "AWS::CodeDeploy::DeploymentGroup",
        "AWS::SNS::Subscription",
        "AWS::SNS::TopicPolicy",
        "AWS::S3::BucketPolicy",
        # Generated when the API has a usage plan (Auth.UsagePlan); moto has no CloudFormation for them.
        "AWS::ApiGateway::UsagePlan",
        "AWS::ApiGateway::UsagePlanKey",
        "AWS::ApiGateway::ApiKey",
    }
)
# moto creates AWS::ApiGateway::Deployment, but for an API without methods only (see above).
CREATED_BUT_UNUSABLE: Final = frozenset({"AWS::ApiGateway::Deployment"})
MOTO_SERVICES: Final = (
    "awslambda",
    "apigateway",
    "iam",
    "dynamodb",
    "sns",
    "kms",
    "logs",
    "events",
    "cloudwatch",
)


def moto_cloudformation_types() -> set[str]:
    for service in MOTO_SERVICES:
        importlib.import_module(f"moto.{service}.models")

    def subclasses(classes: list[type[CloudFormationModel]]) -> Iterator[type[CloudFormationModel]]:
        for sub in classes:
            yield sub
            yield from subclasses(sub.__subclasses__())

    types: set[str] = set()
    for model in subclasses(CloudFormationModel.__subclasses__()):
        try:
            types.add(model.cloudformation_type())
        except NotImplementedError:
            continue
    return types


def for_moto(template: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The template without what moto cannot create, and the resource types taken out."""
    resources = template["Resources"]
    aliases = {
        name: resource["Properties"]["FunctionName"]["Ref"]
        for name, resource in resources.items()
        if resource["Type"] == "AWS::Lambda::Alias"
    }
    supported = moto_cloudformation_types() - CREATED_BUT_UNUSABLE
    removed = {name for name, resource in resources.items() if resource["Type"] not in supported}
    removed_types = {resources[name]["Type"] for name in removed}

    def placeholder(name: str) -> str:
        return f"arn:aws:not-in-moto:us-east-1:123456789012:{name}"

    def rewrite(value: Any) -> Any:
        if isinstance(value, list):
            return [rewrite(item) for item in value]
        if isinstance(value, str):
            for alias, function in aliases.items():
                value = value.replace("${" + alias + "}", "${" + function + ".Arn}")
            return re.sub(
                r"\$\{(\w+)\.Arn\}",
                lambda match: placeholder(match.group(1)) if match.group(1) in removed else match.group(0),
                value,
            )
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"} and value["Ref"] in aliases:
            return {"Fn::GetAtt": [aliases[value["Ref"]], "Arn"]}
        if set(value) == {"Ref"} and value["Ref"] in removed:
            return placeholder(value["Ref"])
        if set(value) == {"Fn::GetAtt"} and value["Fn::GetAtt"][0] in removed:
            return placeholder(value["Fn::GetAtt"][0])
        rewritten = {key: rewrite(item) for key, item in value.items()}
        if isinstance(rewritten.get("DependsOn"), list):
            rewritten["DependsOn"] = [item for item in rewritten["DependsOn"] if item not in removed]
        return rewritten

    kept = {name: resource for name, resource in resources.items() if name not in removed}
    return rewrite(dict(template, Resources=kept)), removed_types


def code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def lambda_handler(event, context):\n    return None\n")
    return buffer.getvalue()


@pytest.mark.parametrize("environment", ["prod", "dev"])
def test_the_generated_stack_is_created_in_moto_cloudformation(
    environment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    stack_name, region = stack_of(environment)
    template, removed_types = for_moto(transformed(environment))
    parameters = stack_parameters(environment)
    declared = set(template["Parameters"])

    assert removed_types <= NOT_IN_MOTO, f"document the new types moto skips: {removed_types - NOT_IN_MOTO}"
    with mock_aws():
        s3 = boto3.client("s3", region_name=region)
        s3.create_bucket(Bucket=ARTIFACT_BUCKET)
        for key in code_keys(template):
            s3.put_object(Bucket=ARTIFACT_BUCKET, Key=key, Body=code_zip())
        cloudformation = boto3.client("cloudformation", region_name=region)
        cloudformation.create_stack(
            StackName=stack_name,
            TemplateBody=json.dumps(template),
            Parameters=[
                {"ParameterKey": key, "ParameterValue": value}
                for key, value in parameters.items()
                if key in declared
            ],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
        created = cloudformation.list_stack_resources(StackName=stack_name)["StackResourceSummaries"]
        awslambda = boto3.client("lambda", region_name=region)
        names = [
            item["PhysicalResourceId"] for item in created if item["ResourceType"] == "AWS::Lambda::Function"
        ]
        functions = [awslambda.get_function_configuration(FunctionName=name) for name in names]
        published = [
            version["Description"]
            for name in names
            for version in awslambda.list_versions_by_function(FunctionName=name)["Versions"]
            if version["Version"] != "$LATEST"
        ]

    assert stack["StackStatus"] == "CREATE_COMPLETE"
    conditions = Resolver(template, parameters)
    expected = {
        name
        for name, resource in template["Resources"].items()
        if "Condition" not in resource or conditions.condition(resource["Condition"])
    }
    # moto lists each resource whose Condition is false as an entry with no logical id.
    listed = [item for item in created if item["LogicalResourceId"]]
    assert len(created) - len(listed) == len(template["Resources"]) - len(expected)
    assert {item["LogicalResourceId"] for item in listed} == expected
    assert {item["ResourceStatus"] for item in listed} == {"CREATE_COMPLETE"}
    assert len(functions) == 13
    assert len(published) == len(functions)  # one published version each, behind `live`
    for function in functions:
        variables = function["Environment"]["Variables"]
        assert variables["DAILY_COST_BUDGET_USD"] == parameters["DailyCostBudgetUsd"]
        assert variables["SECRET_KEY_SSM_PARAMETER"] == parameters["SecretKeyParameter"]
        assert variables["SCORES_TABLE_NAME"].startswith(f"{stack_name}-ScoresTable")


def code_keys(template: dict[str, Any]) -> set[str]:
    keys = set()
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        for location in (properties.get("Code"), properties.get("Content")):
            if isinstance(location, dict) and "S3Key" in location:
                keys.add(str(location["S3Key"]))
    return keys
