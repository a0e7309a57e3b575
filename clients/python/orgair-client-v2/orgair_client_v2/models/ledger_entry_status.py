from enum import StrEnum

class LedgerEntryStatus(StrEnum):
    SETTLED = "settled"
    UNCERTAIN = "uncertain"

    def __str__(self) -> str:
        return str(self.value)
