"""Budget alerts as people and systems receive them: an SNS message and an EventBridge event.

Both go out for every claimed alert; a failure of either raises, so the claim stays unconfirmed and
a later run re-sends it (see `orgair.costs.check`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from orgair.costs.budget import FORECAST_THRESHOLD, iso_utc
from orgair.costs.money import format_usd
from orgair.costs.records import AlertRecord
from orgair.errors import ConfigurationError, DependencyUnavailable

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sns import SNSClient

EVENT_SOURCE: Final = "orgair.costs"
EVENT_DETAIL_TYPE: Final = "Budget Threshold Crossed"


def alert_payload(alert: AlertRecord) -> dict[str, Any]:
    """The alert as JSON: money as 6-place strings, the threshold id, and when it was claimed."""
    return {
        "scope": alert.scope,
        "date": alert.day.isoformat(),
        "threshold": alert.threshold,
        "kind": "forecast" if alert.threshold == FORECAST_THRESHOLD else "utilisation",
        "utilisation": alert.utilisation,
        "committed": format_usd(alert.committed_micros),
        "limit": format_usd(alert.limit_micros),
        "forecast": format_usd(alert.forecast_micros) if alert.forecast_micros is not None else None,
        "claimed_at": iso_utc(alert.claimed_at),
        "published_at": iso_utc(alert.published_at) if alert.published_at else None,
    }


def alert_subject(alert: AlertRecord) -> str:
    if alert.threshold == FORECAST_THRESHOLD:
        what = "is forecast to exceed its budget"
    else:
        what = f"reached {alert.threshold}% of its budget"
    return f"orgair: {alert.scope} {what} on {alert.day.isoformat()}"[:100]


@lru_cache(maxsize=1)
def sns_client() -> SNSClient:
    import boto3
    from botocore.config import Config

    from orgair.observability import trace_libraries

    trace_libraries("botocore")

    return boto3.client("sns", config=Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard"}))


@lru_cache(maxsize=1)
def events_client() -> EventBridgeClient:
    import boto3
    from botocore.config import Config

    from orgair.observability import trace_libraries

    trace_libraries("botocore")

    return boto3.client(
        "events", config=Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard"})
    )


class AwsAlertPublisher:
    """Publishes to the alert topic and the event bus named in settings."""

    def __init__(
        self,
        topic_arn: str | None,
        event_bus_name: str,
        *,
        sns: SNSClient | None = None,
        events: EventBridgeClient | None = None,
    ) -> None:
        if not topic_arn:
            raise ConfigurationError("ALERT_TOPIC_ARN: required to publish budget alerts")
        self.topic_arn = topic_arn
        self.event_bus_name = event_bus_name
        self._sns = sns
        self._events = events

    def publish(self, alert: AlertRecord) -> None:
        body = json.dumps(alert_payload(alert), sort_keys=True)
        sns = self._sns or sns_client()
        events = self._events or events_client()
        sns.publish(TopicArn=self.topic_arn, Subject=alert_subject(alert), Message=body)
        response = events.put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": EVENT_DETAIL_TYPE,
                    "Detail": body,
                    "EventBusName": self.event_bus_name,
                    "Resources": [self.topic_arn],
                }
            ]
        )
        if response.get("FailedEntryCount", 0):
            raise DependencyUnavailable("EventBridge refused the budget alert event.")
