from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.review_decision_request_decision import ReviewDecisionRequestDecision
from ..types import UNSET, Unset






T = TypeVar("T", bound="ReviewDecisionRequest")



@_attrs_define
class ReviewDecisionRequest:
    """ 
        Attributes:
            decision (ReviewDecisionRequestDecision):
            comment (str | Unset):  Default: ''.
     """

    decision: ReviewDecisionRequestDecision
    comment: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        decision = self.decision.value

        comment = self.comment


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "decision": decision,
        })
        if comment is not UNSET:
            field_dict["comment"] = comment

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        decision = ReviewDecisionRequestDecision(d.pop("decision"))




        comment = d.pop("comment", UNSET)

        review_decision_request = cls(
            decision=decision,
            comment=comment,
        )

        return review_decision_request

