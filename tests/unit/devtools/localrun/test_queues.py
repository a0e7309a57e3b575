"""SQS event sources in the runner: the template's SQS events read, the queue polled on the embedded
moto with the event's batch size and maximum concurrency, and the messages a function reports as
failed (and only those) left in the queue."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.localrun.aws_services import create_resources, local_resources
from devtools.localrun.queues import QueuePollers, queue_bindings, sqs_event
from devtools.template import Template
from devtools.template_specs import QueueSource

RAW: dict[str, Any] = {
    "Resources": {
        "WorkQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "VisibilityTimeout": 30,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": ["WorkDeadLetters", "Arn"]},
                    "maxReceiveCount": 3,
                },
            },
        },
        "WorkDeadLetters": {"Type": "AWS::SQS::Queue"},
        "Worker": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": "functions/worker/",
                "Events": {
                    "Work": {
                        "Type": "SQS",
                        "Properties": {
                            "Queue": {"Fn::GetAtt": ["WorkQueue", "Arn"]},
                            "BatchSize": 3,
                            "FunctionResponseTypes": ["ReportBatchItemFailures"],
                            "ScalingConfig": {"MaximumConcurrency": 2},
                        },
                    }
                },
            },
        },
    }
}


@dataclass
class Outcome:
    result: Any
    error: Any = None
    timed_out: bool = False


def test_an_sqs_event_is_read_with_its_batch_size_concurrency_and_failure_reporting() -> None:
    (spec,) = Template(RAW).functions()

    assert spec.queues == (
        QueueSource(
            name="Work",
            queue="WorkQueue",
            batch_size=3,
            maximum_concurrency=2,
            report_batch_item_failures=True,
        ),
    )


def test_an_sqs_event_on_a_queue_outside_the_template_is_refused() -> None:
    raw = json.loads(json.dumps(RAW))
    raw["Resources"]["Worker"]["Properties"]["Events"]["Work"]["Properties"]["Queue"] = "arn:aws:sqs:x"

    with pytest.raises(ValueError, match="GetAtt"):
        Template(raw).functions()


def test_the_event_is_the_records_lambda_sends() -> None:
    event = sqs_event(
        [
            {
                "MessageId": "m1",
                "ReceiptHandle": "r1",
                "Body": "{}",
                "Attributes": {"ApproximateReceiveCount": "2"},
            }
        ],
        "WorkQueue",
    )

    (record,) = event["Records"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:WorkQueue"
    assert record["attributes"]["ApproximateReceiveCount"] == "2"
    assert (record["messageId"], record["receiptHandle"], record["body"]) == ("m1", "r1", "{}")


def test_pollers_deliver_batches_within_the_limits_and_keep_only_the_reported_failures(
    dynamodb_server: EmbeddedDynamoDB,
) -> None:
    template = Template(RAW)
    resources = local_resources(template, dynamodb_server.endpoint_url)
    create_resources(template, resources, dynamodb_server.endpoint_url)
    (binding,) = queue_bindings(template.functions(), resources)
    sqs = boto3.client("sqs", endpoint_url=dynamodb_server.endpoint_url, region_name="us-east-1")
    attributes = sqs.get_queue_attributes(QueueUrl=binding.queue_url, AttributeNames=["All"])["Attributes"]
    for start in range(0, 10, 5):
        sqs.send_message_batch(
            QueueUrl=binding.queue_url,
            Entries=[{"Id": str(index), "MessageBody": f"body-{index}"} for index in range(start, start + 5)],
        )
    seen: list[str] = []
    sizes: list[int] = []
    running = [0]
    most = [0]
    lock = threading.Lock()

    def invoke(function_id: str, event: dict[str, Any]) -> Outcome:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            sizes.append(len(event["Records"]))
            seen.extend(record["body"] for record in event["Records"])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        failed = [
            {"itemIdentifier": record["messageId"]}
            for record in event["Records"]
            if record["body"] == "body-7"
        ]
        return Outcome(result={"batchItemFailures": failed})

    pollers = QueuePollers([binding], invoke, dynamodb_server.endpoint_url, log=lambda line: None).start()
    deadline = time.monotonic() + 20
    while len(set(seen)) < 10 and time.monotonic() < deadline:
        time.sleep(0.1)
    pollers.stop()
    left = sqs.get_queue_attributes(
        QueueUrl=binding.queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]

    assert set(seen) == {f"body-{index}" for index in range(10)}
    assert max(sizes) <= 3
    assert most[0] <= 2
    assert int(left["ApproximateNumberOfMessages"]) + int(left["ApproximateNumberOfMessagesNotVisible"]) == 1
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:WorkDeadLetters",
        "maxReceiveCount": 3,
    }
