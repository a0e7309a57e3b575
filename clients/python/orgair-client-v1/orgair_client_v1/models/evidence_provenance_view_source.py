from enum import StrEnum

class EvidenceProvenanceViewSource(StrEnum):
    INLINE = "inline"
    UPLOAD = "upload"

    def __str__(self) -> str:
        return str(self.value)
