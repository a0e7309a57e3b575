"""The rest of the embedded AWS: the template's SNS topics, SQS queues, S3 buckets, EventBridge buses
and SSM parameters, created on the same moto server as the tables, and what `!Ref` of each is there.

Every AWS client a function builds reaches that server through `AWS_ENDPOINT_URL` (botocore's
service-independent endpoint setting), so nothing the runner serves ever calls real AWS, whatever
client a handler creates: DynamoDB, SNS, EventBridge, SQS, S3, SSM, Secrets Manager.

Names follow what CloudFormation would create in the local stack (`TopicName`, `QueueName`,
`BucketName`, `Name`), or the logical id when the template names none; the ARNs and URLs are those
moto gives (account 123456789012, us-east-1), so a function's `ALERT_TOPIC_ARN: !Ref AlertTopic`
names a topic that exists. Creating is idempotent: `make invoke` next to a running `make run`
finds the same resources.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, replace
from typing import Any, Final

import boto3

from devtools.embedded_dynamodb import dynamodb_environment
from devtools.template import LOCAL_ACCOUNT, LOCAL_REGION, Template, cfn_string

SERVED: Final = ("DynamoDB", "SNS", "EventBridge", "SQS", "S3", "SSM", "Secrets Manager")
TOPIC: Final = "AWS::SNS::Topic"
QUEUE: Final = "AWS::SQS::Queue"
BUCKET: Final = "AWS::S3::Bucket"
BUS: Final = "AWS::Events::EventBus"
PARAMETER: Final = "AWS::SSM::Parameter"
DEFAULT_BUS: Final = "default"
SSM_SUFFIX: Final = "_SSM_PARAMETER"
LOCAL_SECRET_KEY_BYTES: Final = 32


def local_aws_environment(endpoint_url: str) -> dict[str, str]:
    """The DynamoDB environment plus `AWS_ENDPOINT_URL`: every other AWS client to the same server."""
    return {**dynamodb_environment(endpoint_url), "AWS_ENDPOINT_URL": endpoint_url}


def aws_client(service: str, endpoint_url: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint_url,
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto accepts any credentials
    )


@dataclass(frozen=True)
class LocalResource:
    logical_id: str
    type: str
    name: str
    ref: str
    """What `!Ref` of the resource is: a topic's ARN, a queue's URL, a bucket's, bus's or parameter's name."""
    properties: Mapping[str, Any]


def _name(template: Template, props: Mapping[str, Any], key: str, fallback: str) -> str:
    value = props.get(key)
    return cfn_string(template.resolve(value)) if value is not None else fallback


def local_resources(template: Template, endpoint_url: str) -> list[LocalResource]:
    """The template's topics, queues, buckets, buses and parameters as the embedded AWS holds them."""
    found: list[LocalResource] = []
    for logical_id, resource in template.resources.items():
        kind = str(resource.get("Type", ""))
        if "Condition" in resource and not template.condition(str(resource["Condition"])):
            continue
        props: Mapping[str, Any] = resource.get("Properties", {}) or {}
        if kind == TOPIC:
            name = _name(template, props, "TopicName", logical_id)
            ref = f"arn:aws:sns:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{name}"
        elif kind == QUEUE:
            name = _name(template, props, "QueueName", logical_id)
            ref = f"{endpoint_url}/{LOCAL_ACCOUNT}/{name}"
        elif kind == BUCKET:
            name = _name(template, props, "BucketName", re.sub(r"[^a-z0-9.-]", "-", logical_id.lower()))
            ref = name
        elif kind in (BUS, PARAMETER):
            name = _name(template, props, "Name", logical_id)
            ref = name
        else:
            continue
        found.append(LocalResource(logical_id, kind, name, ref, props))
    return found


def with_local_refs(template: Template, resources: Iterable[LocalResource]) -> Template:
    """The template whose `!Ref` of each local resource is what the embedded AWS gave it."""
    return replace(template, resource_refs={resource.logical_id: resource.ref for resource in resources})


def create_resources(template: Template, resources: Iterable[LocalResource], endpoint_url: str) -> list[str]:
    """Create each resource on the embedded AWS (idempotent); one `Type name` line per resource."""
    created: list[str] = []
    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = aws_client(service, endpoint_url)
        return clients[service]

    names = {resource.logical_id: resource.name for resource in resources if resource.type == QUEUE}
    ordered = sorted(resources, key=lambda resource: "RedrivePolicy" in resource.properties)
    for resource in ordered:  # dead-letter queues before the queues that redrive to them
        props = resource.properties
        if resource.type == TOPIC:
            arn = client("sns").create_topic(Name=resource.name)["TopicArn"]
            if arn != resource.ref:
                raise RuntimeError(
                    f"{resource.logical_id}: the embedded SNS named it {arn}, not {resource.ref}"
                )
        elif resource.type == QUEUE:
            attributes = {
                key: cfn_string(template.resolve(props[key]))
                for key in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "FifoQueue")
                if key in props
            }
            redrive = props.get("RedrivePolicy")
            if isinstance(redrive, Mapping):
                attributes["RedrivePolicy"] = json.dumps(_local_redrive(redrive, names))
            client("sqs").create_queue(QueueName=resource.name, Attributes=attributes)
        elif resource.type == BUCKET:
            client("s3").create_bucket(Bucket=resource.name)
        elif resource.type == BUS:
            if resource.name != DEFAULT_BUS and not _bus_exists(client("events"), resource.name):
                client("events").create_event_bus(Name=resource.name)
        elif resource.type == PARAMETER:
            client("ssm").put_parameter(
                Name=resource.name,
                Value=cfn_string(template.resolve(props.get("Value", ""))),
                Type=str(props.get("Type", "String")),
                Overwrite=True,
            )
        created.append(f"{resource.logical_id} ({resource.type.split('::', 1)[1]}) {resource.ref}")
    return created


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{name}"


def _local_redrive(redrive: Mapping[str, Any], queue_names: Mapping[str, str]) -> dict[str, Any]:
    """The template's RedrivePolicy with its `!GetAtt <queue>.Arn` as the local queue's ARN."""
    target = redrive.get("deadLetterTargetArn")
    if isinstance(target, Mapping) and "Fn::GetAtt" in target:
        reference = target["Fn::GetAtt"]
        logical_id = str(reference[0] if isinstance(reference, list) else str(reference).split(".")[0])
        target = queue_arn(queue_names[logical_id])
    return {
        "deadLetterTargetArn": str(target),
        "maxReceiveCount": int(cfn_string(redrive["maxReceiveCount"])),
    }


def _bus_exists(events: Any, name: str) -> bool:
    return any(bus["Name"] == name for bus in events.list_event_buses(NamePrefix=name)["EventBuses"])


def event_buses(resources: Iterable[LocalResource], environment: Mapping[str, str]) -> list[str]:
    """Every bus alerts or events may go to: `default`, the template's and any `*_EVENT_BUS_NAME`."""
    names = {DEFAULT_BUS}
    names.update(resource.name for resource in resources if resource.type == BUS)
    names.update(value for key, value in environment.items() if key.endswith("_EVENT_BUS_NAME") and value)
    return sorted(names)


def seed_ssm_secrets(environment: MutableMapping[str, str], endpoint_url: str) -> list[str]:
    """Put each secret a function reads from SSM (`<FIELD>_SSM_PARAMETER` set) into the embedded SSM.

    The value is the one given directly in the environment (`OPENAI_API_KEY=sk-... make run`), which
    is then dropped so the function takes the SSM path as in AWS; SECRET_KEY without a value gets a
    random development key. A secret given neither way stays unseeded and the function reports it
    as it would in AWS. Returns `FIELD <- name` per seeded parameter (never a value).
    """
    ssm = None
    seeded: list[str] = []
    for key in sorted(environment):
        if not key.endswith(SSM_SUFFIX) or not environment[key]:
            continue
        field = key[: -len(SSM_SUFFIX)]
        value = environment.pop(field, "") or (
            secrets.token_urlsafe(LOCAL_SECRET_KEY_BYTES) if field == "SECRET_KEY" else ""
        )
        if not value:
            continue
        ssm = ssm or aws_client("ssm", endpoint_url)
        ssm.put_parameter(Name=environment[key], Value=value, Type="SecureString", Overwrite=True)
        seeded.append(f"{field} <- {environment[key]}")
    return seeded
