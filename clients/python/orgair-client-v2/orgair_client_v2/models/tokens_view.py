from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="TokensView")



@_attrs_define
class TokensView:
    """ 
        Attributes:
            cache_write_1h (int): Tokens written to the cache with the 1-hour TTL.
            cache_write_5m (int): Tokens written to the cache with the 5-minute TTL (the ledger's cache writes).
            cached_input (int): Input tokens read from the provider's cache.
            input_ (int): Uncached input tokens.
            output (int):
     """

    cache_write_1h: int
    cache_write_5m: int
    cached_input: int
    input_: int
    output: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cache_write_1h = self.cache_write_1h

        cache_write_5m = self.cache_write_5m

        cached_input = self.cached_input

        input_ = self.input_

        output = self.output


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cache_write_1h": cache_write_1h,
            "cache_write_5m": cache_write_5m,
            "cached_input": cached_input,
            "input": input_,
            "output": output,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cache_write_1h = d.pop("cache_write_1h")

        cache_write_5m = d.pop("cache_write_5m")

        cached_input = d.pop("cached_input")

        input_ = d.pop("input")

        output = d.pop("output")

        tokens_view = cls(
            cache_write_1h=cache_write_1h,
            cache_write_5m=cache_write_5m,
            cached_input=cached_input,
            input_=input_,
            output=output,
        )


        tokens_view.additional_properties = d
        return tokens_view

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
