from enum import StrEnum

class LedgerEntrySource(StrEnum):
    EXTERNAL = "external"
    GATEWAY = "gateway"

    def __str__(self) -> str:
        return str(self.value)
