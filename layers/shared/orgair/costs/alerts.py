"""Budget alerts as people and systems receive them: an SNS message and an EventBridge event.

Each is its own channel: `orgair.costs.check` publishes a claimed alert to every channel not yet
recorded for it and records each channel as soon as it succeeded, so a failure of one channel
(EventBridge, say) makes a later run re-send that channel only — never the other one again.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final, Protocol

from orgair.aws import events_client, sns_client
from orgair.costs.budget import FORECAST_THRESHOLD
from orgair.costs.money import format_usd
from orgair.errors import ConfigurationError, DependencyUnavailable
from orgair.records.costs import AlertRecord
from orgair.timestamps import rfc3339

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sns import SNSClient

EVENT_SOURCE: Final = "orgair.costs"
EVENT_DETAIL_TYPE: Final = "Budget Threshold Crossed"
SNS_CHANNEL: Final = "sns"
EVENTS_CHANNEL: Final = "events"


class AlertPublisher(Protocol):
    """One channel an alert goes out on; raises when the channel did not take it."""

    def publish(self, alert: AlertRecord) -> None: ...


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
        "claimed_at": rfc3339(alert.claimed_at),
        "published_at": rfc3339(alert.published_at) if alert.published_at else None,
    }


def alert_subject(alert: AlertRecord) -> str:
    if alert.threshold == FORECAST_THRESHOLD:
        what = "is forecast to exceed its budget"
    else:
        what = f"reached {alert.threshold}% of its budget"
    return f"orgair: {alert.scope} {what} on {alert.day.isoformat()}"[:100]


class SnsAlertPublisher:
    """Publishes to the alert topic named in settings."""

    def __init__(self, topic_arn: str, *, sns: SNSClient | None = None) -> None:
        self.topic_arn = topic_arn
        self._sns = sns

    def publish(self, alert: AlertRecord) -> None:
        body = json.dumps(alert_payload(alert), sort_keys=True)
        (self._sns or sns_client()).publish(
            TopicArn=self.topic_arn, Subject=alert_subject(alert), Message=body
        )


class EventBridgeAlertPublisher:
    """Puts the alert on the event bus named in settings (detail-type `Budget Threshold Crossed`)."""

    def __init__(
        self, event_bus_name: str, topic_arn: str, *, events: EventBridgeClient | None = None
    ) -> None:
        self.event_bus_name = event_bus_name
        self.topic_arn = topic_arn
        self._events = events

    def publish(self, alert: AlertRecord) -> None:
        body = json.dumps(alert_payload(alert), sort_keys=True)
        response = (self._events or events_client()).put_events(
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


def aws_alert_channels(
    topic_arn: str | None,
    event_bus_name: str,
    *,
    sns: SNSClient | None = None,
    events: EventBridgeClient | None = None,
) -> dict[str, AlertPublisher]:
    """The two channels of a budget alert, by the name each is recorded under on the alert claim."""
    if not topic_arn:
        raise ConfigurationError("ALERT_TOPIC_ARN: required to publish budget alerts")
    return {
        SNS_CHANNEL: SnsAlertPublisher(topic_arn, sns=sns),
        EVENTS_CHANNEL: EventBridgeAlertPublisher(event_bus_name, topic_arn, events=events),
    }
