"""SnapStart: what every environment restored from one snapshot must not share.

In production the functions run with SnapStart on published versions: Lambda runs the init phase
once, snapshots the memory, and starts each new environment from a copy. The runtime's
`snapshot_restore_py` calls our hooks around that:

- before the snapshot (`before_snapshot`): open connections and fetched secrets are dropped, so the
  snapshot holds neither: the AWS clients with their pooled sockets and the Powertools parameter
  providers with their cached secret values (`orgair.aws.reset_clients`), and the LLM HTTP client
  (`orgair.transport.reset_http_client`).
- after each restore (`after_restore`): the same again (a client created after the snapshot was taken
  would otherwise be shared by every copy), and `random` is reseeded: retry jitter and shard choices
  would otherwise be identical in every copy. (`secrets`, `uuid4` and orgair.ids read the OS entropy
  pool at each call and need nothing; nothing at init reads the clock into state.)

Only modules already imported are touched, so the hooks never load anything themselves.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

Registrar = Callable[[Callable[[], None]], object]


def _forget_connections_and_secrets() -> None:
    aws = sys.modules.get("orgair.aws")
    if aws is not None:
        aws.reset_clients()
    transport = sys.modules.get("orgair.transport")
    if transport is not None:
        transport.reset_http_client()


def before_snapshot() -> None:
    """Leave no socket and no fetched secret in the snapshot."""
    _forget_connections_and_secrets()


def after_restore() -> None:
    """Re-create what a snapshot would otherwise hand to every restored environment."""
    random.seed()
    _forget_connections_and_secrets()


def register(after: Registrar | None = None, before: Registrar | None = None) -> bool:
    """Register both hooks with the runtime; False where there is no SnapStart runtime hook.

    `snapshot_restore_py` ships only with Lambda's Python runtime (3.12+), hence the guarded import.
    """
    if after is None or before is None:
        try:
            from snapshot_restore_py import (  # type: ignore[import-not-found]
                register_after_restore,
                register_before_snapshot,
            )
        except ImportError:
            return False
        after = after or register_after_restore
        before = before or register_before_snapshot
    before(before_snapshot)
    after(after_restore)
    return True
