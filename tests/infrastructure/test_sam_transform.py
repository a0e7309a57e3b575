"""What SAM generates from template.yaml for each samconfig environment, not what the YAML says.

Each test transforms the packaged template with samtranslator (offline, see
tests/support/samtransform.py) under one environment's parameter_overrides and asserts on the
resulting CloudFormation: which Lambda versions a change publishes (the stack's wiring, stages,
rollback alarms and deploy-time Rules: test_sam_transform_wiring.py).

A function's published version is identified by its AWS::Lambda::Version resource: a new logical
id, or a new Description (Description cannot change in place, so CloudFormation replaces the
resource, i.e. publishes a new version), moves the `live` alias through CodeDeploy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

import pytest
from support.samtransform import (
    SAMCONFIG_ENVIRONMENTS,
    Resolver,
    base_template,
    directory_digest,
    generated,
    parameter_values,
    resources_of_type,
    stack_parameters,
    transformed,
)

from devtools.template import ROOT

LAYER_URI: Final = "layers/shared/"
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
