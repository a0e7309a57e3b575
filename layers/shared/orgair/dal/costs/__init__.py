"""CostsTable data access: the one place that knows the cost ledger's item layout (`keys`, `items`).

Item layout (generic pk/sk and the gsi1 index of the template):

| item | pk | sk | gsi1pk / gsi1sk |
|---|---|---|---|
| budget counter | `BUDGET#<scope>` | `DAY#<yyyy-mm-dd>` | — (hot item: no index writes) |
| tenant budget | `BUDGETCFG` | `<scope>` | — |
| tenant budget change | `BUDGETAUDIT#<scope>` | `<changed at>#<uuid>` | — |
| hold | `HOLD#<call id>` | `HOLD` | `OPENHOLD#<day>#<shard>` / `<expiry>#<call id>` while held |
| external report | `EXTERNAL#<tenant>` | `KEY#<idempotency key>` | — |
| ledger line | `LEDGER#<tenant>#<day>` | `<admitted at>#<call id>` | `LEDGERDAY#<day>#<shard>` / `<tenant>#<sk>` |
| correction line | `LEDGER#<tenant>#<day>` | `<corrected line's sk>#C<nnn>` | as a ledger line |
| alert claim | `ALERTS#<day>` | `<scope>#<threshold>` | — |

Counters hold integer micro-USD `committed`, `settled` and hourly settled buckets `h00`..`h23`
(admission hour), so a forecast needs one read, not a scan. Ledger lines are also in the sparse
index `gsi1` under their day (8 shards), so one day of every tenant is read without a scan (export,
restatement); a correction sorts right after the line it corrects. Reading code treats an item past its
own expiry as expired; `expires_at` (TTL) only collects garbage, and moto never expires it anyway.

Callers use `CostsRepository` (the protocol, with `ScopeUpdate` and the typed outcomes) and
`CostsStore` (its DynamoDB implementation); the attribute values never leave this package.
"""

from orgair.dal.costs.items import line_sk
from orgair.dal.costs.keys import correction_sk, ledger_sk
from orgair.dal.costs.repository import (
    Admission,
    CostsRepository,
    Duplicate,
    ScopeRefused,
    ScopeUpdate,
    StoreInconsistency,
    Written,
)
from orgair.dal.costs.store import CostsStore

__all__ = [
    "Admission",
    "CostsRepository",
    "CostsStore",
    "Duplicate",
    "ScopeRefused",
    "ScopeUpdate",
    "StoreInconsistency",
    "Written",
    "correction_sk",
    "ledger_sk",
    "line_sk",
]
