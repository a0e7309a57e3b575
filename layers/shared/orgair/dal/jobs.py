"""JobsTable: background assessment jobs and their company tasks, behind the `JobsRepository` protocol.

Item layout (generic pk/sk):

| item | pk | sk |
|---|---|---|
| job | `T#<tenant>` | `JOB#<job id>` (ids sort by time: a tenant's jobs newest first is one query) |
| company task | `J#<job id>` | `C#<index, 5 digits>` |
| Idempotency-Key record, creation note, unannounced note | see `orgair.dal.job_notes` | |

Every state change is conditional: a task is claimed only when pending (or when the run holding it
passed its lease), finished only by the run that claimed it, and a task's end and the job's count
of that end are one transaction, so the counts always add up and a redelivered message changes
nothing. `DynamoJobsRepository` implements `orgair.dal.job_repository.JobsRepository`; tests run the same
contract against an in-memory one (tests/support/fakes/jobs.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from orgair.aws import error_code, store_errors
from orgair.dal.job_items import (
    TASK_OUTCOME_ATTRIBUTES,
    expression_values,
    iso,
    job_from,
    job_key,
    job_values,
    task_from,
    task_key,
    task_values,
)
from orgair.dal.job_notes import JobNotesStore
from orgair.dynamo.codec import from_item, to_item, to_value
from orgair.dynamo.transact import Committed, transact
from orgair.errors import DependencyUnavailable
from orgair.records.jobs import (
    CompanyTask,
    JobRecord,
    JobStatus,
    TerminalTaskStatus,
)

if TYPE_CHECKING:
    pass

MAX_TRANSACTION_ITEMS: Final = 100
MAX_BATCH_WRITE: Final = 25


class DynamoJobsRepository(JobNotesStore):
    """JobsRepository over the low-level DynamoDB client; every call fails closed (503)."""

    def _update(self, key: Mapping[str, Any], expression: str, condition: str, **kwargs: Any) -> bool:
        try:
            with store_errors("updating a job"):
                self._client.update_item(
                    TableName=self._table,
                    Key=dict(key),
                    UpdateExpression=expression,
                    ConditionExpression=condition,
                    **kwargs,
                )
        except Exception as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _transact(self, items: list[Any], what: str) -> bool:
        """One transaction (transient cancellations retried); False when a condition failed."""
        return isinstance(transact(self._client, items, what), Committed)

    def create(self, job: JobRecord, tasks: Sequence[CompanyTask]) -> bool:
        """The job item first (conditional: one job per id), then the tasks in batches of 25.

        The job is what makes the tasks reachable; a retry after a crash between the two rewrites
        the same tasks (same keys, same content) before any message is sent.
        """
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": {**job_key(job.tenant_id, job.job_id), **to_item(job_values(job))},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        try:
            with store_errors("creating a job"):
                self._client.put_item(**put)
            created = True
        except Exception as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise
            created = False
        existing = self.task(job.job_id, len(tasks) - 1) if tasks and not created else None
        if existing is None:
            self._write_tasks(tasks)
        return created

    def _write_tasks(self, tasks: Sequence[CompanyTask]) -> None:
        for start in range(0, len(tasks), MAX_BATCH_WRITE):
            pending: list[Any] = [
                {"PutRequest": {"Item": {**task_key(task.job_id, task.index), **to_item(task_values(task))}}}
                for task in tasks[start : start + MAX_BATCH_WRITE]
            ]
            for _attempt in range(8):
                if not pending:
                    break
                with store_errors("storing a job's companies"):
                    response = self._client.batch_write_item(RequestItems={self._table: pending})
                pending = list(response.get("UnprocessedItems", {}).get(self._table, []))
            if pending:
                raise DependencyUnavailable("The data store kept a job's companies unprocessed.")

    def get(self, tenant_id: str, job_id: str) -> JobRecord | None:
        with store_errors("reading a job"):
            response = self._client.get_item(
                TableName=self._table, Key=job_key(tenant_id, job_id), ConsistentRead=True
            )
        item = response.get("Item")
        return job_from(from_item(item)) if item else None

    def list(self, tenant_id: str, limit: int, after: str | None) -> tuple[list[JobRecord], str | None]:
        key = job_key(tenant_id, "")
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :jobs)",
            "ExpressionAttributeValues": {":pk": key["pk"], ":jobs": to_value("JOB#")},
            "ScanIndexForward": False,
            "Limit": limit,
            "ConsistentRead": True,
        }
        if after is not None:
            request["ExclusiveStartKey"] = job_key(tenant_id, after)
        with store_errors("listing jobs"):
            response = self._client.query(**request)
        jobs = [job_from(from_item(item)) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return jobs, (jobs[-1].job_id if last and jobs else None)

    def tasks(self, job_id: str) -> Iterator[CompanyTask]:
        """Without their evidence (up to 20,000 characters each): a job's outcome never needs it."""
        names = {f"#{name}": name for name in TASK_OUTCOME_ATTRIBUTES}
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": to_value(f"J#{job_id}")},
            "ProjectionExpression": ", ".join(names),
            "ExpressionAttributeNames": names,
            "ConsistentRead": True,
        }
        while True:
            with store_errors("reading a job's companies"):
                response = self._client.query(**request)
            for item in response.get("Items", []):
                yield task_from(from_item(item))
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            request["ExclusiveStartKey"] = last

    def task(self, job_id: str, index: int) -> CompanyTask | None:
        with store_errors("reading a job's company"):
            response = self._client.get_item(
                TableName=self._table, Key=task_key(job_id, index), ConsistentRead=True
            )
        item = response.get("Item")
        return task_from(from_item(item)) if item else None

    def start(self, tenant_id: str, job_id: str, now: datetime) -> bool:
        return self._update(
            job_key(tenant_id, job_id),
            "SET #status = :running, started_at = :now",
            "#status = :queued",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=expression_values(
                {":running": "running", ":queued": "queued", ":now": iso(now)}
            ),
        )

    def claim(self, job_id: str, index: int, now: datetime, lease_until: datetime) -> CompanyTask | None:
        try:
            with store_errors("claiming a job's company"):
                response = self._client.update_item(
                    TableName=self._table,
                    Key=task_key(job_id, index),
                    UpdateExpression="SET #status = :running, lease_until = :lease ADD #run :one",
                    ConditionExpression=(
                        "attribute_exists(pk) AND (#status = :pending OR (#status = :running AND lease_until < :now))"
                    ),
                    ExpressionAttributeNames={"#status": "status", "#run": "run"},
                    ExpressionAttributeValues=expression_values(
                        {
                            ":running": "running",
                            ":pending": "pending",
                            ":lease": iso(lease_until),
                            ":now": iso(now),
                            ":one": 1,
                        }
                    ),
                    ReturnValues="ALL_NEW",
                )
        except Exception as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return None
            raise
        return task_from(from_item(response["Attributes"]))

    def set_pending_score(self, job_id: str, index: int, run: int, score_id: str) -> bool:
        return self._update(
            task_key(job_id, index),
            "SET pending_score_id = :score",
            "#status = :running AND #run = :run",
            ExpressionAttributeNames={"#status": "status", "#run": "run"},
            ExpressionAttributeValues=expression_values(
                {":score": score_id, ":running": "running", ":run": run}
            ),
        )

    def release(self, job_id: str, index: int, run: int) -> bool:
        return self._update(
            task_key(job_id, index),
            "SET #status = :pending REMOVE lease_until",
            "#status = :running AND #run = :run",
            ExpressionAttributeNames={"#status": "status", "#run": "run"},
            ExpressionAttributeValues=expression_values(
                {":pending": "pending", ":running": "running", ":run": run}
            ),
        )

    def finish(
        self,
        job: JobRecord,
        index: int,
        run: int | None,
        status: TerminalTaskStatus,
        now: datetime,
        *,
        score_id: str | None = None,
        problem: Mapping[str, Any] | None = None,
    ) -> bool:
        names = {"#status": "status"}
        values: dict[str, Any] = {":end": status, ":now": iso(now)}
        sets = ["#status = :end", "finished_at = :now"]
        if score_id is not None:
            values[":score"] = score_id
            sets.append("score_id = :score")
        if problem is not None:
            values[":problem"] = dict(problem)
            sets.append("problem = :problem")
        if run is None:
            condition = "#status = :pending"
            values[":pending"] = "pending"
        else:
            condition = "#status = :running AND #run = :run"
            names["#run"] = "run"
            values[":running"] = "running"
            values[":run"] = run
        task_update = {
            "Update": {
                "TableName": self._table,
                "Key": task_key(job.job_id, index),
                "UpdateExpression": f"SET {', '.join(sets)} REMOVE lease_until",
                "ConditionExpression": condition,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": expression_values(values),
            }
        }
        count = {
            "Update": {
                "TableName": self._table,
                "Key": job_key(job.tenant_id, job.job_id),
                "UpdateExpression": "ADD #count :one",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": {"#count": status},
                "ExpressionAttributeValues": expression_values({":one": 1}),
            }
        }
        return self._transact([task_update, count], "ending a job's company")

    def cancel(self, tenant_id: str, job_id: str, now: datetime) -> bool:
        return self._update(
            job_key(tenant_id, job_id),
            "SET #status = :cancelled, cancelled_at = :now",
            "#status IN (:queued, :running)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=expression_values(
                {":cancelled": "cancelled", ":queued": "queued", ":running": "running", ":now": iso(now)}
            ),
        )

    def complete(self, tenant_id: str, job_id: str, status: JobStatus, now: datetime) -> bool:
        names = {"#status": "status"}
        if self._update(
            job_key(tenant_id, job_id),
            "SET #status = :status, finished_at = :now",
            "attribute_not_exists(finished_at) AND #status IN (:queued, :running)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=expression_values(
                {":status": status, ":now": iso(now), ":queued": "queued", ":running": "running"}
            ),
        ):
            return True
        return self._update(
            job_key(tenant_id, job_id),
            "SET finished_at = :now",
            "attribute_not_exists(finished_at) AND #status = :cancelled",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=expression_values({":now": iso(now), ":cancelled": "cancelled"}),
        )

    def mark_notified(self, tenant_id: str, job_id: str) -> bool:
        return self._update(
            job_key(tenant_id, job_id),
            "SET notified = :yes",
            "attribute_exists(pk) AND (attribute_not_exists(notified) OR notified = :no)",
            ExpressionAttributeValues=expression_values({":yes": True, ":no": False}),
        )

    def unmark_notified(self, tenant_id: str, job_id: str) -> bool:
        return self._update(
            job_key(tenant_id, job_id),
            "SET notified = :no",
            "attribute_exists(pk) AND notified = :yes",
            ExpressionAttributeValues=expression_values({":yes": True, ":no": False}),
        )
