from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.usage_report_body_provider import UsageReportBodyProvider
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="UsageReportBody")



@_attrs_define
class UsageReportBody:
    """ `POST /costs`: usage another service paid a provider for, priced here from our table.

        Attributes:
            input_tokens (int): Uncached input tokens.
            model (str):
            output_tokens (int):
            provider (UsageReportBodyProvider):
            cache_write_tokens (int | Unset):  Default: 0.
            cached_input_tokens (int | Unset):  Default: 0.
            parent_request_id (None | str | Unset):
            purpose (str | Unset):  Default: 'external'.
     """

    input_tokens: int
    model: str
    output_tokens: int
    provider: UsageReportBodyProvider
    cache_write_tokens: int | Unset = 0
    cached_input_tokens: int | Unset = 0
    parent_request_id: None | str | Unset = UNSET
    purpose: str | Unset = 'external'





    def to_dict(self) -> dict[str, Any]:
        input_tokens = self.input_tokens

        model = self.model

        output_tokens = self.output_tokens

        provider = self.provider.value

        cache_write_tokens = self.cache_write_tokens

        cached_input_tokens = self.cached_input_tokens

        parent_request_id: None | str | Unset
        if isinstance(self.parent_request_id, Unset):
            parent_request_id = UNSET
        else:
            parent_request_id = self.parent_request_id

        purpose = self.purpose


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "input_tokens": input_tokens,
            "model": model,
            "output_tokens": output_tokens,
            "provider": provider,
        })
        if cache_write_tokens is not UNSET:
            field_dict["cache_write_tokens"] = cache_write_tokens
        if cached_input_tokens is not UNSET:
            field_dict["cached_input_tokens"] = cached_input_tokens
        if parent_request_id is not UNSET:
            field_dict["parent_request_id"] = parent_request_id
        if purpose is not UNSET:
            field_dict["purpose"] = purpose

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        input_tokens = d.pop("input_tokens")

        model = d.pop("model")

        output_tokens = d.pop("output_tokens")

        provider = UsageReportBodyProvider(d.pop("provider"))




        cache_write_tokens = d.pop("cache_write_tokens", UNSET)

        cached_input_tokens = d.pop("cached_input_tokens", UNSET)

        def _parse_parent_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent_request_id = _parse_parent_request_id(d.pop("parent_request_id", UNSET))


        purpose = d.pop("purpose", UNSET)

        usage_report_body = cls(
            input_tokens=input_tokens,
            model=model,
            output_tokens=output_tokens,
            provider=provider,
            cache_write_tokens=cache_write_tokens,
            cached_input_tokens=cached_input_tokens,
            parent_request_id=parent_request_id,
            purpose=purpose,
        )

        return usage_report_body

