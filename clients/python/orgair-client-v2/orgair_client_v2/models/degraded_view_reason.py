from enum import StrEnum

class DegradedViewReason(StrEnum):
    DEFAULT_NOT_ADMISSIBLE = "default_not_admissible"
    SOFT_THRESHOLD = "soft_threshold"

    def __str__(self) -> str:
        return str(self.value)
