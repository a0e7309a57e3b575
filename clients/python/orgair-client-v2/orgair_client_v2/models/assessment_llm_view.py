from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.assessment_attempt_view import AssessmentAttemptView
  from ..models.degraded_view import DegradedView





T = TypeVar("T", bound="AssessmentLlmView")



@_attrs_define
class AssessmentLlmView:
    """ Where the assessment's spend is on the ledger: one line per attempt, under one parent request.

        Attributes:
            attempts (list[AssessmentAttemptView]):
            cost (str): USD, a decimal string with 6 places.
            model (str):
            parent_request_id (str):
            provider (str):
            degraded (DegradedView | None | Unset): Present when the assessment ran on the cheaper model, and why.
     """

    attempts: list[AssessmentAttemptView]
    cost: str
    model: str
    parent_request_id: str
    provider: str
    degraded: DegradedView | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.assessment_attempt_view import AssessmentAttemptView # noqa: PLC0415
        from ..models.degraded_view import DegradedView # noqa: PLC0415
        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)



        cost = self.cost

        model = self.model

        parent_request_id = self.parent_request_id

        provider = self.provider

        degraded: dict[str, Any] | None | Unset
        if isinstance(self.degraded, Unset):
            degraded = UNSET
        elif isinstance(self.degraded, DegradedView):
            degraded = self.degraded.to_dict()
        else:
            degraded = self.degraded


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "cost": cost,
            "model": model,
            "parent_request_id": parent_request_id,
            "provider": provider,
        })
        if degraded is not UNSET:
            field_dict["degraded"] = degraded

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assessment_attempt_view import AssessmentAttemptView # noqa: PLC0415
        from ..models.degraded_view import DegradedView # noqa: PLC0415
        d = dict(src_dict)
        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in (_attempts):
            attempts_item = AssessmentAttemptView.from_dict(attempts_item_data)



            attempts.append(attempts_item)


        cost = d.pop("cost")

        model = d.pop("model")

        parent_request_id = d.pop("parent_request_id")

        provider = d.pop("provider")

        def _parse_degraded(data: object) -> DegradedView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                degraded_type_0 = DegradedView.from_dict(data)



                return degraded_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DegradedView | None | Unset, data)

        degraded = _parse_degraded(d.pop("degraded", UNSET))


        assessment_llm_view = cls(
            attempts=attempts,
            cost=cost,
            model=model,
            parent_request_id=parent_request_id,
            provider=provider,
            degraded=degraded,
        )


        assessment_llm_view.additional_properties = d
        return assessment_llm_view

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
