from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ReportedWeights")



@_attrs_define
class ReportedWeights:
    """ Dimension weights as they entered the formulas (rounded to 4 dp), for a report.

    Deliberately without the sum-to-1 rule: rounding each allowed weight may move their sum a
    little (0.999 can become 0.9988), and a report, or a stored one read back, must show the values
    actually used rather than fail.

        Attributes:
            ai_governance (float):
            culture (float):
            data_infrastructure (float):
            leadership (float):
            talent (float):
            technology_stack (float):
            use_case_portfolio (float):
     """

    ai_governance: float
    culture: float
    data_infrastructure: float
    leadership: float
    talent: float
    technology_stack: float
    use_case_portfolio: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        ai_governance = self.ai_governance

        culture = self.culture

        data_infrastructure = self.data_infrastructure

        leadership = self.leadership

        talent = self.talent

        technology_stack = self.technology_stack

        use_case_portfolio = self.use_case_portfolio


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
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

        reported_weights = cls(
            ai_governance=ai_governance,
            culture=culture,
            data_infrastructure=data_infrastructure,
            leadership=leadership,
            talent=talent,
            technology_stack=technology_stack,
            use_case_portfolio=use_case_portfolio,
        )


        reported_weights.additional_properties = d
        return reported_weights

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
