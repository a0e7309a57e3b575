"""The jobs queue (JOBS_QUEUE_URL): one message per company of a job, sent in batches of ten, and
what a message carries. A company the queue did not take is named by `NotQueued`, which
`orgair.logic.jobs.create_job` ends `failed` with its 503 problem."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from orgair.errors import DependencyUnavailable
from orgair.ids import is_id

SQS_BATCH: Final = 10


@dataclass(frozen=True, slots=True)
class CompanyMessage:
    tenant_id: str
    job_id: str
    index: int

    def body(self) -> str:
        return json.dumps({"tenant_id": self.tenant_id, "job_id": self.job_id, "index": self.index})

    @classmethod
    def parse(cls, body: str) -> CompanyMessage | None:
        """The message, or None for one that is not ours (it is logged and dropped, never retried)."""
        try:
            data = json.loads(body)
            message = cls(str(data["tenant_id"]), str(data["job_id"]), int(data["index"]))
        except (ValueError, KeyError, TypeError):
            return None
        if not is_id(message.job_id) or not 0 <= message.index < 10_000:
            return None
        return message


class JobQueue:
    """The jobs queue (JOBS_QUEUE_URL): one message per company, sent in batches of ten."""

    def __init__(self, queue_url: str | None, client: Any = None) -> None:
        self.queue_url = queue_url
        self._client = client

    def send(self, messages: Sequence[CompanyMessage]) -> None:
        """Queue every message, or raise NotQueued naming those the queue did not take (a batch's
        failed entries after five tries, and every message after a batch that could not be sent)."""
        if not self.queue_url:
            raise NotQueued(messages, "The jobs queue is not configured (JOBS_QUEUE_URL).")
        from orgair.aws import sqs_client, store_errors

        client = self._client or sqs_client()
        for start in range(0, len(messages), SQS_BATCH):
            batch = messages[start : start + SQS_BATCH]
            entries = [
                {"Id": str(offset), "MessageBody": message.body()} for offset, message in enumerate(batch)
            ]
            try:
                for _attempt in range(5):
                    with store_errors("queueing a job's companies"):
                        response = client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
                    failed = {entry["Id"] for entry in response.get("Failed", [])}
                    entries = [entry for entry in entries if entry["Id"] in failed]
                    if not entries:
                        break
            except Exception as error:
                unsent = [batch[int(entry["Id"])] for entry in entries]
                raise NotQueued([*unsent, *messages[start + SQS_BATCH :]]) from error
            if entries:
                unsent = [batch[int(entry["Id"])] for entry in entries]
                raise NotQueued([*unsent, *messages[start + SQS_BATCH :]])


class NotQueued(Exception):
    """The queue did not take `unqueued`: those companies are ended `failed` by `create_job` with
    `error` (a 503 problem), which is also the answer when the queue took none."""

    def __init__(
        self, unqueued: Sequence[CompanyMessage], detail: str = "The jobs queue did not take every company."
    ) -> None:
        super().__init__(detail)
        self.unqueued = list(unqueued)
        self.error = DependencyUnavailable(detail, retry_after_seconds=5)
