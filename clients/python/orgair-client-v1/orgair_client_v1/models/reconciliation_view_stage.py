from enum import StrEnum

class ReconciliationViewStage(StrEnum):
    CLOSE = "close"
    PROVISIONAL = "provisional"

    def __str__(self) -> str:
        return str(self.value)
