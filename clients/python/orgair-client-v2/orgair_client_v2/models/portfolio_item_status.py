from enum import StrEnum

class PortfolioItemStatus(StrEnum):
    FAILED = "failed"
    INVALID = "invalid"
    STORED = "stored"

    def __str__(self) -> str:
        return str(self.value)
