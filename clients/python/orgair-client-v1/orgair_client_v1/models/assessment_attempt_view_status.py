from enum import StrEnum

class AssessmentAttemptViewStatus(StrEnum):
    SETTLED = "settled"
    UNCERTAIN = "uncertain"
    UNSETTLED = "unsettled"

    def __str__(self) -> str:
        return str(self.value)
