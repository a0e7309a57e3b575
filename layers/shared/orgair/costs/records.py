"""The cost records' former home: they live in `orgair.records.costs` (the neutral records package).

Re-exported here while helper work on the cost ledger is in flight, so its files keep importing
from this path; new code imports `orgair.records.costs`.
"""

from orgair.records.costs import (
    PROVIDERS,
    AlertRecord,
    AlertState,
    CallMeta,
    Counter,
    Degradation,
    DegradeReason,
    Hold,
    HoldStatus,
    LedgerLine,
    LineKind,
    LineStatus,
    Provider,
    Usage,
)

__all__ = [
    "PROVIDERS",
    "AlertRecord",
    "AlertState",
    "CallMeta",
    "Counter",
    "Degradation",
    "DegradeReason",
    "Hold",
    "HoldStatus",
    "LedgerLine",
    "LineKind",
    "LineStatus",
    "Provider",
    "Usage",
]
