"""JobsTable: background assessment jobs and their company tasks, behind the `JobsRepository` protocol.

Item layout (generic pk/sk):

| item | pk | sk |
|---|---|---|
| job | `T#<tenant>` | `JOB#<job id>` (ids sort by time: a tenant's jobs newest first is one query) |
| company task | `J#<job id>` | `C#<index, 5 digits>` |

Every state change is conditional: a task is claimed only when pending (or when the run holding it
passed its lease), finished only by the run that claimed it, and a task's end and the job's count
of that end are one transaction, so the counts always add up and a redelivered message changes
nothing. `DynamoJobsRepository` is the implementation; tests run the same contract against an
in-memory one (tests/support/jobs.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

from orgair.aws import dynamodb_client, error_code, store_errors
from orgair.dynamo.codec import from_item, to_item, to_value
from orgair.dynamo.transact import Committed, transact
from orgair.errors import DependencyUnavailable
from orgair.records.jobs import (
    CompanyTask,
    JobCounts,
    JobRecord,
    JobStatus,
    TaskStatus,
    TerminalTaskStatus,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

MAX_TRANSACTION_ITEMS: Final = 100
MAX_BATCH_WRITE: Final = 25
TASK_OUTCOME_ATTRIBUTES: Final = (
    "job_id",
    "index",
    "company_id",
    "sector",
    "status",
    "run",
    "lease_until",
    "score_id",
    "pending_score_id",
    "problem",
    "finished_at",
)


class JobsRepository(Protocol):
    """Where jobs and their tasks live. Every transition returns whether it took place."""

    def create(self, job: JobRecord, tasks: Sequence[CompanyTask]) -> bool:
        """Store a new job and its tasks; False (nothing written) when the job exists already."""

    def get(self, tenant_id: str, job_id: str) -> JobRecord | None: ...

    def list(self, tenant_id: str, limit: int, after: str | None) -> tuple[list[JobRecord], str | None]:
        """The tenant's jobs, newest first; the job id the next page starts after (None: last page)."""

    def tasks(self, job_id: str) -> Iterator[CompanyTask]:
        """The job's tasks in input order (their evidence may be left out: "")."""

    def task(self, job_id: str, index: int) -> CompanyTask | None: ...

    def start(self, tenant_id: str, job_id: str, now: datetime) -> bool:
        """queued → running (the first company picked up)."""

    def claim(self, job_id: str, index: int, now: datetime, lease_until: datetime) -> CompanyTask | None:
        """pending (or running past its lease) → running with the next run number; None otherwise."""

    def set_pending_score(self, job_id: str, index: int, run: int, score_id: str) -> bool:
        """Record the score id the run is about to store, so a later run can find it stored."""

    def release(self, job_id: str, index: int, run: int) -> bool:
        """running → pending for a retry (only by the run that holds the claim)."""

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
        """End the task (run None: a pending task never claimed, e.g. cancelled) and count it on the
        job, at once; False when the task was not in that state (ended before, or claimed again)."""

    def cancel(self, tenant_id: str, job_id: str, now: datetime) -> bool:
        """queued/running → cancelled."""

    def complete(self, tenant_id: str, job_id: str, status: JobStatus, now: datetime) -> bool:
        """Set the final status and `finished_at`, once (a cancelled job keeps `cancelled`)."""

    def mark_notified(self, tenant_id: str, job_id: str) -> bool: ...


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _instant(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def job_key(tenant_id: str, job_id: str) -> dict[str, Any]:
    if not tenant_id or "#" in tenant_id:
        raise ValueError("a tenant id is non-empty and never contains '#'")
    return {"pk": to_value(f"T#{tenant_id}"), "sk": to_value(f"JOB#{job_id}")}


def task_key(job_id: str, index: int) -> dict[str, Any]:
    return {"pk": to_value(f"J#{job_id}"), "sk": to_value(f"C#{index:05d}")}


def job_values(job: JobRecord) -> dict[str, Any]:
    return {
        "type": "job",
        "job_id": job.job_id,
        "tenant_id": job.tenant_id,
        "status": job.status,
        "param_version": job.param_version,
        "model": job.model,
        "budget_micros": job.budget_micros,
        "day": job.day.isoformat(),
        "total": job.counts.total,
        "succeeded": job.counts.succeeded,
        "failed": job.counts.failed,
        "budget_exhausted": job.counts.budget_exhausted,
        "cancelled": job.counts.cancelled,
        "created_at": _iso(job.created_at),
        "correlation_id": job.correlation_id,
        "notify": job.notify,
        "started_at": _iso(job.started_at) if job.started_at else None,
        "finished_at": _iso(job.finished_at) if job.finished_at else None,
        "notified": job.notified,
    }


def job_from(values: Mapping[str, Any]) -> JobRecord:
    return JobRecord(
        job_id=str(values["job_id"]),
        tenant_id=str(values["tenant_id"]),
        status=cast("JobStatus", str(values["status"])),
        param_version=str(values["param_version"]),
        model=str(values["model"]) if values.get("model") else None,
        budget_micros=int(values["budget_micros"]),
        day=date.fromisoformat(str(values["day"])),
        counts=JobCounts(
            total=int(values["total"]),
            succeeded=int(values.get("succeeded", 0)),
            failed=int(values.get("failed", 0)),
            budget_exhausted=int(values.get("budget_exhausted", 0)),
            cancelled=int(values.get("cancelled", 0)),
        ),
        created_at=_instant(values["created_at"]) or datetime.now(UTC),
        correlation_id=str(values.get("correlation_id", "")),
        notify=bool(values.get("notify", False)),
        started_at=_instant(values.get("started_at")),
        finished_at=_instant(values.get("finished_at")),
        notified=bool(values.get("notified", False)),
    )


def task_values(task: CompanyTask) -> dict[str, Any]:
    return {
        "type": "job_task",
        "job_id": task.job_id,
        "index": task.index,
        "company_id": task.company_id,
        "sector": task.sector,
        "evidence": task.evidence,
        "evidence_id": task.evidence_id,
        "status": task.status,
        "run": task.run,
        "lease_until": _iso(task.lease_until) if task.lease_until else None,
        "score_id": task.score_id,
        "pending_score_id": task.pending_score_id,
        "problem": dict(task.problem) if task.problem else None,
        "finished_at": _iso(task.finished_at) if task.finished_at else None,
    }


def task_from(values: Mapping[str, Any]) -> CompanyTask:
    problem = values.get("problem")
    return CompanyTask(
        job_id=str(values["job_id"]),
        index=int(values["index"]),
        company_id=str(values["company_id"]),
        sector=str(values["sector"]),
        evidence=None if values.get("evidence_id") else str(values.get("evidence", "")),
        evidence_id=str(values["evidence_id"]) if values.get("evidence_id") else None,
        status=cast("TaskStatus", str(values["status"])),
        run=int(values.get("run", 0)),
        lease_until=_instant(values.get("lease_until")),
        score_id=str(values["score_id"]) if values.get("score_id") else None,
        pending_score_id=str(values["pending_score_id"]) if values.get("pending_score_id") else None,
        problem=_plain(problem) if isinstance(problem, Mapping) else None,
        finished_at=_instant(values.get("finished_at")),
    )


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal: the problem's `status` is an int again."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if hasattr(value, "as_integer_ratio") and not isinstance(value, (int, bool)):
        return int(value) if value == int(value) else str(value)
    return value


def _values(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Expression attribute values, serialised."""
    return {key: to_value(value) for key, value in raw.items()}


class DynamoJobsRepository:
    """JobsRepository over the low-level DynamoDB client; every call fails closed (503)."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table = table_name
        self._client_override = client

    @property
    def _client(self) -> DynamoDBClient:
        return self._client_override or dynamodb_client()

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
            ExpressionAttributeValues=_values(
                {":running": "running", ":queued": "queued", ":now": _iso(now)}
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
                    ExpressionAttributeValues=_values(
                        {
                            ":running": "running",
                            ":pending": "pending",
                            ":lease": _iso(lease_until),
                            ":now": _iso(now),
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
            ExpressionAttributeValues=_values({":score": score_id, ":running": "running", ":run": run}),
        )

    def release(self, job_id: str, index: int, run: int) -> bool:
        return self._update(
            task_key(job_id, index),
            "SET #status = :pending REMOVE lease_until",
            "#status = :running AND #run = :run",
            ExpressionAttributeNames={"#status": "status", "#run": "run"},
            ExpressionAttributeValues=_values({":pending": "pending", ":running": "running", ":run": run}),
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
        values: dict[str, Any] = {":end": status, ":now": _iso(now)}
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
                "ExpressionAttributeValues": _values(values),
            }
        }
        count = {
            "Update": {
                "TableName": self._table,
                "Key": job_key(job.tenant_id, job.job_id),
                "UpdateExpression": "ADD #count :one",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": {"#count": status},
                "ExpressionAttributeValues": _values({":one": 1}),
            }
        }
        return self._transact([task_update, count], "ending a job's company")

    def cancel(self, tenant_id: str, job_id: str, now: datetime) -> bool:
        return self._update(
            job_key(tenant_id, job_id),
            "SET #status = :cancelled, cancelled_at = :now",
            "#status IN (:queued, :running)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=_values(
                {":cancelled": "cancelled", ":queued": "queued", ":running": "running", ":now": _iso(now)}
            ),
        )

    def complete(self, tenant_id: str, job_id: str, status: JobStatus, now: datetime) -> bool:
        names = {"#status": "status"}
        if self._update(
            job_key(tenant_id, job_id),
            "SET #status = :status, finished_at = :now",
            "attribute_not_exists(finished_at) AND #status IN (:queued, :running)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=_values(
                {":status": status, ":now": _iso(now), ":queued": "queued", ":running": "running"}
            ),
        ):
            return True
        return self._update(
            job_key(tenant_id, job_id),
            "SET finished_at = :now",
            "attribute_not_exists(finished_at) AND #status = :cancelled",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=_values({":now": _iso(now), ":cancelled": "cancelled"}),
        )

    def mark_notified(self, tenant_id: str, job_id: str) -> bool:
        return self._update(
            job_key(tenant_id, job_id),
            "SET notified = :yes",
            "attribute_exists(pk) AND (attribute_not_exists(notified) OR notified = :no)",
            ExpressionAttributeValues=_values({":yes": True, ":no": False}),
        )
