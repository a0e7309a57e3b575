from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.review_summary_status import ReviewSummaryStatus
from typing import cast

if TYPE_CHECKING:
  from ..models.review_reason import ReviewReason





T = TypeVar("T", bound="ReviewSummary")



@_attrs_define
class ReviewSummary:
    """ 
        Attributes:
            reasons (list[ReviewReason]):
            review_id (str):
            status (ReviewSummaryStatus):
     """

    reasons: list[ReviewReason]
    review_id: str
    status: ReviewSummaryStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.review_reason import ReviewReason # noqa: PLC0415
        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)



        review_id = self.review_id

        status = self.status.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "reasons": reasons,
            "review_id": review_id,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.review_reason import ReviewReason # noqa: PLC0415
        d = dict(src_dict)
        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in (_reasons):
            reasons_item = ReviewReason.from_dict(reasons_item_data)



            reasons.append(reasons_item)


        review_id = d.pop("review_id")

        status = ReviewSummaryStatus(d.pop("status"))




        review_summary = cls(
            reasons=reasons,
            review_id=review_id,
            status=status,
        )


        review_summary.additional_properties = d
        return review_summary

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
