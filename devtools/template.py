"""Reads `template.yaml` the way the local runner needs it: CloudFormation short-form tags, the
Globals merged into each function and API, the APIs with their stages, authorizers and gateway
responses, and the few intrinsic functions our values use, resolved as a local deployment would."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from devtools.template_specs import (
    IMPLICIT_API,
    ApiRoute,
    ApiSpec,
    AuthorizerSpec,
    FunctionSpec,
    GatewayResponseSpec,
    MethodSetting,
    QueueSource,
    Schedule,
    StageSpec,
)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"
LOCAL_STACK_NAME = "orgair-local"
LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT = "123456789012"
DEFAULT_REAUTHORIZE_SECONDS = 300


class _CfnLoader(yaml.CSafeLoader):
    """SafeLoader that turns `!Ref x` into `{"Ref": x}` and `!GetAtt a.b` into `{"Fn::GetAtt": [a, b]}`.

    libyaml's (PyYAML's wheels carry it): the same document as the pure-Python SafeLoader, parsed
    about 9 times faster (template.yaml: 0.03 s of CPU instead of 0.29 s, time.process_time); the
    local runner reads the template at every start and test collection several times."""


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


class _NoValue:
    """What `!Ref AWS::NoValue` resolves to: the property is dropped, as CloudFormation does."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Any = _NoValue()


def cfn_string(value: Any) -> str:
    """A scalar as CloudFormation renders it into a string property (`true`, not `True`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Template:
    """The parts of the template the local runner serves, with intrinsics resolved locally."""

    raw: dict[str, Any]
    parameter_overrides: dict[str, str] = field(default_factory=dict)
    base_dir: Path = ROOT
    resource_refs: dict[str, str] = field(default_factory=dict)
    """What `!Ref <resource>` is in a local deployment (the embedded AWS's topic ARNs, queue URLs...)."""

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return dict(self.raw.get("Resources", {}))

    def parameter_values(self) -> dict[str, str]:
        values = {
            name: cfn_string(spec.get("Default", "")) for name, spec in self.raw.get("Parameters", {}).items()
        }
        values.update(self.parameter_overrides)
        return values

    def tables(self) -> dict[str, dict[str, Any]]:
        """Table name (the logical id, which is what `!Ref` resolves to locally) to its properties."""
        return {
            name: dict(resource.get("Properties", {}))
            for name, resource in self.resources.items()
            if resource.get("Type") == "AWS::DynamoDB::Table"
        }

    def _reserved_concurrency(self, props: dict[str, Any]) -> int | None:
        value = self.resolve(props.get("ReservedConcurrentExecutions", NO_VALUE))
        return None if value is NO_VALUE or value is None or value == "" else int(value)

    def resolve(self, value: Any) -> Any:
        """Resolve Ref, Sub, If, Equals, GetAtt, Join and FindInMap the way a local deployment would."""
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
                return cfn_string(left) == cfn_string(right)
            if key == "Fn::Not":
                return not self.resolve(arg[0])
            if key == "Fn::And":
                return all(self.resolve(item) for item in arg)
            if key == "Fn::Or":
                return any(self.resolve(item) for item in arg)
            if key == "Condition":
                return self.condition(str(arg))
            if key == "Fn::GetAtt":
                logical_id, attribute = arg
                return f"arn:aws:local:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{logical_id}/{attribute}"
            if key == "Fn::Join":
                separator, items = arg
                return separator.join(cfn_string(self.resolve(item)) for item in items)
            if key == "Fn::FindInMap":
                mapping, top, second = (cfn_string(self.resolve(item)) for item in arg)
                return self.resolve(self.raw.get("Mappings", {})[mapping][top][second])
        if isinstance(value, dict):
            resolved = {key: self.resolve(item) for key, item in value.items()}
            return {key: item for key, item in resolved.items() if item is not NO_VALUE}
        if isinstance(value, list):
            return [item for item in (self.resolve(item) for item in value) if item is not NO_VALUE]
        return value

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.raw.get("Conditions", {})[name]))

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        pseudo = {
            "AWS::Region": LOCAL_REGION,
            "AWS::AccountId": LOCAL_ACCOUNT,
            "AWS::StackName": LOCAL_STACK_NAME,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name in pseudo:
            return pseudo[name]
        parameters = self.parameter_values()
        if name in parameters:
            return parameters[name]
        if name in self.resource_refs:
            return self.resource_refs[name]
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
                return cfn_string(self.resolve(variables[name]))
            if "." in name:
                return cfn_string(self.resolve({"Fn::GetAtt": name.split(".", 1)}))
            return cfn_string(self._ref(name))

        return re.sub(r"\$\{([^}!][^}]*)\}", replace, text)

    def _api_properties(self, logical_id: str) -> dict[str, Any]:
        """An API's properties with `Globals.Api` underneath (SAM merges them the same way)."""
        merged = dict(self.raw.get("Globals", {}).get("Api", {}))
        merged.update(self.resources.get(logical_id, {}).get("Properties", {}))
        return merged

    def _api_ids(self) -> list[str]:
        ids = [
            name
            for name, resource in self.resources.items()
            if resource.get("Type") == "AWS::Serverless::Api"
        ]
        if any(route.api == IMPLICIT_API for spec in self.functions() for route in spec.routes):
            ids.append(IMPLICIT_API)
        return ids

    def stages(self) -> list[StageSpec]:
        """Every stage of every API: the Api's StageName and each AWS::ApiGateway::Stage."""
        stages: list[StageSpec] = []
        for api_id in self._api_ids():
            props = self._api_properties(api_id)
            default_name = "Prod" if api_id == IMPLICIT_API else None
            stages.append(
                self._stage(api_id, cfn_string(self.resolve(props.get("StageName", default_name))), props)
            )
        for resource in self.resources.values():
            if resource.get("Type") != "AWS::ApiGateway::Stage":
                continue
            props = resource.get("Properties", {})
            rest_api = props.get("RestApiId")
            api_id = (
                str(rest_api["Ref"]) if isinstance(rest_api, dict) and "Ref" in rest_api else IMPLICIT_API
            )
            stages.append(self._stage(api_id, cfn_string(self.resolve(props["StageName"])), props))
        return stages

    def _stage(self, api_id: str, name: str, props: dict[str, Any]) -> StageSpec:
        settings = []
        for entry in self.resolve(props.get("MethodSettings", [])):
            rate, burst = entry.get("ThrottlingRateLimit"), entry.get("ThrottlingBurstLimit")
            settings.append(
                MethodSetting(
                    resource_path=str(entry.get("ResourcePath", "/*")),
                    http_method=str(entry.get("HttpMethod", "*")).upper(),
                    rate_limit=float(rate) if rate is not None else None,
                    burst_limit=int(burst) if burst is not None else None,
                )
            )
        return StageSpec(
            name=name, variables=self._variables(props), api=api_id, method_settings=tuple(settings)
        )

    def _variables(self, props: dict[str, Any]) -> dict[str, str]:
        return {key: cfn_string(self.resolve(value)) for key, value in props.get("Variables", {}).items()}

    def apis(self) -> list[ApiSpec]:
        """Every API with its stages, Lambda authorizers and gateway responses."""
        stages = self.stages()
        function_ids = {
            name
            for name, resource in self.resources.items()
            if resource.get("Type") == "AWS::Serverless::Function"
        }
        apis: list[ApiSpec] = []
        for api_id in self._api_ids():
            props = self._api_properties(api_id)
            auth = props.get("Auth", {}) or {}
            authorizers = {
                name: self._authorizer(name, spec, function_ids)
                for name, spec in (auth.get("Authorizers", {}) or {}).items()
            }
            responses = {
                kind: self._gateway_response(spec)
                for kind, spec in (props.get("GatewayResponses", {}) or {}).items()
            }
            default = auth.get("DefaultAuthorizer")
            apis.append(
                ApiSpec(
                    logical_id=api_id,
                    stages=tuple(stage for stage in stages if stage.api == api_id),
                    default_authorizer=str(default) if default else None,
                    authorizers=authorizers,
                    gateway_responses=responses,
                )
            )
        return apis

    def _authorizer(self, name: str, spec: dict[str, Any], function_ids: set[str]) -> AuthorizerSpec:
        arn = spec.get("FunctionArn")
        function_id: str | None = None
        if isinstance(arn, dict) and "Fn::GetAtt" in arn:
            target, attribute = arn["Fn::GetAtt"]
            if attribute == "Arn" and target in function_ids:
                function_id = str(target)
        elif isinstance(arn, dict) and isinstance(arn.get("Ref"), str):
            # `!Ref Function.Alias`: SAM's reference to the function's AutoPublishAlias.
            target, _, derived = arn["Ref"].partition(".")
            if derived == "Alias" and target in function_ids:
                function_id = target
        identity = spec.get("Identity", {}) or {}
        payload_type = str(spec.get("FunctionPayloadType", "TOKEN")).upper()
        headers = identity.get("Headers")
        if headers is None:
            single = identity.get("Header")
            headers = [single] if single else (["Authorization"] if payload_type == "TOKEN" else [])
        return AuthorizerSpec(
            name=name,
            function_id=function_id,
            payload_type=payload_type,
            identity_headers=tuple(str(header) for header in headers),
            identity_query_strings=tuple(str(name) for name in identity.get("QueryStrings", []) or []),
            reauthorize_every=int(
                cfn_string(self.resolve(identity.get("ReauthorizeEvery", DEFAULT_REAUTHORIZE_SECONDS)))
            ),
            validation_expression=identity.get("ValidationExpression"),
        )

    def _gateway_response(self, spec: dict[str, Any]) -> GatewayResponseSpec:
        spec = self.resolve(spec)
        status = spec.get("StatusCode")
        parameters = spec.get("ResponseParameters", {}) or {}
        return GatewayResponseSpec(
            status_code=int(status) if status is not None else None,
            templates={str(key): str(value) for key, value in (spec.get("ResponseTemplates") or {}).items()},
            headers={str(key): str(value) for key, value in (parameters.get("Headers") or {}).items()},
        )

    def functions(self) -> list[FunctionSpec]:
        globals_ = self.raw.get("Globals", {}).get("Function", {})
        global_env = globals_.get("Environment", {}).get("Variables", {})
        specs: list[FunctionSpec] = []
        for logical_id, resource in self.resources.items():
            if resource.get("Type") != "AWS::Serverless::Function":
                continue
            if "Condition" in resource and not self.condition(str(resource["Condition"])):
                continue  # CloudFormation does not create it with these parameter values
            props = resource.get("Properties", {})
            env_raw = dict(global_env)
            env_raw.update(props.get("Environment", {}).get("Variables", {}))
            environment = {
                key: cfn_string(value)
                for key, value in ((key, self.resolve(raw)) for key, raw in env_raw.items())
                if value is not NO_VALUE
            }
            routes: list[ApiRoute] = []
            schedules: list[Schedule] = []
            queues: list[QueueSource] = []
            for event_name, event in props.get("Events", {}).items():
                event_props = event.get("Properties", {})
                if event.get("Type") == "Api":
                    routes.append(self._route(event_name, event_props))
                elif event.get("Type") in ("Schedule", "ScheduleV2"):
                    schedules.append(self._schedule(event_name, str(event["Type"]), event_props))
                elif event.get("Type") == "SQS":
                    queues.append(self._queue_source(event_name, event_props))
            specs.append(
                FunctionSpec(
                    logical_id=logical_id,
                    code_uri=self.base_dir / str(props.get("CodeUri", globals_.get("CodeUri", "."))),
                    handler=str(props.get("Handler", globals_.get("Handler", "app.lambda_handler"))),
                    timeout=int(props.get("Timeout", globals_.get("Timeout", 3))),
                    memory_mb=int(props.get("MemorySize", globals_.get("MemorySize", 128))),
                    environment=environment,
                    routes=tuple(routes),
                    schedules=tuple(schedules),
                    reserved_concurrency=self._reserved_concurrency(props),
                    queues=tuple(queues),
                )
            )
        return specs

    def _queue_source(self, event_name: str, props: dict[str, Any]) -> QueueSource:
        """An `SQS` event whose `Queue` is `!GetAtt <queue>.Arn` of a queue of this template."""
        queue = props.get("Queue")
        if not (isinstance(queue, dict) and "Fn::GetAtt" in queue):
            raise ValueError(f"SQS event {event_name}: Queue must be !GetAtt <queue>.Arn of this template")
        target = queue["Fn::GetAtt"]
        logical_id = str(target[0] if isinstance(target, list) else str(target).split(".")[0])
        scaling = props.get("ScalingConfig") or {}
        maximum = scaling.get("MaximumConcurrency")
        return QueueSource(
            name=event_name,
            queue=logical_id,
            batch_size=int(cfn_string(self.resolve(props.get("BatchSize", 10)))),
            maximum_concurrency=None if maximum is None else int(cfn_string(self.resolve(maximum))),
            report_batch_item_failures="ReportBatchItemFailures"
            in [cfn_string(item) for item in self.resolve(props.get("FunctionResponseTypes", []))],
            enabled=cfn_string(self.resolve(props.get("Enabled", True))) != "false",
        )

    def _schedule(self, event_name: str, kind: str, props: dict[str, Any]) -> Schedule:
        """A `Schedule` (Schedule, Enabled/State) or `ScheduleV2` (ScheduleExpression, State) event."""
        key = "ScheduleExpression" if kind == "ScheduleV2" else "Schedule"
        enabled = self.resolve(props.get("Enabled", True))
        state = self.resolve(props.get("State", "ENABLED"))
        return Schedule(
            event_name,
            str(self.resolve(props[key])),
            kind=kind,
            enabled=cfn_string(enabled) != "false" and cfn_string(state).upper() != "DISABLED",
        )

    @staticmethod
    def _route(event_name: str, props: dict[str, Any]) -> ApiRoute:
        auth = props.get("Auth", {}) or {}
        named = auth.get("Authorizer")
        rest_api = props.get("RestApiId")
        api = str(rest_api["Ref"]) if isinstance(rest_api, dict) and "Ref" in rest_api else IMPLICIT_API
        return ApiRoute(
            method=str(props["Method"]).upper(),
            path=str(props["Path"]),
            public=named == "NONE",
            api=api,
            authorizer=str(named) if named and named != "NONE" else None,
            event=event_name,
        )
