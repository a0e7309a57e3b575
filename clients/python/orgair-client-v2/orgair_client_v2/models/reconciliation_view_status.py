from enum import StrEnum

class ReconciliationViewStatus(StrEnum):
    ERROR = "error"
    FLAGGED = "flagged"
    MATCHED = "matched"

    def __str__(self) -> str:
        return str(self.value)
