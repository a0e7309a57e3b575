"""`LOCAL_TIMEOUT`: shorten functions' Timeout in a local run, the queues that feed them in proportion.

`LOCAL_TIMEOUT=AssessmentWorkerFunction=20` runs the worker with a 20 s Timeout instead of the
template's 180 s (`N` alone: every function). A timeout can only be shortened, never lengthened.
Everything that follows from the Timeout follows locally too: the Lambda context's remaining time
(so the job worker's lease on a company, remaining time plus JOB_LEASE_MARGIN_SECONDS, and the LLM
deadline), and every queue feeding the function gets a visibility timeout of 1.5 times the local
Timeout (JobsQueue: 30 s instead of 1080 s), still above the worker's time budget as in the
template, though not the template's six times: a killed worker's messages come back in seconds,
not 18 minutes. What is shortened is printed at startup (README, "A worker killed and restarted
locally").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Final

from devtools.localrun.aws_services import QUEUE, LocalResource
from devtools.template import Template, cfn_string
from devtools.template_specs import FunctionSpec

TIMEOUT_VARIABLE: Final = "LOCAL_TIMEOUT"
MIN_LOCAL_TIMEOUT: Final = 1
LOCAL_VISIBILITY_FACTOR: Final = 1.5
"""A queue feeding a shortened function: its visibility timeout is this many times the local
Timeout (never more than the template's), above the worker's time budget as in the template."""


class LocalTimeoutError(ValueError):
    """A LOCAL_TIMEOUT the runner cannot follow (the message names the bad part)."""


def timeout_setting(raw: str, specs: Iterable[FunctionSpec]) -> dict[str, int]:
    """LOCAL_TIMEOUT: `N` (every function) and/or `LogicalId=N` pairs, comma-separated; each the
    seconds a function may run locally, from 1 to its template Timeout. Returns the shortened ones."""
    by_id = {spec.logical_id: spec for spec in specs}
    default: int | None = None
    named: dict[str, int] = {}
    for part in (piece.strip() for piece in raw.split(",")):
        if not part:
            continue
        name, _, value = part.rpartition("=")
        name = name.strip()
        if name and name not in by_id:
            raise LocalTimeoutError(f"{TIMEOUT_VARIABLE}: {name!r} names no function of the template")
        try:
            seconds = int(value)
        except ValueError:
            raise LocalTimeoutError(f"{TIMEOUT_VARIABLE}: {value.strip()!r} is not a whole number") from None
        if seconds < MIN_LOCAL_TIMEOUT:
            raise LocalTimeoutError(f"{TIMEOUT_VARIABLE}: {seconds} is below {MIN_LOCAL_TIMEOUT} second")
        if name:
            if seconds > by_id[name].timeout:
                raise LocalTimeoutError(
                    f"{TIMEOUT_VARIABLE}: {name}={seconds} is longer than its template Timeout "
                    f"({by_id[name].timeout} s); a local run may only shorten it"
                )
            named[name] = seconds
        else:
            default = seconds
    shortened = {
        spec.logical_id: default for spec in by_id.values() if default is not None and default < spec.timeout
    }
    shortened.update(named)
    return {name: seconds for name, seconds in shortened.items() if seconds < by_id[name].timeout}


def with_local_timeouts(specs: Iterable[FunctionSpec], timeouts: Mapping[str, int]) -> list[FunctionSpec]:
    return [
        replace(spec, timeout=timeouts[spec.logical_id]) if spec.logical_id in timeouts else spec
        for spec in specs
    ]


def with_scaled_visibility(
    template: Template,
    resources: Iterable[LocalResource],
    specs: Iterable[FunctionSpec],
    timeouts: Mapping[str, int],
) -> tuple[list[LocalResource], list[str]]:
    """The resources with each queue feeding a shortened function given a VisibilityTimeout of
    LOCAL_VISIBILITY_FACTOR times its local Timeout; one line per queue changed."""
    scale: dict[str, int] = {}
    for spec in specs:
        if spec.logical_id in timeouts:
            for source in spec.queues:
                scale[source.queue] = timeouts[spec.logical_id]
    changed: list[LocalResource] = []
    lines: list[str] = []
    for resource in resources:
        if (
            resource.type == QUEUE
            and resource.logical_id in scale
            and "VisibilityTimeout" in resource.properties
        ):
            local = scale[resource.logical_id]
            visibility = int(cfn_string(template.resolve(resource.properties["VisibilityTimeout"])))
            seconds = min(visibility, math.ceil(local * LOCAL_VISIBILITY_FACTOR))
            resource = replace(resource, properties={**resource.properties, "VisibilityTimeout": seconds})
            lines.append(
                f"{resource.logical_id} VisibilityTimeout {seconds} s (template {visibility} s, "
                f"{LOCAL_VISIBILITY_FACTOR:g} times the {TIMEOUT_VARIABLE} of the function it feeds)"
            )
        changed.append(resource)
    return changed, lines
