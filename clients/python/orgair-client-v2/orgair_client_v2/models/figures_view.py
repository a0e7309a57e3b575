from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.tokens_view import TokensView





T = TypeVar("T", bound="FiguresView")



@_attrs_define
class FiguresView:
    """ 
        Attributes:
            cost (str):
            tokens (TokensView):
     """

    cost: str
    tokens: TokensView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tokens_view import TokensView # noqa: PLC0415
        cost = self.cost

        tokens = self.tokens.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cost": cost,
            "tokens": tokens,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tokens_view import TokensView # noqa: PLC0415
        d = dict(src_dict)
        cost = d.pop("cost")

        tokens = TokensView.from_dict(d.pop("tokens"))




        figures_view = cls(
            cost=cost,
            tokens=tokens,
        )


        figures_view.additional_properties = d
        return figures_view

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
