from enum import StrEnum

class LedgerEntryKind(StrEnum):
    CHARGE = "charge"
    CORRECTION = "correction"

    def __str__(self) -> str:
        return str(self.value)
