"""JobsTable's notes beside the jobs: the job id each Idempotency-Key names (`T#<tenant>` /
`KEY#<sha256>`, expiring by TTL on `expires_at`), the creations whose budget is reserved but whose
job is not stored yet (`CREATING#<day>` / `JOB#<id>`), and the finished jobs whose announcement
failed where nothing would retry it (`UNANNOUNCED` / `JOB#<id>`). The budget check reads the last two
kinds and settles each (`orgair.logic.jobs.release_abandoned_creations`, `announce_missed`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

from orgair.aws import error_code, store_errors
from orgair.dal.job_items import creation_key, instant, iso, request_key, unannounced_key
from orgair.dal.tables import TableStore
from orgair.dynamo.codec import from_item, to_item, to_value
from orgair.records.jobs import PendingCreation

EXPIRES_AT: Final = "expires_at"
"""JobsTable's TTL attribute (epoch seconds): only Idempotency-Key records carry it."""


class JobNotesStore(TableStore):
    """The notes part of `DynamoJobsRepository` (the same table)."""

    def job_id_for_key(
        self, tenant_id: str, key_digest: str, job_id: str, *, now: datetime, expires_at: datetime
    ) -> str:
        key = request_key(tenant_id, key_digest)
        values = {"type": "job_request", "job_id": job_id, EXPIRES_AT: int(expires_at.timestamp())}
        try:
            with store_errors("recording a job's request"):
                self._client.put_item(
                    TableName=self._table,
                    Item={**key, **to_item(values)},
                    ConditionExpression="attribute_not_exists(pk) OR #expires <= :now",
                    ExpressionAttributeNames={"#expires": EXPIRES_AT},
                    ExpressionAttributeValues={":now": to_value(int(now.timestamp()))},
                )
            return job_id
        except Exception as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise
        with store_errors("reading a job's request"):
            item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True)["Item"]
        return str(from_item(item)["job_id"])

    def begin_creation(self, creation: PendingCreation) -> None:
        with store_errors("noting a job's creation"):
            self._client.put_item(
                TableName=self._table,
                Item={
                    **creation_key(creation.day, creation.job_id),
                    **to_item(
                        {
                            "type": "job_creation",
                            "tenant_id": creation.tenant_id,
                            "job_id": creation.job_id,
                            "day": creation.day.isoformat(),
                            "started_at": iso(creation.started_at),
                        }
                    ),
                },
            )

    def end_creation(self, day: date, job_id: str) -> None:
        with store_errors("forgetting a job's creation"):
            self._client.delete_item(TableName=self._table, Key=creation_key(day, job_id))

    def pending_creations(self, day: date) -> Sequence[PendingCreation]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": creation_key(day, "")["pk"]},
            "ConsistentRead": True,
        }
        found: list[PendingCreation] = []
        while True:
            with store_errors("reading pending job creations"):
                response = self._client.query(**request)
            for item in response.get("Items", []):
                values = from_item(item)
                found.append(
                    PendingCreation(
                        tenant_id=str(values["tenant_id"]),
                        job_id=str(values["job_id"]),
                        day=date.fromisoformat(str(values["day"])),
                        started_at=instant(values["started_at"]) or datetime.min.replace(tzinfo=UTC),
                    )
                )
            last = response.get("LastEvaluatedKey")
            if not last:
                return sorted(found, key=lambda creation: creation.started_at)
            request["ExclusiveStartKey"] = last

    def note_unannounced(self, tenant_id: str, job_id: str, at: datetime) -> None:
        with store_errors("noting a job whose announcement failed"):
            self._client.put_item(
                TableName=self._table,
                Item={
                    **unannounced_key(job_id),
                    **to_item(
                        {
                            "type": "job_unannounced",
                            "tenant_id": tenant_id,
                            "job_id": job_id,
                            "noted_at": iso(at),
                        }
                    ),
                },
            )

    def unannounced(self, limit: int) -> Sequence[tuple[str, str]]:
        with store_errors("reading the jobs whose announcement failed"):
            response = self._client.query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": unannounced_key("")["pk"]},
                ConsistentRead=True,
                Limit=limit,
            )
        return [
            (str(values["tenant_id"]), str(values["job_id"]))
            for values in (from_item(item) for item in response.get("Items", []))
        ]

    def forget_unannounced(self, job_id: str) -> None:
        with store_errors("forgetting a job whose announcement failed"):
            self._client.delete_item(TableName=self._table, Key=unannounced_key(job_id))
