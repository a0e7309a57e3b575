"""The one conditional single-item write: its result, or None when its condition failed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from orgair.aws import error_code, store_errors

T = TypeVar("T")


def conditional_write(what: str, write: Callable[[], T]) -> T | None:
    """Run one conditional DynamoDB write: its result, or None when its condition failed
    (another caller won), with an unreachable store failing closed as in `store_errors`."""
    try:
        with store_errors(what):
            return write()
    except Exception as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return None
        raise
