"""A job creation that dies after reserving its budget: the JobsTable write of the job item fails
the way an unreachable endpoint does (botocore's own error, no socket), every other call goes through."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import EndpointConnectionError


def fail_storing_jobs(client: Any, times: int = 1) -> list[str]:
    """The next `times` PutItems of a job item (`T#<tenant>` / `JOB#<id>`) on this DynamoDB client
    fail to connect; returns the sort keys of the refused writes, to assert on."""
    refused: list[str] = []

    def refuse(params: dict[str, Any], **_: Any) -> None:
        item = params.get("Item", {})
        sort_key = str(item.get("sk", {}).get("S", ""))
        is_job = str(item.get("pk", {}).get("S", "")).startswith("T#") and sort_key.startswith("JOB#")
        if is_job and len(refused) < times:
            refused.append(sort_key)
            raise EndpointConnectionError(endpoint_url="http://unreachable.invalid")

    client.meta.events.register("provide-client-params.dynamodb.PutItem", refuse)
    return refused
