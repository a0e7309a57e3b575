"""LOCAL_SHARED_AWS: the runner uses an embedded AWS already running (its tables created there if
missing) and leaves it running; nothing listening there stops startup with one line saying what to do."""

from __future__ import annotations

import pytest
from support.local_runner import free_port

from devtools.embedded_dynamodb import EmbeddedDynamoDB, is_listening
from devtools.localrun.shared_aws import (
    SharedAws,
    SharedAwsMissing,
    open_aws,
    shared_aws_enabled,
)
from devtools.template import Template, load_template


@pytest.mark.parametrize(
    ("value", "enabled"), [("on", True), ("1", True), (" TRUE ", True), ("off", False), ("", False)]
)
def test_local_shared_aws_is_read_as_on_or_off(value: str, enabled: bool) -> None:
    assert shared_aws_enabled({"LOCAL_SHARED_AWS": value}) is enabled
    assert shared_aws_enabled({}) is False


def test_the_shared_server_is_used_with_the_templates_tables_and_outlives_the_runner(
    dynamodb_server: EmbeddedDynamoDB,
) -> None:
    shared = open_aws("127.0.0.1", dynamodb_server.port, shared=True)
    shared.create_tables()
    again = shared.create_tables()
    shared.stop()

    assert isinstance(shared, SharedAws)
    assert shared.endpoint_url == dynamodb_server.endpoint_url
    assert again == []  # idempotent: every table is there
    assert set(Template(load_template()).tables()) <= set(
        dynamodb_server.client().list_tables()["TableNames"]
    )
    assert is_listening("127.0.0.1", dynamodb_server.port)  # stop() left it serving


@pytest.mark.network
def test_nothing_listening_where_the_shared_server_should_be_is_refused_naming_how_to_start_one() -> None:
    port = free_port()
    with pytest.raises(SharedAwsMissing) as refused:
        open_aws("127.0.0.1", port, shared=True)
    assert f"python -m devtools.embedded_dynamodb --port {port}" in str(refused.value.strerror)
