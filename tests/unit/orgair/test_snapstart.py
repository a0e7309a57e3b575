"""The SnapStart hooks, run the way the runtime runs them: registered through `snapshot_restore_py`
(stood in for by a module with the runtime's two registration functions), then called before the
snapshot and after a restore, against the real AWS and LLM clients (docs/performance.md)."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest
from orgair import aws, snapstart, transport


class Runtime:
    """What Lambda's `snapshot_restore_py` does with registered hooks."""

    def __init__(self) -> None:
        self.before: list[Callable[[], None]] = []
        self.after: list[Callable[[], None]] = []

    def module(self) -> ModuleType:
        module = ModuleType("snapshot_restore_py")
        module.register_before_snapshot = self.before.append  # type: ignore[attr-defined]
        module.register_after_restore = self.after.append  # type: ignore[attr-defined]
        return module

    def snapshot(self) -> None:
        for hook in self.before:
            hook()

    def restore(self) -> None:
        for hook in self.after:
            hook()


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    fake = Runtime()
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", fake.module())
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    aws.reset_clients()
    transport.reset_http_client()
    assert snapstart.register() is True
    yield fake
    aws.reset_clients()
    transport.reset_http_client()


def test_register_hands_both_hooks_to_the_runtime(runtime: Runtime) -> None:
    assert runtime.before == [snapstart.before_snapshot]
    assert runtime.after == [snapstart.after_restore]


def test_register_is_a_no_op_outside_the_lambda_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)
    assert snapstart.register() is False


def test_the_snapshot_holds_no_client_connection_or_fetched_secret(runtime: Runtime) -> None:
    client = aws.dynamodb_client()
    provider = aws.ssm_provider()
    http = transport.http_client()

    runtime.snapshot()

    assert aws.dynamodb_client.cache_info().currsize == 0
    assert aws.ssm_provider.cache_info().currsize == 0
    assert transport.http_client.cache_info().currsize == 0
    assert http.is_closed
    assert aws.dynamodb_client() is not client
    assert aws.ssm_provider() is not provider


def test_each_restored_copy_gets_its_own_random_state_and_clients(runtime: Runtime) -> None:
    random.seed(7)
    snapshotted = random.getstate()
    client = aws.dynamodb_client()
    http = transport.http_client()

    runtime.restore()

    assert random.getstate() != snapshotted
    assert aws.dynamodb_client() is not client
    assert http.is_closed
    assert transport.http_client() is not http


def test_the_hooks_load_nothing_themselves(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "orgair.transport")
    monkeypatch.delitem(sys.modules, "orgair.aws")

    runtime.snapshot()
    runtime.restore()

    assert "orgair.aws" not in sys.modules
    assert "orgair.transport" not in sys.modules
