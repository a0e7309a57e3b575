"""template.yaml through SAM's own translator, offline, the way a deployment sees it.

`sam deploy` uploads the packaged template and CloudFormation runs the AWS::Serverless transform
with the stack's parameter values. Here the same translator (samtranslator, shipped with the SAM
CLI) runs in-process: a managed-policy loader that needs no AWS (the template uses inline policies
only), and a stand-in for `sam package` that replaces each CodeUri/ContentUri with the S3 location
packaging gives it, named by the directory's content hash, so a change of content shows exactly as
it does after packaging. Parameter values come from samconfig.toml, one set per environment.
"""

from __future__ import annotations

import copy
import hashlib
import os
import shlex
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final
from unittest.mock import patch

from devtools.template import ROOT, load_template

SAMCONFIG_PATH: Final = ROOT / "samconfig.toml"
ACCOUNT_ID: Final = "123456789012"
ARTIFACT_BUCKET: Final = "orgair-artifacts"
SAMCONFIG_ENVIRONMENTS: Final = ("default", "dev", "staging", "prod")
NO_VALUE: Final = {"Ref": "AWS::NoValue"}
SKIPPED_PARTS: Final = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache"})


class NoManagedPolicies:
    """samtranslator's ManagedPolicyLoader without IAM: the template names no managed policy."""

    def load(self) -> dict[str, str]:
        return {}


@cache
def samconfig() -> dict[str, Any]:
    with SAMCONFIG_PATH.open("rb") as handle:
        return tomllib.load(handle)


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
"""The health alarms that roll a deployment back (DeploymentPreference Alarms of every function)."""


def stack_of(environment: str) -> tuple[str, str]:
    """(stack name, region) of a samconfig environment."""
    parameters = samconfig()[environment]["global"]["parameters"]
    return str(parameters["stack_name"]), str(parameters["region"])


def parameter_overrides(environment: str) -> dict[str, str]:
    """The environment's `parameter_overrides`, parsed as the SAM CLI does (Key="value" pairs)."""
    text = str(samconfig()[environment]["deploy"]["parameters"]["parameter_overrides"])
    pairs = (item.split("=", 1) for item in shlex.split(text))
    return dict(pairs)


def directory_digest(directory: Path, changed: Mapping[str, bytes] | None = None) -> str:
    """Content hash of a code directory; `changed` overlays files (relative path to new bytes)."""
    overlay = dict(changed or {})
    digest = hashlib.sha256()
    files = {
        path.relative_to(directory).as_posix(): path
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not SKIPPED_PARTS & set(path.relative_to(directory).parts)
    }
    for name in sorted(set(files) | set(overlay)):
        content = overlay[name] if name in overlay else files[name].read_bytes()
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


@cache
def current_digest(location: str) -> str:
    return directory_digest(ROOT / location)


def packaged(raw: Mapping[str, Any], digests: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The template as `sam package` leaves it: code locations are s3://bucket/<content hash>.

    `digests` maps a CodeUri/ContentUri (as written in template.yaml) to the content hash to use
    instead of the directory's current one, to see what a change of that content does.
    """
    template = copy.deepcopy(dict(raw))
    overrides = dict(digests or {})
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            location = properties.get(key)
            if isinstance(location, str) and not location.startswith("s3://"):
                digest = overrides.get(location) or current_digest(location)
                properties[key] = f"s3://{ARTIFACT_BUCKET}/{digest[:32]}"
    return template


def transformed(
    environment: str,
    changes: Mapping[str, str] | None = None,
    digests: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The CloudFormation template CloudFormation would create for a samconfig environment.

    `changes` overrides parameter values on top of the environment's parameter_overrides.
    """
    from samtranslator.translator.transform import transform

    # The translator asks boto3 for the region of the pseudo parameters; only for this call.
    with patch.dict(os.environ, {"AWS_DEFAULT_REGION": stack_of(environment)[1]}):
        result: dict[str, Any] = transform(
            packaged(base_template(), digests), parameter_values(environment, changes), NoManagedPolicies()
        )
    return result


def stack_parameters(environment: str, changes: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every template parameter's value for the environment: defaults, samconfig, then `changes`."""
    values = {
        name: str(spec["Default"])
        for name, spec in base_template()["Parameters"].items()
        if "Default" in spec
    }
    values.update(parameter_overrides(environment))
    values.update(changes or {})
    return values


def parameter_values(environment: str, changes: Mapping[str, str] | None = None) -> dict[str, str]:
    """stack_parameters plus the pseudo parameters of the environment's stack."""
    stack_name, region = stack_of(environment)
    values = stack_parameters(environment, changes)
    values.update(
        {
            "AWS::StackName": stack_name,
            "AWS::Region": region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Partition": "aws",
        }
    )
    return values


@cache
def _base_template() -> dict[str, Any]:
    return load_template()


def base_template() -> dict[str, Any]:
    return copy.deepcopy(_base_template())


class Resolver:
    """Resolves what the stack's parameters decide (Ref, Sub, If, conditions); leaves runtime values.

    Enough to read the generated template as CloudFormation would for one set of parameter values:
    a resource's ARN stays an intrinsic, a parameter's value and a condition's outcome do not.
    """

    def __init__(self, template: Mapping[str, Any], parameters: Mapping[str, str]) -> None:
        self.template = template
        self.parameters = dict(parameters)

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template.get("Conditions", {})[name]))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [item for item in (self.resolve(item) for item in value) if item != NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref" and argument in self.parameters:
                return self.parameters[argument]
            if key == "Fn::Sub" and isinstance(argument, str):
                return self._sub(argument)
            if key == "Fn::If":
                name, when_true, when_false = argument
                return self.resolve(when_true if self.condition(name) else when_false)
            if key == "Condition":
                return self.condition(argument)
            if key == "Fn::Equals":
                left, right = (self.resolve(item) for item in argument)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self.resolve(argument[0])
            if key == "Fn::And":
                return all(self.resolve(item) for item in argument)
            if key == "Fn::Or":
                return any(self.resolve(item) for item in argument)
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item != NO_VALUE}

    def _sub(self, text: str) -> Any:
        resolved = text
        for name, value in self.parameters.items():
            resolved = resolved.replace("${" + name + "}", value)
        return resolved if "${" not in resolved else {"Fn::Sub": resolved}


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res["Type"] == resource_type}


@cache
def generated(environment: str) -> dict[str, Any]:
    """`transformed(environment)` once per process (read it, never change it)."""
    template: dict[str, Any] = transformed(environment)
    return template
