from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.assessment_attempt_view_status import AssessmentAttemptViewStatus






T = TypeVar("T", bound="AssessmentAttemptView")



@_attrs_define
class AssessmentAttemptView:
    """ 
        Attributes:
            attempt (int):
            call_id (str): The ledger line of this attempt (GET /costs/entries).
            cost (str): USD, a decimal string with 6 places.
            model (str):
            outcome (str):
            provider (str):
            status (AssessmentAttemptViewStatus):
     """

    attempt: int
    call_id: str
    cost: str
    model: str
    outcome: str
    provider: str
    status: AssessmentAttemptViewStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        attempt = self.attempt

        call_id = self.call_id

        cost = self.cost

        model = self.model

        outcome = self.outcome

        provider = self.provider

        status = self.status.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempt": attempt,
            "call_id": call_id,
            "cost": cost,
            "model": model,
            "outcome": outcome,
            "provider": provider,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempt = d.pop("attempt")

        call_id = d.pop("call_id")

        cost = d.pop("cost")

        model = d.pop("model")

        outcome = d.pop("outcome")

        provider = d.pop("provider")

        status = AssessmentAttemptViewStatus(d.pop("status"))




        assessment_attempt_view = cls(
            attempt=attempt,
            call_id=call_id,
            cost=cost,
            model=model,
            outcome=outcome,
            provider=provider,
            status=status,
        )


        assessment_attempt_view.additional_properties = d
        return assessment_attempt_view

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
