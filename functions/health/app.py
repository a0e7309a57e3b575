"""Health endpoints: /health, /health/liveness, /health/readiness, /health/detailed."""

from typing import Literal

from orgair import response_examples as ex
from orgair.errors import DependencyUnavailable
from orgair.health import DependencyCheck, readiness
from orgair.http import (
    create_app,
    current_stage,
    make_handler,
    param_version,
    requires,
)
from orgair.settings import Settings, get_settings
from pydantic import BaseModel, ConfigDict

app = create_app()


class HealthStatus(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [ex.health_status(version) for version in ex.HEALTH]}
    )

    status: Literal["ok"]
    service: str
    version: str
    stage: str
    param_version: str
    environment: str


class Liveness(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "alive"}]})

    status: Literal["alive"]


class ReadinessStatus(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ready", "checks": ex.DEPENDENCY_CHECKS}]}
    )

    status: Literal["ready"]
    checks: list[DependencyCheck]


class DetailedHealth(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {**ex.health_status(version), "dependencies": ex.DEPENDENCY_CHECKS} for version in ex.HEALTH
            ]
        }
    )

    status: Literal["ok", "degraded"]
    service: str
    version: str
    stage: str
    param_version: str
    environment: str
    dependencies: list[DependencyCheck]


def _service(settings: Settings) -> dict[str, str]:
    """What /health and /health/detailed both say of the running service and the stage."""
    return {
        "service": settings.APP_NAME,
        "version": settings.APP_VERSION,
        "stage": current_stage(app),
        "param_version": param_version(app),
        "environment": settings.APP_ENV,
    }


@app.get(
    "/health",
    summary="Is the API up (no dependency checked)",
    description="Answers while the function runs, with the stage, its parameter version and the "
    "service version. Public.",
    responses={200: {"description": "Up."}},
)
def health() -> HealthStatus:
    return HealthStatus(status="ok", **_service(get_settings()))


@app.get(
    "/health/liveness",
    summary="Liveness probe",
    description="Always `alive` while the function runs. Public.",
    responses={200: {"description": "Alive."}},
)
def liveness() -> Liveness:
    return Liveness(status="alive")


@app.get(
    "/health/readiness",
    summary="Readiness probe: can every table be reached",
    description="Checks each DynamoDB table the API needs; a table that cannot be reached makes it a "
    "503 (with `Retry-After`) whose `checks` say which. Public.",
    responses={200: {"description": "Ready, with each check and its latency."}},
)
def ready() -> ReadinessStatus:
    result = readiness(get_settings())
    if not result.ready:
        failing = ", ".join(check.name for check in result.checks if check.status != "ok")
        raise DependencyUnavailable(
            f"Not ready: {failing} unavailable.",
            extensions={"checks": [check.model_dump() for check in result.checks]},
        )
    return ReadinessStatus(status="ready", checks=result.checks)


@app.get(
    "/health/detailed",
    summary="Health with every dependency, for operators",
    description="Like /health plus every dependency check; `degraded` (still 200) when one fails.",
    responses={200: {"description": "The service and its dependencies."}},
)
@requires("admin")
def detailed() -> DetailedHealth:
    settings = get_settings()
    result = readiness(settings)
    return DetailedHealth(
        status="ok" if result.ready else "degraded", dependencies=result.checks, **_service(settings)
    )


lambda_handler = make_handler(app)
