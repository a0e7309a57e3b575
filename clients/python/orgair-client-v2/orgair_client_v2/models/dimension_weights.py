from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="DimensionWeights")



@_attrs_define
class DimensionWeights:
    """ Weight of each dimension in the weighted mean; all seven are required and they must sum to 1.

        Attributes:
            ai_governance (float): must be a number from 0 to 1
            culture (float): must be a number from 0 to 1
            data_infrastructure (float): must be a number from 0 to 1
            leadership (float): must be a number from 0 to 1
            talent (float): must be a number from 0 to 1
            technology_stack (float): must be a number from 0 to 1
            use_case_portfolio (float): must be a number from 0 to 1
     """

    ai_governance: float
    culture: float
    data_infrastructure: float
    leadership: float
    talent: float
    technology_stack: float
    use_case_portfolio: float





    def to_dict(self) -> dict[str, Any]:
        ai_governance = self.ai_governance

        culture = self.culture

        data_infrastructure = self.data_infrastructure

        leadership = self.leadership

        talent = self.talent

        technology_stack = self.technology_stack

        use_case_portfolio = self.use_case_portfolio


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "ai_governance": ai_governance,
            "culture": culture,
            "data_infrastructure": data_infrastructure,
            "leadership": leadership,
            "talent": talent,
            "technology_stack": technology_stack,
            "use_case_portfolio": use_case_portfolio,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ai_governance = d.pop("ai_governance")

        culture = d.pop("culture")

        data_infrastructure = d.pop("data_infrastructure")

        leadership = d.pop("leadership")

        talent = d.pop("talent")

        technology_stack = d.pop("technology_stack")

        use_case_portfolio = d.pop("use_case_portfolio")

        dimension_weights = cls(
            ai_governance=ai_governance,
            culture=culture,
            data_infrastructure=data_infrastructure,
            leadership=leadership,
            talent=talent,
            technology_stack=technology_stack,
            use_case_portfolio=use_case_portfolio,
        )

        return dimension_weights

