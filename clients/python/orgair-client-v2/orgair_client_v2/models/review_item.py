from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.review_item_decision_type_0 import ReviewItemDecisionType0
from ..models.review_item_param_version import ReviewItemParamVersion
from ..models.review_item_status import ReviewItemStatus
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.review_reason import ReviewReason





T = TypeVar("T", bound="ReviewItem")



@_attrs_define
class ReviewItem:
    """ 
        Attributes:
            company_id (str):
            created_at (datetime.datetime):
            param_version (ReviewItemParamVersion):
            reasons (list[ReviewReason]):
            review_id (str):
            score_id (str):
            status (ReviewItemStatus):
            comment (None | str | Unset):
            decided_at (datetime.datetime | None | Unset):
            decision (None | ReviewItemDecisionType0 | Unset):
            reviewer_key_id (None | str | Unset):
     """

    company_id: str
    created_at: datetime.datetime
    param_version: ReviewItemParamVersion
    reasons: list[ReviewReason]
    review_id: str
    score_id: str
    status: ReviewItemStatus
    comment: None | str | Unset = UNSET
    decided_at: datetime.datetime | None | Unset = UNSET
    decision: None | ReviewItemDecisionType0 | Unset = UNSET
    reviewer_key_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.review_reason import ReviewReason # noqa: PLC0415
        company_id = self.company_id

        created_at = self.created_at.isoformat()

        param_version = self.param_version.value

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)



        review_id = self.review_id

        score_id = self.score_id

        status = self.status.value

        comment: None | str | Unset
        if isinstance(self.comment, Unset):
            comment = UNSET
        else:
            comment = self.comment

        decided_at: None | str | Unset
        if isinstance(self.decided_at, Unset):
            decided_at = UNSET
        elif isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        decision: None | str | Unset
        if isinstance(self.decision, Unset):
            decision = UNSET
        elif isinstance(self.decision, ReviewItemDecisionType0):
            decision = self.decision.value
        else:
            decision = self.decision

        reviewer_key_id: None | str | Unset
        if isinstance(self.reviewer_key_id, Unset):
            reviewer_key_id = UNSET
        else:
            reviewer_key_id = self.reviewer_key_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "company_id": company_id,
            "created_at": created_at,
            "param_version": param_version,
            "reasons": reasons,
            "review_id": review_id,
            "score_id": score_id,
            "status": status,
        })
        if comment is not UNSET:
            field_dict["comment"] = comment
        if decided_at is not UNSET:
            field_dict["decided_at"] = decided_at
        if decision is not UNSET:
            field_dict["decision"] = decision
        if reviewer_key_id is not UNSET:
            field_dict["reviewer_key_id"] = reviewer_key_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.review_reason import ReviewReason # noqa: PLC0415
        d = dict(src_dict)
        company_id = d.pop("company_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        param_version = ReviewItemParamVersion(d.pop("param_version"))




        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in (_reasons):
            reasons_item = ReviewReason.from_dict(reasons_item_data)



            reasons.append(reasons_item)


        review_id = d.pop("review_id")

        score_id = d.pop("score_id")

        status = ReviewItemStatus(d.pop("status"))




        def _parse_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        comment = _parse_comment(d.pop("comment", UNSET))


        def _parse_decided_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)



                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        decided_at = _parse_decided_at(d.pop("decided_at", UNSET))


        def _parse_decision(data: object) -> None | ReviewItemDecisionType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decision_type_0 = ReviewItemDecisionType0(data)



                return decision_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReviewItemDecisionType0 | Unset, data)

        decision = _parse_decision(d.pop("decision", UNSET))


        def _parse_reviewer_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reviewer_key_id = _parse_reviewer_key_id(d.pop("reviewer_key_id", UNSET))


        review_item = cls(
            company_id=company_id,
            created_at=created_at,
            param_version=param_version,
            reasons=reasons,
            review_id=review_id,
            score_id=score_id,
            status=status,
            comment=comment,
            decided_at=decided_at,
            decision=decision,
            reviewer_key_id=reviewer_key_id,
        )


        review_item.additional_properties = d
        return review_item

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
