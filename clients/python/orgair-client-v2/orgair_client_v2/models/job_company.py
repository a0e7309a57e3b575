from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_company_sector import JobCompanySector






T = TypeVar("T", bound="JobCompany")



@_attrs_define
class JobCompany:
    """ One company of a job with its evidence inline (the same limit as POST /assessments).

    Evidence is one field today; a reference to an uploaded evidence document will be an
    alternative to it (`evidence_id`, exactly one of the two), so this object forbids other fields.

        Attributes:
            company_id (str):
            evidence (str):
            sector (JobCompanySector): matched case-insensitively
     """

    company_id: str
    evidence: str
    sector: JobCompanySector





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

        sector = JobCompanySector(d.pop("sector"))




        job_company = cls(
            company_id=company_id,
            evidence=evidence,
            sector=sector,
        )

        return job_company

