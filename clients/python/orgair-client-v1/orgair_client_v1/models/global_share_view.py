from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="GlobalShareView")



@_attrs_define
class GlobalShareView:
    """ The tenant's own LLM calls as a part of the global daily budget, and the most of it they may
    take (TENANT_GLOBAL_SHARE_PCT of the global limit). Only the tenant's own figures: what other
    tenants spend is never shown.

        Attributes:
            committed (str):
            held (str):
            limit (None | str): The tenant's share of the global limit; null for an earlier day without calls.
            scope (str):
            settled (str):
            utilisation (None | str): committed / limit, 4 places rounded down.
     """

    committed: str
    held: str
    limit: None | str
    scope: str
    settled: str
    utilisation: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        committed = self.committed

        held = self.held

        limit: None | str
        limit = self.limit

        scope = self.scope

        settled = self.settled

        utilisation: None | str
        utilisation = self.utilisation


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "committed": committed,
            "held": held,
            "limit": limit,
            "scope": scope,
            "settled": settled,
            "utilisation": utilisation,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        committed = d.pop("committed")

        held = d.pop("held")

        def _parse_limit(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        limit = _parse_limit(d.pop("limit"))


        scope = d.pop("scope")

        settled = d.pop("settled")

        def _parse_utilisation(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        utilisation = _parse_utilisation(d.pop("utilisation"))


        global_share_view = cls(
            committed=committed,
            held=held,
            limit=limit,
            scope=scope,
            settled=settled,
            utilisation=utilisation,
        )


        global_share_view.additional_properties = d
        return global_share_view

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
