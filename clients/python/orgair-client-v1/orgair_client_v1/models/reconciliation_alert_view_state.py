from enum import StrEnum

class ReconciliationAlertViewState(StrEnum):
    CLAIMED = "claimed"
    PUBLISHED = "published"

    def __str__(self) -> str:
        return str(self.value)
