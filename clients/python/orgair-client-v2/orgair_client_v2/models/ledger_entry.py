from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.ledger_entry_kind import LedgerEntryKind
from ..models.ledger_entry_source import LedgerEntrySource
from ..models.ledger_entry_status import LedgerEntryStatus
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.degraded_view import DegradedView





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
            date (datetime.date):
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
            corrects (None | str | Unset): A correction's target: the ledger key of the charge line it restates; null on a
                charge.
            degraded (DegradedView | None | Unset): Set when the call was routed to the cheaper DEGRADED_LLM_MODEL instead
                of `requested_model`, and why; null otherwise.
            kind (LedgerEntryKind | Unset): `charge`: a call's cost. `correction`: appended after a late price change to
                restate the line named by `corrects` at `price_row_id`; its cost is the difference (may be negative) and its
                tokens are the corrected line's, not new consumption. Default: LedgerEntryKind.CHARGE.
            price_row_id (None | str | Unset): The price row that priced the line, `<model>@<effective_from>` (null on lines
                written before price rows had ids).
     """

    attempt: int
    cache_write_tokens: int
    cached_input_tokens: int
    call_id: str
    correlation_id: str
    cost: str
    cost_micro_usd: int
    date: datetime.date
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
    corrects: None | str | Unset = UNSET
    degraded: DegradedView | None | Unset = UNSET
    kind: LedgerEntryKind | Unset = LedgerEntryKind.CHARGE
    price_row_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.degraded_view import DegradedView # noqa: PLC0415
        attempt = self.attempt

        cache_write_tokens = self.cache_write_tokens

        cached_input_tokens = self.cached_input_tokens

        call_id = self.call_id

        correlation_id = self.correlation_id

        cost = self.cost

        cost_micro_usd = self.cost_micro_usd

        date = self.date.isoformat()

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

        corrects: None | str | Unset
        if isinstance(self.corrects, Unset):
            corrects = UNSET
        else:
            corrects = self.corrects

        degraded: dict[str, Any] | None | Unset
        if isinstance(self.degraded, Unset):
            degraded = UNSET
        elif isinstance(self.degraded, DegradedView):
            degraded = self.degraded.to_dict()
        else:
            degraded = self.degraded

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value


        price_row_id: None | str | Unset
        if isinstance(self.price_row_id, Unset):
            price_row_id = UNSET
        else:
            price_row_id = self.price_row_id


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
        if corrects is not UNSET:
            field_dict["corrects"] = corrects
        if degraded is not UNSET:
            field_dict["degraded"] = degraded
        if kind is not UNSET:
            field_dict["kind"] = kind
        if price_row_id is not UNSET:
            field_dict["price_row_id"] = price_row_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.degraded_view import DegradedView # noqa: PLC0415
        d = dict(src_dict)
        attempt = d.pop("attempt")

        cache_write_tokens = d.pop("cache_write_tokens")

        cached_input_tokens = d.pop("cached_input_tokens")

        call_id = d.pop("call_id")

        correlation_id = d.pop("correlation_id")

        cost = d.pop("cost")

        cost_micro_usd = d.pop("cost_micro_usd")

        date = datetime.date.fromisoformat(d.pop("date"))




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

        def _parse_corrects(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        corrects = _parse_corrects(d.pop("corrects", UNSET))


        def _parse_degraded(data: object) -> DegradedView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                degraded_type_0 = DegradedView.from_dict(data)



                return degraded_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DegradedView | None | Unset, data)

        degraded = _parse_degraded(d.pop("degraded", UNSET))


        _kind = d.pop("kind", UNSET)
        kind: LedgerEntryKind | Unset
        if isinstance(_kind,  Unset):
            kind = UNSET
        else:
            kind = LedgerEntryKind(_kind)




        def _parse_price_row_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        price_row_id = _parse_price_row_id(d.pop("price_row_id", UNSET))


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
            corrects=corrects,
            degraded=degraded,
            kind=kind,
            price_row_id=price_row_id,
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
