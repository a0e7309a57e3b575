from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.stored_score_company_score_input_sector import StoredScoreCompanyScoreInputSector
from typing import cast

if TYPE_CHECKING:
  from ..models.dimensions import Dimensions





T = TypeVar("T", bound="StoredScoreCompanyScoreInput")



@_attrs_define
class StoredScoreCompanyScoreInput:
    """ The company as submitted (validated; optional fields left out stay out).

        Attributes:
            company_id (str):
            dimensions (Dimensions): The seven dimension scores, all required: a missing dimension is an error, never a
                guessed 50.
            sector (StoredScoreCompanyScoreInputSector): matched case-insensitively
     """

    company_id: str
    dimensions: Dimensions
    sector: StoredScoreCompanyScoreInputSector





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




        sector = StoredScoreCompanyScoreInputSector(d.pop("sector"))




        stored_score_company_score_input = cls(
            company_id=company_id,
            dimensions=dimensions,
            sector=sector,
        )

        return stored_score_company_score_input

