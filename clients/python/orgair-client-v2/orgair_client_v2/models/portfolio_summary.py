from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="PortfolioSummary")



@_attrs_define
class PortfolioSummary:
    """ 
        Attributes:
            count (int): Companies submitted.
            failed (int):
            invalid (int):
            max_ (float | None):
            mean (float | None):
            min_ (float | None):
            requiring_review (list[str]): Company ids whose new score opened a review.
            stored (int):
     """

    count: int
    failed: int
    invalid: int
    max_: float | None
    mean: float | None
    min_: float | None
    requiring_review: list[str]
    stored: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        count = self.count

        failed = self.failed

        invalid = self.invalid

        max_: float | None
        max_ = self.max_

        mean: float | None
        mean = self.mean

        min_: float | None
        min_ = self.min_

        requiring_review = self.requiring_review



        stored = self.stored


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "count": count,
            "failed": failed,
            "invalid": invalid,
            "max": max_,
            "mean": mean,
            "min": min_,
            "requiring_review": requiring_review,
            "stored": stored,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        failed = d.pop("failed")

        invalid = d.pop("invalid")

        def _parse_max_(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        max_ = _parse_max_(d.pop("max"))


        def _parse_mean(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mean = _parse_mean(d.pop("mean"))


        def _parse_min_(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        min_ = _parse_min_(d.pop("min"))


        requiring_review = cast(list[str], d.pop("requiring_review"))


        stored = d.pop("stored")

        portfolio_summary = cls(
            count=count,
            failed=failed,
            invalid=invalid,
            max_=max_,
            mean=mean,
            min_=min_,
            requiring_review=requiring_review,
            stored=stored,
        )


        portfolio_summary.additional_properties = d
        return portfolio_summary

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
