from enum import StrEnum

class ReviewItemDecisionType0(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"

    def __str__(self) -> str:
        return str(self.value)
