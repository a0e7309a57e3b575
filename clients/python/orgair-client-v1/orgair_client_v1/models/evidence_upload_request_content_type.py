from enum import StrEnum

class EvidenceUploadRequestContentType(StrEnum):
    APPLICATIONJSON = "application/json"
    TEXTMARKDOWN = "text/markdown"
    TEXTPLAIN = "text/plain"

    def __str__(self) -> str:
        return str(self.value)
