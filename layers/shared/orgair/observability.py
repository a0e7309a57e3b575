"""One Logger, one Tracer and one Metrics for the whole service (Powertools, EMF, one namespace).

The service name and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE
(set in template.yaml); the defaults below keep local runs and tests identical to AWS. The Logger
reads its level from POWERTOOLS_LOG_LEVEL (template parameter LogLevel; INFO when unset). Every
module logs through this one `logger`, never `logging.getLogger`.

The Tracer is built on first use, not at import: building Powertools' Tracer imports the X-Ray SDK
and constructs its global recorder (outside Lambda its default sampler also builds botocore X-Ray
clients). Lambda records each invocation's segment itself; our subsegments only matter around
downstream calls, so the first `trace_libraries` call (made by whoever creates an AWS or LLM client)
builds the Tracer and patches the library. Functions and routes that call nothing downstream never
load the X-Ray SDK (docs/performance.md, "Tracer: built with the first downstream client").
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools import Logger, Metrics

from orgair import snapstart

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

SERVICE_NAME = os.environ.get("POWERTOOLS_SERVICE_NAME", "orgair")
METRICS_NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Orgair")

Handler = TypeVar("Handler", bound=Callable[..., Any])

logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)


class LazyTracer:
    """Powertools' Tracer (no auto-patching), built the first time something is to be traced."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._tracer: Tracer | None = None

    @property
    def built(self) -> bool:
        return self._tracer is not None

    def get(self) -> Tracer:
        """The Tracer, built now if it was not (this imports the X-Ray SDK)."""
        if self._tracer is None:
            from aws_lambda_powertools import Tracer

            # No auto-patching: X-Ray's patch_all imports every library it supports.
            self._tracer = Tracer(service=self.service, auto_patch=False)
        return self._tracer

    def patch(self, modules: list[str]) -> None:
        self.get().patch(modules)

    def capture_lambda_handler(self, capture_response: bool = True) -> Callable[[Handler], Handler]:
        """Powertools' `capture_lambda_handler` once the Tracer exists; until then the plain handler.

        The invocation that first creates a client runs untraced at the handler level, but its
        downstream calls are already recorded (as subsegments of Lambda's own segment).
        """

        def decorate(handler: Handler) -> Handler:
            traced: Callable[..., Any] | None = None

            @functools.wraps(handler)
            def wrapper(event: Any, context: Any) -> Any:
                nonlocal traced
                if self._tracer is None:
                    return handler(event, context)
                if traced is None:
                    traced = self._tracer.capture_lambda_handler(handler, capture_response=capture_response)
                return traced(event, context)

            return wrapper  # type: ignore[return-value]

        return decorate


tracer = LazyTracer(SERVICE_NAME)
_traced: set[str] = set()


def trace_libraries(*modules: str) -> None:
    """Patch these libraries (e.g. "botocore", "httpx") for X-Ray once, before their first client.

    Builds the Tracer on the first call. A no-op where tracing is off (tests, local runs). Patching
    is global to the library, so one call covers every client of it in the container.
    """
    pending = [module for module in modules if module not in _traced]
    if pending:
        tracer.patch(pending)
        _traced.update(pending)


# Requests that record no business metric are normal; Powertools would warn on every one of them.
warnings.filterwarnings("ignore", message="No application metrics to publish")

snapstart.register()
