from enum import StrEnum

class IndividualScoreResultDomainExpertiseSource(StrEnum):
    EXPERIENCE = "experience"
    GIVEN = "given"

    def __str__(self) -> str:
        return str(self.value)
