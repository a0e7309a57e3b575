from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.degraded_view_reason import DegradedViewReason






T = TypeVar("T", bound="DegradedView")



@_attrs_define
class DegradedView:
    """ Why an assessment (and each of its ledger lines) ran on the cheaper DEGRADED_LLM_MODEL: which
    scope passed which threshold (percent of its limit; `100` when the requested model's worst case
    no longer fitted).

        Attributes:
            reason (DegradedViewReason):
            requested_model (str):
            scope (str):
            threshold (str):
     """

    reason: DegradedViewReason
    requested_model: str
    scope: str
    threshold: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        reason = self.reason.value

        requested_model = self.requested_model

        scope = self.scope

        threshold = self.threshold


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "reason": reason,
            "requested_model": requested_model,
            "scope": scope,
            "threshold": threshold,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = DegradedViewReason(d.pop("reason"))




        requested_model = d.pop("requested_model")

        scope = d.pop("scope")

        threshold = d.pop("threshold")

        degraded_view = cls(
            reason=reason,
            requested_model=requested_model,
            scope=scope,
            threshold=threshold,
        )


        degraded_view.additional_properties = d
        return degraded_view

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
