"""The jobs worker: SQS batches of company messages, each company assessed exactly once.

Powertools batch processing reports each failed message back to SQS (`batchItemFailures`), so only
those come back. A company that cannot be done now (a provider outage before its last delivery,
another run holding it) is pushed back with a backoff (ChangeMessageVisibility); everything else,
success or a final problem, is recorded on the job by `orgair.logic.job_worker.Worker`.
"""

from __future__ import annotations

from typing import Any, Final

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from orgair.aws import sqs_client
from orgair.dal.jobs import DynamoJobsRepository
from orgair.logic.job_announce import aws_publisher
from orgair.logic.job_queue import CompanyMessage
from orgair.logic.job_worker import RetryLater, Worker, funded_gateway
from orgair.observability import logger, tracer
from orgair.settings import get_settings

DEFAULT_LEASE_SECONDS: Final = 900

# A batch whose every company failed is still reported item by item, not raised: a provider outage
# would otherwise count as the function's errors (JobsFunctionErrorsAlarm rolls deployments back).
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def _worker(context: LambdaContext | None) -> Worker:
    settings = get_settings()
    remaining = (
        context.get_remaining_time_in_millis() // 1000 if context is not None else DEFAULT_LEASE_SECONDS
    )
    return Worker(
        settings=settings,
        repo=DynamoJobsRepository(settings.JOBS_TABLE_NAME),
        gateway_for=funded_gateway(settings),
        publish=aws_publisher(settings),
        lambda_context=context,
        lease_seconds=int(remaining) + settings.JOB_LEASE_MARGIN_SECONDS,
    )


def _record_handler(worker: Worker) -> Any:
    def handle(record: SQSRecord) -> None:
        message = CompanyMessage.parse(record.body)
        if message is None:
            logger.warning(
                "a message that is not a job's company was dropped", extra={"id": record.message_id}
            )
            return
        receive_count = int(record.attributes.approximate_receive_count or "1")
        try:
            worker.handle(message, receive_count)
        except RetryLater as later:
            logger.info(
                "company returned to the queue",
                extra={
                    "job_id": message.job_id,
                    "index": message.index,
                    "delay_seconds": later.delay_seconds,
                },
            )
            queue_url = worker.settings.JOBS_QUEUE_URL
            if queue_url:
                sqs_client().change_message_visibility(
                    QueueUrl=queue_url,
                    ReceiptHandle=record.receipt_handle,
                    VisibilityTimeout=later.delay_seconds,
                )
            raise
        except Exception:
            logger.exception(
                "a company's work failed; its message returns to the queue",
                extra={"job_id": message.job_id, "index": message.index, "receive_count": receive_count},
            )
            raise

    return handle


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(
        process_partial_response(
            event=event,
            record_handler=_record_handler(_worker(context)),
            processor=processor,
            context=context,
        )
    )
