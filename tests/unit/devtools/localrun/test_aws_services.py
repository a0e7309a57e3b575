"""The template's topics, queues, buckets, buses and SSM parameters on the embedded moto, what `!Ref`
of each is locally, and every AWS client reaching that server through AWS_ENDPOINT_URL."""

from __future__ import annotations

import boto3
import pytest
from orgair.settings import get_settings

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.localrun.aws_services import (
    BUCKET,
    BUS,
    PARAMETER,
    QUEUE,
    TOPIC,
    aws_client,
    create_resources,
    event_buses,
    local_aws_environment,
    local_resources,
    seed_ssm_secrets,
    with_local_refs,
)
from devtools.template import Template, load_template

ALERT_TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:orgair-local-budget-alerts"
ENDPOINT = "http://127.0.0.1:4566"

OWN_TEMPLATE = {
    "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
    "Conditions": {"Never": {"Fn::Equals": ["a", "b"]}},
    "Resources": {
        "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "orgair-${Env}-jobs"}}},
        "Unnamed": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 45}},
        "Reports": {"Type": "AWS::S3::Bucket"},
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "orgair-local-bus"}},
        "Flag": {
            "Type": "AWS::SSM::Parameter",
            "Properties": {"Name": "/orgair/local/flag", "Type": "String", "Value": {"Ref": "Env"}},
        },
        "Skipped": {"Type": "AWS::SNS::Topic", "Condition": "Never"},
        "Worker": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": "functions/x/",
                "Environment": {
                    "Variables": {
                        "QUEUE_URL": {"Ref": "Jobs"},
                        "BUCKET": {"Ref": "Reports"},
                        "BUS": {"Ref": "Bus"},
                        "FLAG": {"Ref": "Flag"},
                    }
                },
            },
        },
    },
}


def test_topics_are_named_as_the_stack_would_name_them_and_refs_follow() -> None:
    template = Template(load_template())
    resources = {resource.logical_id: resource for resource in local_resources(template, ENDPOINT)}
    assert resources["AlertTopic"].type == TOPIC
    assert resources["AlertTopic"].ref == ALERT_TOPIC_ARN  # TopicName: ${AWS::StackName}-budget-alerts
    assert resources["OpsTopic"].ref == "arn:aws:sns:us-east-1:123456789012:OpsTopic"  # no TopicName
    functions = with_local_refs(template, resources.values()).functions()
    budget_check = next(spec for spec in functions if spec.logical_id == "BudgetCheckFunction")
    assert budget_check.environment["ALERT_TOPIC_ARN"] == ALERT_TOPIC_ARN
    assert budget_check.environment["ALERT_EVENT_BUS_NAME"] == "default"


def test_queues_buckets_buses_and_parameters_are_created_and_referenced(
    dynamodb_server: EmbeddedDynamoDB,
) -> None:
    endpoint = dynamodb_server.endpoint_url
    template = Template(OWN_TEMPLATE)
    resources = local_resources(template, endpoint)
    assert {resource.logical_id: resource.type for resource in resources} == {
        "Jobs": QUEUE,
        "Unnamed": QUEUE,
        "Reports": BUCKET,
        "Bus": BUS,
        "Flag": PARAMETER,
    }
    created = create_resources(template, resources, endpoint)
    assert create_resources(template, resources, endpoint) == created  # idempotent
    sqs = aws_client("sqs", endpoint)
    jobs_url = sqs.get_queue_url(QueueName="orgair-dev-jobs")["QueueUrl"]
    assert jobs_url == f"{endpoint}/123456789012/orgair-dev-jobs"
    unnamed = sqs.get_queue_url(QueueName="Unnamed")["QueueUrl"]
    assert sqs.get_queue_attributes(QueueUrl=unnamed, AttributeNames=["VisibilityTimeout"])["Attributes"] == {
        "VisibilityTimeout": "45"
    }
    aws_client("s3", endpoint).head_bucket(Bucket="reports")
    buses = aws_client("events", endpoint).list_event_buses()["EventBuses"]
    assert "orgair-local-bus" in {bus["Name"] for bus in buses}
    assert aws_client("ssm", endpoint).get_parameter(Name="/orgair/local/flag")["Parameter"]["Value"] == "dev"
    (worker,) = with_local_refs(template, resources).functions()
    assert worker.environment == {
        "QUEUE_URL": jobs_url,
        "BUCKET": "reports",
        "BUS": "orgair-local-bus",
        "FLAG": "/orgair/local/flag",
    }
    assert event_buses(resources, {"ALERT_EVENT_BUS_NAME": "alerts", "OTHER": "x"}) == [
        "alerts",
        "default",
        "orgair-local-bus",
    ]


def test_every_client_reaches_the_embedded_aws_through_the_environment(
    dynamodb_server: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = local_aws_environment(dynamodb_server.endpoint_url)
    assert environment["AWS_ENDPOINT_URL"] == dynamodb_server.endpoint_url
    assert environment["AWS_ENDPOINT_URL_DYNAMODB"] == dynamodb_server.endpoint_url
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    for service in ("sns", "events", "sqs", "s3", "ssm", "secretsmanager"):
        assert boto3.client(service).meta.endpoint_url == dynamodb_server.endpoint_url, service
    arn = boto3.client("sns").create_topic(Name="reached-through-the-environment")["TopicArn"]
    listed = aws_client("sns", dynamodb_server.endpoint_url).list_topics()["Topics"]
    assert arn in {topic["TopicArn"] for topic in listed}


def test_secrets_named_by_ssm_parameters_are_seeded_and_read_through_ssm(
    dynamodb_server: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = {
        "SECRET_KEY_SSM_PARAMETER": "/orgair/local/secret-key",
        "OPENAI_API_KEY_SSM_PARAMETER": "/orgair/local/openai-api-key",
        "OPENAI_API_KEY": "sk-local-development-0000",
        "ANTHROPIC_API_KEY_SSM_PARAMETER": "",
        "APP_ENV": "development",
    }
    seeded = seed_ssm_secrets(environment, dynamodb_server.endpoint_url)
    assert seeded == [
        "OPENAI_API_KEY <- /orgair/local/openai-api-key",
        "SECRET_KEY <- /orgair/local/secret-key",
    ]
    assert "OPENAI_API_KEY" not in environment  # the function takes the SSM path, as in AWS
    ssm = aws_client("ssm", dynamodb_server.endpoint_url)
    secret_key = ssm.get_parameter(Name="/orgair/local/secret-key", WithDecryption=True)["Parameter"]
    assert secret_key["Type"] == "SecureString"
    assert len(secret_key["Value"]) >= 32
    for key, value in {**local_aws_environment(dynamodb_server.endpoint_url), **environment}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = get_settings()
    openai = settings.secret("OPENAI_API_KEY")
    assert openai is not None
    assert openai.get_secret_value() == "sk-local-development-0000"
    assert settings.signing_key() == secret_key["Value"].encode()


def test_a_secret_given_neither_way_is_not_seeded(dynamodb_server: EmbeddedDynamoDB) -> None:
    environment = {"ANTHROPIC_API_KEY_SSM_PARAMETER": "/orgair/local/anthropic-missing"}
    assert seed_ssm_secrets(environment, dynamodb_server.endpoint_url) == []
    ssm = aws_client("ssm", dynamodb_server.endpoint_url)
    names = {item["Name"] for item in ssm.describe_parameters()["Parameters"]}
    assert "/orgair/local/anthropic-missing" not in names
