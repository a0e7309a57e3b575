"""The SnapStart restore hook re-creates what a snapshot would share (docs/performance.md)."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from types import ModuleType

import pytest
from orgair import snapstart


def test_register_hands_the_hook_to_the_runtime() -> None:
    registered: list[Callable[[], None]] = []
    assert snapstart.register(registered.append) is True
    assert registered == [snapstart.after_restore]


def test_register_is_a_no_op_outside_the_lambda_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)
    assert snapstart.register() is False


def test_after_restore_forgets_clients_and_reseeds_random(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    aws = ModuleType("orgair.aws")
    aws.reset_clients = lambda: calls.append("aws")  # type: ignore[attr-defined]
    transport = ModuleType("orgair.llm.transport")
    transport.reset_http_client = lambda: calls.append("llm")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "orgair.aws", aws)
    monkeypatch.setitem(sys.modules, "orgair.llm.transport", transport)
    random.seed(7)
    snapshotted = random.getstate()
    snapstart.after_restore()
    assert calls == ["aws", "llm"]
    assert random.getstate() != snapshotted


def test_after_restore_loads_nothing_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "orgair.llm.transport", raising=False)
    monkeypatch.delitem(sys.modules, "orgair.aws", raising=False)
    snapstart.after_restore()
    assert "orgair.aws" not in sys.modules
    assert "orgair.llm.transport" not in sys.modules
