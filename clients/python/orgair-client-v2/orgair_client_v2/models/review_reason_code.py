from enum import StrEnum

class ReviewReasonCode(StrEnum):
    EBITDA_PROJECTION_CHANGE = "ebitda_projection_change"
    EBITDA_PROJECTION_DRIFT = "ebitda_projection_drift"
    SCORE_CHANGE = "score_change"
    SCORE_DRIFT = "score_drift"

    def __str__(self) -> str:
        return str(self.value)
