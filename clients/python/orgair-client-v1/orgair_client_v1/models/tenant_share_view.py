from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="TenantShareView")



@_attrs_define
class TenantShareView:
    """ One tenant's own LLM calls today as a part of the global budget.

        Attributes:
            committed (str):
            scope (str):
            share_of_global (None | str): committed / the global limit, 4 places rounded down; null without a limit.
            tenant_id (str):
     """

    committed: str
    scope: str
    share_of_global: None | str
    tenant_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        committed = self.committed

        scope = self.scope

        share_of_global: None | str
        share_of_global = self.share_of_global

        tenant_id = self.tenant_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "committed": committed,
            "scope": scope,
            "share_of_global": share_of_global,
            "tenant_id": tenant_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        committed = d.pop("committed")

        scope = d.pop("scope")

        def _parse_share_of_global(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        share_of_global = _parse_share_of_global(d.pop("share_of_global"))


        tenant_id = d.pop("tenant_id")

        tenant_share_view = cls(
            committed=committed,
            scope=scope,
            share_of_global=share_of_global,
            tenant_id=tenant_id,
        )


        tenant_share_view.additional_properties = d
        return tenant_share_view

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
