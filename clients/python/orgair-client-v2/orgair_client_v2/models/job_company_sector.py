from enum import StrEnum

class JobCompanySector(StrEnum):
    BUSINESS_SERVICES = "business_services"
    FINANCIAL_SERVICES = "financial_services"
    HEALTHCARE = "healthcare"
    MANUFACTURING = "manufacturing"
    OTHER = "other"
    RETAIL = "retail"
    TECHNOLOGY = "technology"

    def __str__(self) -> str:
        return str(self.value)
