from enum import StrEnum

class PortfolioResultParamVersion(StrEnum):
    V1_0 = "v1.0"
    V2_0 = "v2.0"

    def __str__(self) -> str:
        return str(self.value)
