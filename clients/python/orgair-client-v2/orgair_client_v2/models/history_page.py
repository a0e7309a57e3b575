from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.history_page_param_version import HistoryPageParamVersion
from typing import cast

if TYPE_CHECKING:
  from ..models.stored_score import StoredScore





T = TypeVar("T", bound="HistoryPage")



@_attrs_define
class HistoryPage:
    """ 
        Attributes:
            company_id (str):
            items (list[StoredScore]):
            next_cursor (None | str):
            param_version (HistoryPageParamVersion):
     """

    company_id: str
    items: list[StoredScore]
    next_cursor: None | str
    param_version: HistoryPageParamVersion
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.stored_score import StoredScore # noqa: PLC0415
        company_id = self.company_id

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        next_cursor: None | str
        next_cursor = self.next_cursor

        param_version = self.param_version.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "company_id": company_id,
            "items": items,
            "next_cursor": next_cursor,
            "param_version": param_version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stored_score import StoredScore # noqa: PLC0415
        d = dict(src_dict)
        company_id = d.pop("company_id")

        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = StoredScore.from_dict(items_item_data)



            items.append(items_item)


        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))


        param_version = HistoryPageParamVersion(d.pop("param_version"))




        history_page = cls(
            company_id=company_id,
            items=items,
            next_cursor=next_cursor,
            param_version=param_version,
        )


        history_page.additional_properties = d
        return history_page

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
