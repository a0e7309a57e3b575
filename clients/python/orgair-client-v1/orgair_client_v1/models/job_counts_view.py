from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="JobCountsView")



@_attrs_define
class JobCountsView:
    """ 
        Attributes:
            budget_exhausted (int):
            cancelled (int):
            failed (int):
            pending (int):
            succeeded (int):
            total (int):
     """

    budget_exhausted: int
    cancelled: int
    failed: int
    pending: int
    succeeded: int
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        budget_exhausted = self.budget_exhausted

        cancelled = self.cancelled

        failed = self.failed

        pending = self.pending

        succeeded = self.succeeded

        total = self.total


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "budget_exhausted": budget_exhausted,
            "cancelled": cancelled,
            "failed": failed,
            "pending": pending,
            "succeeded": succeeded,
            "total": total,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        budget_exhausted = d.pop("budget_exhausted")

        cancelled = d.pop("cancelled")

        failed = d.pop("failed")

        pending = d.pop("pending")

        succeeded = d.pop("succeeded")

        total = d.pop("total")

        job_counts_view = cls(
            budget_exhausted=budget_exhausted,
            cancelled=cancelled,
            failed=failed,
            pending=pending,
            succeeded=succeeded,
            total=total,
        )


        job_counts_view.additional_properties = d
        return job_counts_view

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
