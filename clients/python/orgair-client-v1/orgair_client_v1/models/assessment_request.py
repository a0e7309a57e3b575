from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.assessment_request_sector import AssessmentRequestSector






T = TypeVar("T", bound="AssessmentRequest")



@_attrs_define
class AssessmentRequest:
    """ The body of POST /assessments.

        Attributes:
            company_id (str):
            evidence (str):
            sector (AssessmentRequestSector): matched case-insensitively
     """

    company_id: str
    evidence: str
    sector: AssessmentRequestSector





    def to_dict(self) -> dict[str, Any]:
        company_id = self.company_id

        evidence = self.evidence

        sector = self.sector.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "company_id": company_id,
            "evidence": evidence,
            "sector": sector,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        company_id = d.pop("company_id")

        evidence = d.pop("evidence")

        sector = AssessmentRequestSector(d.pop("sector"))




        assessment_request = cls(
            company_id=company_id,
            evidence=evidence,
            sector=sector,
        )

        return assessment_request

