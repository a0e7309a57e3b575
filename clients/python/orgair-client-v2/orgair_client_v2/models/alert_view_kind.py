from enum import StrEnum

class AlertViewKind(StrEnum):
    FORECAST = "forecast"
    UTILISATION = "utilisation"

    def __str__(self) -> str:
        return str(self.value)
