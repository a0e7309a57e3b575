"""Alert claims: one claim per (scope, day, threshold), taken over only from a stale claimant, and
each channel's publication recorded on the claim."""

from __future__ import annotations

from datetime import date, datetime

from orgair.dal.costs.items import Item, alert_from, alert_item
from orgair.dal.costs.keys import alert_key, alerts_pk, iso
from orgair.dal.costs.table import CostsTable
from orgair.dynamo.codec import number, string, string_set
from orgair.dynamo.writes import conditional_write
from orgair.records.costs import AlertRecord


class AlertClaims(CostsTable):
    def claim_alert(self, record: AlertRecord) -> bool:
        """Claim (scope, day, threshold) with a conditional put; True only for the one winner."""
        response = conditional_write(
            "claiming an alert",
            lambda: self._client.put_item(
                TableName=self._table,
                Item=alert_item(record),
                ConditionExpression="attribute_not_exists(pk)",
            ),
        )
        return response is not None

    def take_over_alert(self, record: AlertRecord, stale_token: str) -> bool:
        """Re-claim an alert whose claimant never confirmed publishing (it crashed or a channel
        failed); one winner again. The channels already recorded as published are kept, so a later
        run sends only the channels still missing."""
        values: Item = {
            ":claimed": string("claimed"),
            ":stale": string(stale_token),
            ":token": string(record.claim_token),
            ":at": string(iso(record.claimed_at)),
            ":committed": number(record.committed_micros),
            ":limit": number(record.limit_micros),
        }
        sets = [
            "claim_token = :token",
            "claimed_at = :at",
            "committed_micros = :committed",
            "limit_micros = :limit",
        ]
        if record.utilisation is not None:
            values[":utilisation"] = string(record.utilisation)
            sets.append("utilisation = :utilisation")
        if record.forecast_micros is not None:
            values[":forecast"] = number(record.forecast_micros)
            sets.append("forecast_micros = :forecast")
        return self._update_claim(
            "re-claiming an alert",
            record,
            "SET " + ", ".join(sets),
            "#state = :claimed AND claim_token = :stale",
            {"#state": "state"},
            values,
        )

    def mark_alert_channel(self, record: AlertRecord, channel: str, at: datetime) -> bool:
        """Record that one channel published the alert (added to `channels`, with its instant);
        False when another run took the claim over in the meantime."""
        return self._update_claim(
            "recording an alert's channel",
            record,
            "ADD channels :channel SET #at = :at",
            "claim_token = :token",
            {"#at": f"{channel}_published_at"},
            {":channel": string_set([channel]), ":at": string(iso(at)), ":token": string(record.claim_token)},
        )

    def mark_alert_published(self, record: AlertRecord, at: datetime) -> bool:
        """Confirm publication on every channel; False when another run took the claim over in the meantime."""
        return self._update_claim(
            "confirming an alert",
            record,
            "SET #state = :published, published_at = :at",
            "claim_token = :token",
            {"#state": "state"},
            {":published": string("published"), ":at": string(iso(at)), ":token": string(record.claim_token)},
        )

    def _update_claim(
        self,
        what: str,
        record: AlertRecord,
        expression: str,
        condition: str,
        names: dict[str, str],
        values: Item,
    ) -> bool:
        response = conditional_write(
            what,
            lambda: self._client.update_item(
                TableName=self._table,
                Key=alert_key(record.scope, record.day, record.threshold),
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            ),
        )
        return response is not None

    def alerts(self, day: date, scope: str | None = None) -> list[AlertRecord]:
        prefix = f"{scope}#" if scope is not None else None
        return [alert_from(item) for item in self._query({"pk": alerts_pk(day)}, sk_prefix=prefix)]
