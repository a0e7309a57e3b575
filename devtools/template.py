"""Reads `template.yaml` the way the local runner needs it: CloudFormation short-form tags, the
Globals merged into each function, and the few intrinsic functions our environment values use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"
LOCAL_STACK_NAME = "orgair-local"
LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT = "123456789012"


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns `!Ref x` into `{"Ref": x}` and `!GetAtt a.b` into `{"Fn::GetAtt": [a, b]}`."""


def _construct_tag(loader: _CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} is not a CloudFormation template")
    return loaded


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    public: bool


@dataclass(frozen=True)
class Schedule:
    name: str
    expression: str


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str
    timeout: int
    memory_mb: int
    environment: dict[str, str]
    routes: tuple[ApiRoute, ...] = ()
    schedules: tuple[Schedule, ...] = ()


@dataclass(frozen=True)
class StageSpec:
    name: str
    variables: dict[str, str]


@dataclass
class Template:
    """The parts of the template the local runner serves, with intrinsics resolved locally."""

    raw: dict[str, Any]
    parameter_overrides: dict[str, str] = field(default_factory=dict)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return dict(self.raw.get("Resources", {}))

    def parameter_values(self) -> dict[str, str]:
        values = {name: str(spec.get("Default", "")) for name, spec in self.raw.get("Parameters", {}).items()}
        values.update(self.parameter_overrides)
        return values

    def tables(self) -> dict[str, dict[str, Any]]:
        """Table name (the logical id, which is what `!Ref` resolves to locally) to its properties."""
        return {
            name: dict(resource.get("Properties", {}))
            for name, resource in self.resources.items()
            if resource.get("Type") == "AWS::DynamoDB::Table"
        }

    def resolve(self, value: Any) -> Any:
        """Resolve Ref, Sub, If, Equals, GetAtt and Join the way a local deployment would."""
        if isinstance(value, dict) and len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self._ref(str(arg))
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::If":
                condition, when_true, when_false = arg
                return self.resolve(when_true if self.condition(condition) else when_false)
            if key == "Fn::Equals":
                left, right = (self.resolve(item) for item in arg)
                return str(left) == str(right)
            if key == "Fn::GetAtt":
                logical_id, attribute = arg
                return f"arn:aws:local:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{logical_id}/{attribute}"
            if key == "Fn::Join":
                separator, items = arg
                return separator.join(str(self.resolve(item)) for item in items)
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.raw.get("Conditions", {})[name]))

    def _ref(self, name: str) -> str:
        pseudo = {
            "AWS::Region": LOCAL_REGION,
            "AWS::AccountId": LOCAL_ACCOUNT,
            "AWS::StackName": LOCAL_STACK_NAME,
            "AWS::Partition": "aws",
            "AWS::NoValue": "",
        }
        if name in pseudo:
            return pseudo[name]
        parameters = self.parameter_values()
        if name in parameters:
            return parameters[name]
        if name in self.resources:
            resource_type = self.resources[name].get("Type", "")
            if resource_type == "AWS::SNS::Topic":
                return f"arn:aws:sns:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{name}"
            return name
        raise KeyError(f"template.yaml: !Ref {name} names nothing")

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name:
                return str(self.resolve({"Fn::GetAtt": name.split(".", 1)}))
            return str(self._ref(name))

        return re.sub(r"\$\{([^}!][^}]*)\}", replace, text)

    def stages(self) -> list[StageSpec]:
        stages: list[StageSpec] = []
        for resource in self.resources.values():
            props = resource.get("Properties", {})
            if (
                resource.get("Type") == "AWS::Serverless::Api"
                or resource.get("Type") == "AWS::ApiGateway::Stage"
            ):
                stages.append(StageSpec(str(props["StageName"]), self._variables(props)))
        return stages

    def _variables(self, props: dict[str, Any]) -> dict[str, str]:
        return {key: str(self.resolve(value)) for key, value in props.get("Variables", {}).items()}

    def functions(self) -> list[FunctionSpec]:
        globals_ = self.raw.get("Globals", {}).get("Function", {})
        global_env = globals_.get("Environment", {}).get("Variables", {})
        specs: list[FunctionSpec] = []
        for logical_id, resource in self.resources.items():
            if resource.get("Type") != "AWS::Serverless::Function":
                continue
            props = resource.get("Properties", {})
            env_raw = dict(global_env)
            env_raw.update(props.get("Environment", {}).get("Variables", {}))
            environment = {key: str(self.resolve(value)) for key, value in env_raw.items()}
            routes: list[ApiRoute] = []
            schedules: list[Schedule] = []
            for event_name, event in props.get("Events", {}).items():
                event_props = event.get("Properties", {})
                if event.get("Type") == "Api":
                    auth = event_props.get("Auth", {})
                    routes.append(
                        ApiRoute(
                            method=str(event_props["Method"]).upper(),
                            path=str(event_props["Path"]),
                            public=auth.get("Authorizer") == "NONE",
                        )
                    )
                elif event.get("Type") == "Schedule":
                    schedules.append(Schedule(event_name, str(self.resolve(event_props["Schedule"]))))
            specs.append(
                FunctionSpec(
                    logical_id=logical_id,
                    code_uri=ROOT / str(props.get("CodeUri", globals_.get("CodeUri", "."))),
                    handler=str(props.get("Handler", globals_.get("Handler", "app.lambda_handler"))),
                    timeout=int(props.get("Timeout", globals_.get("Timeout", 3))),
                    memory_mb=int(props.get("MemorySize", globals_.get("MemorySize", 128))),
                    environment=environment,
                    routes=tuple(routes),
                    schedules=tuple(schedules),
                )
            )
        return specs
