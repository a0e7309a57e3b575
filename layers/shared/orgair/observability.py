"""One Logger, one Tracer and one Metrics for the whole service (Powertools, EMF, one namespace).

The service name and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE
(set in template.yaml); the defaults below keep local runs and tests identical to AWS.
"""

from __future__ import annotations

import os
import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

from orgair import snapstart

SERVICE_NAME = os.environ.get("POWERTOOLS_SERVICE_NAME", "orgair")
METRICS_NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Orgair")

logger = Logger(service=SERVICE_NAME, level=os.environ.get("LOG_LEVEL", "INFO"))
# No auto-patching: X-Ray's patch_all imports botocore and httpx into every function at init, even
# those that never call AWS or an LLM. Whoever creates a client calls `trace_libraries` first.
tracer = Tracer(service=SERVICE_NAME, auto_patch=False)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)
_traced: set[str] = set()


def trace_libraries(*modules: str) -> None:
    """Patch these libraries (e.g. "botocore", "httpx") for X-Ray once, before their first client.

    A no-op where tracing is off (tests, local runs). Patching is global to the library, so one call
    covers every client of it in the container.
    """
    pending = [module for module in modules if module not in _traced]
    if pending:
        tracer.patch(pending)
        _traced.update(pending)


# Requests that record no business metric are normal; Powertools would warn on every one of them.
warnings.filterwarnings("ignore", message="No application metrics to publish")

snapstart.register()
