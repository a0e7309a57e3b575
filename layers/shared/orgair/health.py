"""Health of the service: liveness (the process answers) and readiness (every table usable).

Readiness checks the tables concurrently so its latency is one round trip, not five.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from pydantic import BaseModel, ConfigDict

from orgair.settings import Settings

Status = Literal["ok", "unavailable"]


class DependencyCheck(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    status: Status
    latency_ms: float
    detail: str | None = None


class Readiness(BaseModel):
    model_config = ConfigDict(frozen=True)

    ready: bool
    checks: list[DependencyCheck]


def _check_table(logical: str, table_name: str) -> DependencyCheck:
    from orgair.dal.tables import describe_status

    started = time.perf_counter()
    try:
        status = describe_status(table_name)
    except Exception as error:  # any failure means "not ready"; the type is enough to act on
        return DependencyCheck(
            name=f"dynamodb:{logical}",
            status="unavailable",
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
            detail=type(error).__name__,
        )
    return DependencyCheck(
        name=f"dynamodb:{logical}",
        status="ok" if status in {"ACTIVE", "UPDATING"} else "unavailable",
        latency_ms=round((time.perf_counter() - started) * 1000, 2),
        detail=None if status in {"ACTIVE", "UPDATING"} else f"table status {status}",
    )


def readiness(settings: Settings) -> Readiness:
    from orgair.aws import dynamodb_client

    tables = settings.table_names
    try:
        dynamodb_client()  # created once here: boto3 client creation is not thread-safe
    except Exception as error:
        checks = [
            DependencyCheck(
                name=f"dynamodb:{logical}", status="unavailable", latency_ms=0.0, detail=type(error).__name__
            )
            for logical in tables
        ]
        return Readiness(ready=False, checks=checks)
    with ThreadPoolExecutor(max_workers=len(tables)) as pool:
        checks = list(pool.map(lambda item: _check_table(*item), tables.items()))
    return Readiness(ready=all(check.status == "ok" for check in checks), checks=checks)
