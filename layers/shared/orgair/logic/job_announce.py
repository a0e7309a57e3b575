"""How a finished job is announced on AWS: an EventBridge event and, when the job asked, its SNS
notification. Who announces, and once, is `orgair.logic.jobs.announce`."""

from __future__ import annotations

import json
from typing import Any, Final

from orgair.aws import events_client, sns_client
from orgair.dal.costs import CostsStore
from orgair.errors import DependencyUnavailable
from orgair.logic.job_views import job_view
from orgair.logic.jobs import Publish
from orgair.records.jobs import JobRecord
from orgair.settings import Settings

EVENT_SOURCE: Final = "orgair.jobs"
EVENT_DETAIL_TYPE: Final = "Assessment Job Finished"


def event_detail(job: JobRecord, store: CostsStore) -> dict[str, Any]:
    view = job_view(job, store)
    return {"tenant_id": job.tenant_id, **view.model_dump(mode="json", exclude_none=True)}


def aws_publisher(settings: Settings) -> Publish:
    """The completion on the event bus (ALERT_EVENT_BUS_NAME) and, when asked, on JOBS_TOPIC_ARN."""

    def publish(job: JobRecord) -> None:
        detail = json.dumps(event_detail(job, CostsStore(settings.COSTS_TABLE_NAME)), sort_keys=True)
        response = events_client().put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": EVENT_DETAIL_TYPE,
                    "Detail": detail,
                    "EventBusName": settings.ALERT_EVENT_BUS_NAME,
                }
            ]
        )
        if response.get("FailedEntryCount", 0):
            raise DependencyUnavailable("EventBridge refused the job's completion event.")
        if job.notify and settings.JOBS_TOPIC_ARN:
            sns_client().publish(
                TopicArn=settings.JOBS_TOPIC_ARN,
                Subject=f"orgair: assessment job {job.job_id} {job.status}"[:100],
                Message=detail,
            )

    return publish
