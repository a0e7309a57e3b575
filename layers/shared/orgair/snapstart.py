"""SnapStart: what every environment restored from one snapshot must not share.

In production the functions run with SnapStart on published versions: Lambda runs the init phase
once, snapshots the memory, and starts each new environment from a copy. Anything created at init
that is connection-bound or meant to be unique is therefore re-created after restore:

- AWS clients (`orgair.aws.reset_clients`): their pooled sockets belong to the snapshotted
  environment; the next call builds a client from the cached boto3 session, which is cheap.
- the LLM HTTP client (`orgair.llm.transport.reset_http_client`): same, for httpx.
- `random`'s state: retry jitter and shard choices would otherwise be identical in every copy.
  (`secrets`, `uuid4` and orgair.ids read the OS entropy pool at each call and need nothing.)

Only modules already imported are touched, so the hook never loads anything itself.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable


def after_restore() -> None:
    """Re-create what a snapshot would otherwise hand to every restored environment."""
    random.seed()
    aws = sys.modules.get("orgair.aws")
    if aws is not None:
        aws.reset_clients()
    transport = sys.modules.get("orgair.llm.transport")
    if transport is not None:
        transport.reset_http_client()


def register(registrar: Callable[[Callable[[], None]], object] | None = None) -> bool:
    """Register `after_restore` with the runtime; False where there is no SnapStart runtime hook.

    `snapshot_restore_py` ships only with Lambda's Python runtime (3.12+), hence the guarded import.
    """
    if registrar is None:
        try:
            from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found]
        except ImportError:
            return False
        registrar = register_after_restore
    registrar(after_restore)
    return True
