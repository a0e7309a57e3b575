from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.reconciliation_view import ReconciliationView





T = TypeVar("T", bound="ReconciliationsView")



@_attrs_define
class ReconciliationsView:
    """ 
        Attributes:
            date (datetime.date):
            items (list[ReconciliationView]):
     """

    date: datetime.date
    items: list[ReconciliationView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.reconciliation_view import ReconciliationView # noqa: PLC0415
        date = self.date.isoformat()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "date": date,
            "items": items,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reconciliation_view import ReconciliationView # noqa: PLC0415
        d = dict(src_dict)
        date = datetime.date.fromisoformat(d.pop("date"))




        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = ReconciliationView.from_dict(items_item_data)



            items.append(items_item)


        reconciliations_view = cls(
            date=date,
            items=items,
        )


        reconciliations_view.additional_properties = d
        return reconciliations_view

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
