"""What was published, captured through the AWS API of the embedded moto: SNS messages through a
subscribed SQS queue, EventBridge events through a rule on each bus; one readable line each and
`GET /_local/published`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.localrun.aws_services import aws_client
from devtools.localrun.events import HttpRequest
from devtools.localrun.published import PublishedLog, describe

TOPIC_NAME = "orgair-unit-published-alerts"


@pytest.fixture
def log(dynamodb_server: EmbeddedDynamoDB) -> Iterator[tuple[PublishedLog, list[str], str]]:
    endpoint = dynamodb_server.endpoint_url
    topic_arn = aws_client("sns", endpoint).create_topic(Name=TOPIC_NAME)["TopicArn"]
    lines: list[str] = []
    published = PublishedLog(endpoint, say=lines.append).attach([topic_arn], ["default"])
    published.drain()  # whatever an earlier test left in the shared server's queues
    lines.clear()
    yield published, lines, topic_arn
    published.stop()


def _get(published: PublishedLog, query: str = "", method: str = "GET") -> tuple[int, dict[str, object]]:
    response = published.handle(HttpRequest(method=method, path="/_local/published", query=query))
    return response.status, json.loads(response.body)


def test_sns_messages_and_eventbridge_events_are_captured_once_each(
    log: tuple[PublishedLog, list[str], str], dynamodb_server: EmbeddedDynamoDB
) -> None:
    published, lines, topic_arn = log
    endpoint = dynamodb_server.endpoint_url
    published.attach([topic_arn], ["default"])  # attaching again subscribes nothing twice
    aws_client("sns", endpoint).publish(
        TopicArn=topic_arn, Subject="orgair: tenant:acme reached 50%", Message=json.dumps({"threshold": "50"})
    )
    aws_client("events", endpoint).put_events(
        Entries=[
            {
                "Source": "orgair.costs",
                "DetailType": "Budget Threshold Crossed",
                "Detail": json.dumps({"scope": "tenant:acme"}),
                "EventBusName": "default",
                "Resources": [topic_arn],
            }
        ]
    )
    status, body = _get(published)
    assert status == 200
    items = body["items"]
    assert isinstance(items, list)
    assert body["count"] == 2
    sns = next(item for item in items if item["channel"] == "sns")
    event = next(item for item in items if item["channel"] == "events")
    assert sns["topic_arn"] == topic_arn
    assert sns["subject"] == "orgair: tenant:acme reached 50%"
    assert sns["message"] == {"threshold": "50"}
    assert event["bus"] == "default"
    assert event["source"] == "orgair.costs"
    assert event["detail_type"] == "Budget Threshold Crossed"
    assert event["detail"] == {"scope": "tenant:acme"}
    assert event["resources"] == [topic_arn]
    sequences = [int(item["sequence"]) for item in items]
    assert sequences == sorted(set(sequences))
    assert len(sequences) == 2
    assert any(f"published SNS {TOPIC_NAME}: orgair: tenant:acme reached 50%" in line for line in lines)
    assert any(
        "published EventBridge default orgair.costs / Budget Threshold Crossed" in line for line in lines
    )
    assert len(lines) == 2
    # Drained: asking again shows the same two, and nothing after the last sequence.
    assert _get(published)[1]["count"] == 2
    last = max(int(item["sequence"]) for item in items)
    assert _get(published, f"after={last}")[1] == {"items": [], "count": 0}


def test_the_poller_prints_a_line_without_anyone_asking(
    log: tuple[PublishedLog, list[str], str], dynamodb_server: EmbeddedDynamoDB
) -> None:
    published, lines, topic_arn = log
    published.start()
    aws_client("sns", dynamodb_server.endpoint_url).publish(TopicArn=topic_arn, Message="plain text")
    deadline = time.monotonic() + 3
    while not lines and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lines
    assert lines[0].endswith(f"published SNS {TOPIC_NAME}: (no subject)  plain text")


@pytest.mark.parametrize("query", ["after=-1", "after=abc", "after=" + "9" * 19])
def test_a_bad_cursor_is_400(log: tuple[PublishedLog, list[str], str], query: str) -> None:
    status, body = _get(log[0], query)
    assert status == 400
    assert "after" in str(body["message"])


def test_only_get_is_served(log: tuple[PublishedLog, list[str], str]) -> None:
    response = log[0].handle(HttpRequest(method="DELETE", path="/_local/published"))
    assert response.status == 405
    assert response.header("Allow") == "GET"


def test_a_long_message_is_one_shortened_line() -> None:
    line = describe(
        {"channel": "sns", "topic_arn": "arn:aws:sns:us-east-1:1:t", "subject": "s", "message": "x" * 1000}
    )
    assert "\n" not in line
    assert line.endswith("x...")
    assert len(line) < 320
