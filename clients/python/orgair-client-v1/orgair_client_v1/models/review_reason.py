from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.review_reason_code import ReviewReasonCode






T = TypeVar("T", bound="ReviewReason")



@_attrs_define
class ReviewReason:
    """ One reason a review was opened, with the numbers an analyst needs to judge it.

        Attributes:
            change (float):
            code (ReviewReasonCode):
            current (float):
            message (str):
            previous (float):
            threshold (float):
     """

    change: float
    code: ReviewReasonCode
    current: float
    message: str
    previous: float
    threshold: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        change = self.change

        code = self.code.value

        current = self.current

        message = self.message

        previous = self.previous

        threshold = self.threshold


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "change": change,
            "code": code,
            "current": current,
            "message": message,
            "previous": previous,
            "threshold": threshold,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        change = d.pop("change")

        code = ReviewReasonCode(d.pop("code"))




        current = d.pop("current")

        message = d.pop("message")

        previous = d.pop("previous")

        threshold = d.pop("threshold")

        review_reason = cls(
            change=change,
            code=code,
            current=current,
            message=message,
            previous=previous,
            threshold=threshold,
        )


        review_reason.additional_properties = d
        return review_reason

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
