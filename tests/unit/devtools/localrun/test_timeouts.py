"""LOCAL_TIMEOUT: functions' Timeout shortened locally (never lengthened), and the queue feeding a
shortened function given a visibility timeout in the template's proportion."""

from __future__ import annotations

import pytest

from devtools.localrun.aws_services import local_resources
from devtools.localrun.timeouts import (
    LocalTimeoutError,
    timeout_setting,
    with_local_timeouts,
    with_scaled_visibility,
)
from devtools.template import Template, load_template

ENDPOINT = "http://127.0.0.1:4566"


def service() -> Template:
    return Template(load_template())


def test_a_function_named_is_shortened_and_a_bare_number_shortens_every_longer_function() -> None:
    specs = service().functions()
    timeouts = {spec.logical_id: spec.timeout for spec in specs}

    named = timeout_setting("AssessmentWorkerFunction=7", specs)
    every = timeout_setting(" 5 , AssessmentWorkerFunction=7", specs)

    assert named == {"AssessmentWorkerFunction": 7}
    assert every["AssessmentWorkerFunction"] == 7
    assert every == {
        function_id: (7 if function_id == "AssessmentWorkerFunction" else 5)
        for function_id, timeout in timeouts.items()
        if timeout > 5 or function_id == "AssessmentWorkerFunction"
    }
    assert timeout_setting("", specs) == {}
    shortened = {spec.logical_id: spec.timeout for spec in with_local_timeouts(specs, named)}
    assert shortened == {**timeouts, "AssessmentWorkerFunction": 7}


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("NoSuchFunction=2", "'NoSuchFunction' names no function"),
        ("AssessmentWorkerFunction=soon", "'soon' is not a whole number"),
        ("0", "0 is below 1 second"),
        ("AssessmentWorkerFunction=181", "longer than its template Timeout"),
    ],
)
def test_a_local_timeout_that_cannot_be_followed_names_the_problem(raw: str, named: str) -> None:
    with pytest.raises(LocalTimeoutError, match=named):
        timeout_setting(raw, service().functions())


def test_the_queue_feeding_a_shortened_worker_gets_a_visibility_timeout_above_its_local_timeout() -> None:
    template = service()
    specs = template.functions()
    resources = local_resources(template, ENDPOINT)

    scaled, lines = with_scaled_visibility(template, resources, specs, {"AssessmentWorkerFunction": 20})
    barely, _ = with_scaled_visibility(template, resources, specs, {"AssessmentWorkerFunction": 179})
    unchanged, none = with_scaled_visibility(template, resources, specs, {"HealthFunction": 1})

    queues = {resource.logical_id: resource for resource in scaled}
    assert queues["JobsQueue"].properties["VisibilityTimeout"] == 30  # 1.5 times 20 s
    assert [line.split(" (")[0] for line in lines] == ["JobsQueue VisibilityTimeout 30 s"]
    jobs_queue = next(resource for resource in barely if resource.logical_id == "JobsQueue")
    assert jobs_queue.properties["VisibilityTimeout"] == 269
    assert unchanged == resources
    assert none == []
    dead_letters = next(resource for resource in scaled if resource.logical_id == "JobsDeadLetterQueue")
    assert "VisibilityTimeout" not in dead_letters.properties
