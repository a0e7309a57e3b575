from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_company_sector import JobCompanySector
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="JobCompany")



@_attrs_define
class JobCompany:
    """ One company of a job: its evidence inline (the same limit as POST /assessments) or, on v2, a
    document uploaded through POST /evidence (`evidence_id`); exactly one of them.

        Attributes:
            company_id (str):
            sector (JobCompanySector): matched case-insensitively
            evidence (None | str | Unset): The evidence text; required unless `evidence_id` is sent.
     """

    company_id: str
    sector: JobCompanySector
    evidence: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        company_id = self.company_id

        sector = self.sector.value

        evidence: None | str | Unset
        if isinstance(self.evidence, Unset):
            evidence = UNSET
        else:
            evidence = self.evidence


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "company_id": company_id,
            "sector": sector,
        })
        if evidence is not UNSET:
            field_dict["evidence"] = evidence

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        company_id = d.pop("company_id")

        sector = JobCompanySector(d.pop("sector"))




        def _parse_evidence(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        evidence = _parse_evidence(d.pop("evidence", UNSET))


        job_company = cls(
            company_id=company_id,
            sector=sector,
            evidence=evidence,
        )

        return job_company

