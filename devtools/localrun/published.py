"""What the functions published, seen the way a subscriber in AWS would see it.

Through the AWS API only: an SQS queue on the embedded AWS is subscribed to every SNS topic, and a
rule on every event bus matching all events targets another queue. A poller drains both queues a
few times a second, prints one readable line per message on the runner's stdout, and keeps the
latest messages for `GET /_local/published`.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import parse_qsl

from devtools.localrun.aws_services import aws_client
from devtools.localrun.events import HttpRequest
from devtools.localrun.gateway import HttpResponse

PUBLISHED_PATH: Final = "/_local/published"
SNS_QUEUE: Final = "orgair-local-published-sns"
EVENTS_QUEUE: Final = "orgair-local-published-events"
RULE_NAME: Final = "orgair-local-published-all"
MATCH_EVERY_EVENT: Final = json.dumps({"source": [{"prefix": ""}]})
KEPT: Final = 1000
POLL_SECONDS: Final = 0.2
LINE_PREVIEW: Final = 240

Say = Callable[[str], None]


def _stdout(line: str) -> None:
    print(line, file=sys.stdout, flush=True)


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def sns_message(body: str) -> dict[str, Any]:
    """An SNS notification as an SQS subscriber receives it (the JSON envelope)."""
    envelope = json.loads(body)
    return {
        "channel": "sns",
        "topic_arn": envelope.get("TopicArn"),
        "subject": envelope.get("Subject"),
        "message_id": envelope.get("MessageId"),
        "published_at": envelope.get("Timestamp"),
        "message": _json_or_text(str(envelope.get("Message", ""))),
    }


def eventbridge_event(body: str) -> dict[str, Any]:
    """An EventBridge event as an SQS target receives it."""
    event = json.loads(body)
    return {
        "channel": "events",
        "source": event.get("source"),
        "detail_type": event.get("detail-type"),
        "event_id": event.get("id"),
        "published_at": event.get("time"),
        "resources": event.get("resources", []),
        "detail": event.get("detail"),
    }


def describe(item: dict[str, Any]) -> str:
    """One readable line: where it went, its subject or detail-type, and the start of its body."""
    if item["channel"] == "sns":
        topic = str(item.get("topic_arn") or "").rsplit(":", 1)[-1]
        head = f"SNS {topic}: {item.get('subject') or '(no subject)'}"
        body = item.get("message")
    else:
        head = f"EventBridge {item.get('bus', '?')} {item.get('source')} / {item.get('detail_type')}"
        body = item.get("detail")
    text = body if isinstance(body, str) else json.dumps(body, sort_keys=True)
    if len(text) > LINE_PREVIEW:
        text = text[: LINE_PREVIEW - 3] + "..."
    return f"{datetime.now(UTC):%H:%M:%S} published {head}  {text}"


class PublishedLog:
    """Subscribes the capture queues, drains them, and answers `GET /_local/published`."""

    def __init__(self, endpoint_url: str, *, say: Say = _stdout) -> None:
        self._sqs = aws_client("sqs", endpoint_url)
        self._sns = aws_client("sns", endpoint_url)
        self._events = aws_client("events", endpoint_url)
        self._say = say
        self._items: deque[dict[str, Any]] = deque(maxlen=KEPT)
        self._sequence = 0
        self._lock = threading.Lock()
        self._drain_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="local-published", daemon=True)
        self._queues: dict[str, str] = {}
        """Queue URL to the bus it captures ("" for the SNS queue)."""

    def _queue(self, name: str) -> tuple[str, str]:
        url = self._sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        return str(url), str(arn)

    def attach(self, topic_arns: Iterable[str], buses: Iterable[str]) -> PublishedLog:
        """Subscribe a queue to each topic and, per bus, a rule matching every event to a queue."""
        url, arn = self._queue(SNS_QUEUE)
        self._queues[url] = ""
        subscribed = {
            subscription["TopicArn"]
            for subscription in self._sns.list_subscriptions()["Subscriptions"]
            if subscription.get("Endpoint") == arn
        }
        for topic_arn in topic_arns:
            if topic_arn not in subscribed:
                self._sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
        for bus in buses:
            url, arn = self._queue(f"{EVENTS_QUEUE}-{bus}"[:80])
            self._queues[url] = bus
            self._events.put_rule(Name=RULE_NAME, EventBusName=bus, EventPattern=MATCH_EVERY_EVENT)
            self._events.put_targets(
                Rule=RULE_NAME, EventBusName=bus, Targets=[{"Id": "local-published", "Arn": arn}]
            )
        return self

    def start(self) -> PublishedLog:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _poll(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                self.drain()
            except Exception as error:  # the embedded AWS stopping under us at shutdown
                if not self._stop.is_set():
                    self._say(f"published: could not read the capture queues ({type(error).__name__})")

    def drain(self) -> list[dict[str, Any]]:
        """Move every waiting message into the log (printing a line each); the new items."""
        new: list[dict[str, Any]] = []
        with self._drain_lock:
            for url, bus in self._queues.items():
                while True:
                    messages = self._sqs.receive_message(
                        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0
                    ).get("Messages", [])
                    if not messages:
                        break
                    for message in messages:
                        new.append(self._record(message["Body"], bus))
                    self._sqs.delete_message_batch(
                        QueueUrl=url,
                        Entries=[
                            {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                            for index, message in enumerate(messages)
                        ],
                    )
        return new

    def _record(self, body: str, bus: str) -> dict[str, Any]:
        try:
            item = eventbridge_event(body) if bus else sns_message(body)
        except (TypeError, ValueError):
            item = {"channel": "events" if bus else "sns", "raw": body}
        if bus:
            item["bus"] = bus
        with self._lock:
            self._sequence += 1
            item = {"sequence": self._sequence, **item, "received_at": _now()}
            self._items.append(item)
        self._say(describe(item))
        return item

    def items(self, after: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [item for item in self._items if item["sequence"] > after]

    def handle(self, request: HttpRequest) -> HttpResponse:
        """`GET /_local/published[?after=<sequence>]`: what was published, oldest first."""
        if request.method not in ("GET", "HEAD"):
            return _json(405, {"message": "Use GET."}, Allow="GET")
        raw = dict(parse_qsl(request.query)).get("after", "0")
        if not raw.isdigit() or len(raw) > 18:
            return _json(400, {"message": "after must be a non-negative integer (a sequence number)"})
        self.drain()
        items = self.items(int(raw))
        return _json(200, {"items": items, "count": len(items)})


def _now() -> str:
    moment = time.time()
    return (
        datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(moment % 1 * 1000):03d}Z"
    )


def _json(status: int, body: Any, **headers: str) -> HttpResponse:
    pairs = [("Content-Type", "application/json"), *headers.items()]
    return HttpResponse(status, pairs, json.dumps(body).encode())
