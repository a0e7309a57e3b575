from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ModelSpendView")



@_attrs_define
class ModelSpendView:
    """ 
        Attributes:
            cached_input_tokens (int):
            calls (int):
            cost (str):
            input_tokens (int):
            model (str):
            output_tokens (int):
            provider (str):
            uncertain_calls (int):
     """

    cached_input_tokens: int
    calls: int
    cost: str
    input_tokens: int
    model: str
    output_tokens: int
    provider: str
    uncertain_calls: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cached_input_tokens = self.cached_input_tokens

        calls = self.calls

        cost = self.cost

        input_tokens = self.input_tokens

        model = self.model

        output_tokens = self.output_tokens

        provider = self.provider

        uncertain_calls = self.uncertain_calls


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cached_input_tokens": cached_input_tokens,
            "calls": calls,
            "cost": cost,
            "input_tokens": input_tokens,
            "model": model,
            "output_tokens": output_tokens,
            "provider": provider,
            "uncertain_calls": uncertain_calls,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cached_input_tokens = d.pop("cached_input_tokens")

        calls = d.pop("calls")

        cost = d.pop("cost")

        input_tokens = d.pop("input_tokens")

        model = d.pop("model")

        output_tokens = d.pop("output_tokens")

        provider = d.pop("provider")

        uncertain_calls = d.pop("uncertain_calls")

        model_spend_view = cls(
            cached_input_tokens=cached_input_tokens,
            calls=calls,
            cost=cost,
            input_tokens=input_tokens,
            model=model,
            output_tokens=output_tokens,
            provider=provider,
            uncertain_calls=uncertain_calls,
        )


        model_spend_view.additional_properties = d
        return model_spend_view

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
