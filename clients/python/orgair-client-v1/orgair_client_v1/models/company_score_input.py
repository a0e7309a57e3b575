from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.company_score_input_sector import CompanyScoreInputSector
from typing import cast

if TYPE_CHECKING:
  from ..models.dimensions import Dimensions





T = TypeVar("T", bound="CompanyScoreInput")



@_attrs_define
class CompanyScoreInput:
    """ One portfolio company to score; optional fields left out are defaulted and reported as assumptions.

        Attributes:
            company_id (str):
            dimensions (Dimensions): The seven dimension scores, all required: a missing dimension is an error, never a
                guessed 50.
            sector (CompanyScoreInputSector): matched case-insensitively
     """

    company_id: str
    dimensions: Dimensions
    sector: CompanyScoreInputSector





    def to_dict(self) -> dict[str, Any]:
        from ..models.dimensions import Dimensions # noqa: PLC0415
        company_id = self.company_id

        dimensions = self.dimensions.to_dict()

        sector = self.sector.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "company_id": company_id,
            "dimensions": dimensions,
            "sector": sector,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dimensions import Dimensions # noqa: PLC0415
        d = dict(src_dict)
        company_id = d.pop("company_id")

        dimensions = Dimensions.from_dict(d.pop("dimensions"))




        sector = CompanyScoreInputSector(d.pop("sector"))




        company_score_input = cls(
            company_id=company_id,
            dimensions=dimensions,
            sector=sector,
        )

        return company_score_input

