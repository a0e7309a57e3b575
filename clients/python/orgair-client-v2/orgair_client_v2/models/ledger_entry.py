from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.ledger_entry_source import LedgerEntrySource
from ..models.ledger_entry_status import LedgerEntryStatus
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="LedgerEntry")



@_attrs_define
class LedgerEntry:
    """ 
        Attributes:
            attempt (int):
            cache_write_tokens (int):
            cached_input_tokens (int):
            call_id (str):
            correlation_id (str):
            cost (str):
            cost_micro_usd (int):
            date (str):
            input_tokens (int):
            model (str):
            outcome (str):
            output_tokens (int):
            parent_request_id (str):
            pricing_version (str):
            provider (str):
            purpose (str):
            request_id (str):
            source (LedgerEntrySource):
            status (LedgerEntryStatus):
            timestamp (datetime.datetime):
            anomalous (bool | Unset): The provider reported usage above the reservation; the line is settled at the
                reservation. Default: False.
     """

    attempt: int
    cache_write_tokens: int
    cached_input_tokens: int
    call_id: str
    correlation_id: str
    cost: str
    cost_micro_usd: int
    date: str
    input_tokens: int
    model: str
    outcome: str
    output_tokens: int
    parent_request_id: str
    pricing_version: str
    provider: str
    purpose: str
    request_id: str
    source: LedgerEntrySource
    status: LedgerEntryStatus
    timestamp: datetime.datetime
    anomalous: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        attempt = self.attempt

        cache_write_tokens = self.cache_write_tokens

        cached_input_tokens = self.cached_input_tokens

        call_id = self.call_id

        correlation_id = self.correlation_id

        cost = self.cost

        cost_micro_usd = self.cost_micro_usd

        date = self.date

        input_tokens = self.input_tokens

        model = self.model

        outcome = self.outcome

        output_tokens = self.output_tokens

        parent_request_id = self.parent_request_id

        pricing_version = self.pricing_version

        provider = self.provider

        purpose = self.purpose

        request_id = self.request_id

        source = self.source.value

        status = self.status.value

        timestamp = self.timestamp.isoformat()

        anomalous = self.anomalous


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempt": attempt,
            "cache_write_tokens": cache_write_tokens,
            "cached_input_tokens": cached_input_tokens,
            "call_id": call_id,
            "correlation_id": correlation_id,
            "cost": cost,
            "cost_micro_usd": cost_micro_usd,
            "date": date,
            "input_tokens": input_tokens,
            "model": model,
            "outcome": outcome,
            "output_tokens": output_tokens,
            "parent_request_id": parent_request_id,
            "pricing_version": pricing_version,
            "provider": provider,
            "purpose": purpose,
            "request_id": request_id,
            "source": source,
            "status": status,
            "timestamp": timestamp,
        })
        if anomalous is not UNSET:
            field_dict["anomalous"] = anomalous

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempt = d.pop("attempt")

        cache_write_tokens = d.pop("cache_write_tokens")

        cached_input_tokens = d.pop("cached_input_tokens")

        call_id = d.pop("call_id")

        correlation_id = d.pop("correlation_id")

        cost = d.pop("cost")

        cost_micro_usd = d.pop("cost_micro_usd")

        date = d.pop("date")

        input_tokens = d.pop("input_tokens")

        model = d.pop("model")

        outcome = d.pop("outcome")

        output_tokens = d.pop("output_tokens")

        parent_request_id = d.pop("parent_request_id")

        pricing_version = d.pop("pricing_version")

        provider = d.pop("provider")

        purpose = d.pop("purpose")

        request_id = d.pop("request_id")

        source = LedgerEntrySource(d.pop("source"))




        status = LedgerEntryStatus(d.pop("status"))




        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))




        anomalous = d.pop("anomalous", UNSET)

        ledger_entry = cls(
            attempt=attempt,
            cache_write_tokens=cache_write_tokens,
            cached_input_tokens=cached_input_tokens,
            call_id=call_id,
            correlation_id=correlation_id,
            cost=cost,
            cost_micro_usd=cost_micro_usd,
            date=date,
            input_tokens=input_tokens,
            model=model,
            outcome=outcome,
            output_tokens=output_tokens,
            parent_request_id=parent_request_id,
            pricing_version=pricing_version,
            provider=provider,
            purpose=purpose,
            request_id=request_id,
            source=source,
            status=status,
            timestamp=timestamp,
            anomalous=anomalous,
        )


        ledger_entry.additional_properties = d
        return ledger_entry

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
