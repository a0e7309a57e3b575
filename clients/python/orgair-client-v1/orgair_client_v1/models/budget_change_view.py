from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="BudgetChangeView")



@_attrs_define
class BudgetChangeView:
    """ One change of a tenant's budget, as the CLI recorded it.

        Attributes:
            changed_at (datetime.datetime):
            changed_by (str): Who changed it: the AWS principal's ARN, or `local:<user>` on a local run.
            limit (None | str): The new daily budget; null when it was removed.
     """

    changed_at: datetime.datetime
    changed_by: str
    limit: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        changed_at = self.changed_at.isoformat()

        changed_by = self.changed_by

        limit: None | str
        limit = self.limit


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "changed_at": changed_at,
            "changed_by": changed_by,
            "limit": limit,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        changed_at = datetime.datetime.fromisoformat(d.pop("changed_at"))




        changed_by = d.pop("changed_by")

        def _parse_limit(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        limit = _parse_limit(d.pop("limit"))


        budget_change_view = cls(
            changed_at=changed_at,
            changed_by=changed_by,
            limit=limit,
        )


        budget_change_view.additional_properties = d
        return budget_change_view

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
