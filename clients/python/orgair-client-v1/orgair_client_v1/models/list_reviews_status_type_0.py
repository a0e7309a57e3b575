from enum import StrEnum

class ListReviewsStatusType0(StrEnum):
    APPROVE = "approve"
    APPROVED = "approved"
    PENDING = "pending"
    REJECT = "reject"
    REJECTED = "rejected"

    def __str__(self) -> str:
        return str(self.value)
