from enum import StrEnum

class IndividualScoreInputEducationLevelType0(StrEnum):
    ASSOCIATE = "associate"
    BACHELOR = "bachelor"
    CERTIFICATE = "certificate"
    HIGH_SCHOOL = "high_school"
    MASTER = "master"
    PHD = "phd"

    def __str__(self) -> str:
        return str(self.value)
