"""SQS event sources in the runner: each function's queue polled as Lambda's event source mapping
does, with the template's BatchSize and ScalingConfig.MaximumConcurrency.

Each of up to MaximumConcurrency pollers receives up to BatchSize messages (a short poll, then a
pause when the queue is empty), invokes the function with the `Records` event Lambda would send and, when the function
answers, deletes every message but those it reported in `batchItemFailures` (with
ReportBatchItemFailures; otherwise all of them). A failed or timed-out invocation deletes nothing:
the messages come back after their visibility timeout, and the queue's RedrivePolicy moves them to
the dead-letter queue after `maxReceiveCount` receives, on the embedded SQS as in AWS.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from devtools.localrun.aws_services import QUEUE, LocalResource, aws_client, queue_arn
from devtools.template import LOCAL_REGION
from devtools.template_specs import FunctionSpec, QueueSource

DEFAULT_MAXIMUM_CONCURRENCY: Final = 5
"""Lambda's pollers when ScalingConfig sets no MaximumConcurrency (it starts at five)."""
SQS_MAX_RECEIVE: Final = 10
POLL_WAIT_SECONDS: Final = 0.2
"""Pause after an empty receive. The runner polls without long polling: moto's server serves a
waiting ReceiveMessage by holding a lock every other request (the functions' DynamoDB calls) waits on."""


@dataclass(frozen=True)
class QueueBinding:
    function_id: str
    source: QueueSource
    queue_name: str
    queue_url: str

    @property
    def pollers(self) -> int:
        return self.source.maximum_concurrency or DEFAULT_MAXIMUM_CONCURRENCY

    def line(self) -> str:
        failures = ", ReportBatchItemFailures" if self.source.report_batch_item_failures else ""
        return (
            f"Queue: {self.function_id}.{self.source.name} <- {self.queue_name} "
            f"(batch {self.source.batch_size}, maximum concurrency {self.pollers}{failures})"
        )


def queue_bindings(specs: Iterable[FunctionSpec], resources: Iterable[LocalResource]) -> list[QueueBinding]:
    queues = {resource.logical_id: resource for resource in resources if resource.type == QUEUE}
    bindings = []
    for spec in specs:
        for source in spec.queues:
            if not source.enabled:
                continue
            queue = queues.get(source.queue)
            if queue is None:
                raise ValueError(
                    f"{spec.logical_id}.{source.name}: no queue {source.queue!r} in the template"
                )
            bindings.append(QueueBinding(spec.logical_id, source, queue.name, queue.ref))
    return bindings


def sqs_event(messages: Iterable[Mapping[str, Any]], queue_name: str) -> dict[str, Any]:
    """The event an SQS event source mapping sends for a batch of received messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": dict(message.get("Attributes", {})),
                "messageAttributes": dict(message.get("MessageAttributes", {})),
                "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),  # noqa: S324 - SQS's own checksum
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn(queue_name),
                "awsRegion": LOCAL_REGION,
            }
            for message in messages
        ]
    }


Invoke = Callable[[str, dict[str, Any]], Any]
"""Runs the function with an event; returns the registry's InvocationOutcome."""


class QueuePollers:
    """Every binding's pollers on daemon threads until `stop()`."""

    def __init__(
        self, bindings: Iterable[QueueBinding], invoke: Invoke, endpoint_url: str, log: Callable[[str], None]
    ) -> None:
        self.bindings = list(bindings)
        self._invoke = invoke
        self._endpoint_url = endpoint_url
        self._log = log
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> QueuePollers:
        for binding in self.bindings:
            for number in range(binding.pollers):
                thread = threading.Thread(
                    target=self._poll,
                    args=(binding,),
                    name=f"local-sqs-{binding.function_id}-{number}",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=POLL_WAIT_SECONDS + 5)

    def _poll(self, binding: QueueBinding) -> None:
        sqs = aws_client("sqs", self._endpoint_url)
        while not self._stop.is_set():
            try:
                received = sqs.receive_message(
                    QueueUrl=binding.queue_url,
                    MaxNumberOfMessages=min(binding.source.batch_size, SQS_MAX_RECEIVE),
                    WaitTimeSeconds=0,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                )
            except Exception as error:
                if self._stop.is_set():
                    return
                self._log(f"{binding.queue_name}: receiving failed ({type(error).__name__}); retrying")
                time.sleep(POLL_WAIT_SECONDS)
                continue
            messages = received.get("Messages", [])
            if messages:
                self._deliver(sqs, binding, messages)
            else:
                self._stop.wait(POLL_WAIT_SECONDS)

    def _deliver(self, sqs: Any, binding: QueueBinding, messages: list[dict[str, Any]]) -> None:
        outcome = self._invoke(binding.function_id, sqs_event(messages, binding.queue_name))
        where = f"{binding.function_id} <- {binding.queue_name} ({len(messages)} message(s))"
        if outcome.timed_out or outcome.error is not None:
            reason = (
                "timed out" if outcome.timed_out else f"{outcome.error.error_type}: {outcome.error.message}"
            )
            self._log(f"{where}: {reason}; the batch returns after its visibility timeout")
            return
        failed: set[str] = set()
        if binding.source.report_batch_item_failures and isinstance(outcome.result, Mapping):
            failed = {
                str(item.get("itemIdentifier"))
                for item in outcome.result.get("batchItemFailures", []) or []
                if isinstance(item, Mapping)
            }
        done = [message for message in messages if message["MessageId"] not in failed]
        for start in range(0, len(done), SQS_MAX_RECEIVE):
            chunk = done[start : start + SQS_MAX_RECEIVE]
            sqs.delete_message_batch(
                QueueUrl=binding.queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(chunk)
                ],
            )
        if failed:
            self._log(f"{where}: {len(failed)} reported as failed, returned to the queue")
