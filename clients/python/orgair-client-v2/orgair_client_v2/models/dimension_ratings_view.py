from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.dimension_rating_view import DimensionRatingView





T = TypeVar("T", bound="DimensionRatingsView")



@_attrs_define
class DimensionRatingsView:
    """ The model's rating of each dimension, with its rationale.

        Attributes:
            ai_governance (DimensionRatingView):
            culture (DimensionRatingView):
            data_infrastructure (DimensionRatingView):
            leadership (DimensionRatingView):
            talent (DimensionRatingView):
            technology_stack (DimensionRatingView):
            use_case_portfolio (DimensionRatingView):
     """

    ai_governance: DimensionRatingView
    culture: DimensionRatingView
    data_infrastructure: DimensionRatingView
    leadership: DimensionRatingView
    talent: DimensionRatingView
    technology_stack: DimensionRatingView
    use_case_portfolio: DimensionRatingView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dimension_rating_view import DimensionRatingView # noqa: PLC0415
        ai_governance = self.ai_governance.to_dict()

        culture = self.culture.to_dict()

        data_infrastructure = self.data_infrastructure.to_dict()

        leadership = self.leadership.to_dict()

        talent = self.talent.to_dict()

        technology_stack = self.technology_stack.to_dict()

        use_case_portfolio = self.use_case_portfolio.to_dict()


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
        from ..models.dimension_rating_view import DimensionRatingView # noqa: PLC0415
        d = dict(src_dict)
        ai_governance = DimensionRatingView.from_dict(d.pop("ai_governance"))




        culture = DimensionRatingView.from_dict(d.pop("culture"))




        data_infrastructure = DimensionRatingView.from_dict(d.pop("data_infrastructure"))




        leadership = DimensionRatingView.from_dict(d.pop("leadership"))




        talent = DimensionRatingView.from_dict(d.pop("talent"))




        technology_stack = DimensionRatingView.from_dict(d.pop("technology_stack"))




        use_case_portfolio = DimensionRatingView.from_dict(d.pop("use_case_portfolio"))




        dimension_ratings_view = cls(
            ai_governance=ai_governance,
            culture=culture,
            data_infrastructure=data_infrastructure,
            leadership=leadership,
            talent=talent,
            technology_stack=technology_stack,
            use_case_portfolio=use_case_portfolio,
        )


        dimension_ratings_view.additional_properties = d
        return dimension_ratings_view

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
