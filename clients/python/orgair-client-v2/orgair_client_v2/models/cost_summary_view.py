from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast
import datetime

if TYPE_CHECKING:
  from ..models.global_share_view import GlobalShareView
  from ..models.model_spend_view import ModelSpendView





T = TypeVar("T", bound="CostSummaryView")



@_attrs_define
class CostSummaryView:
    """ 
        Attributes:
            by_model (list[ModelSpendView]):
            committed (str):
            date (str):
            forecast (str): Projected end-of-day committed amount (burn rate).
            global_share (GlobalShareView): The tenant's own LLM calls as a part of the global daily budget, and the most of
                it they may
                take (TENANT_GLOBAL_SHARE_PCT of the global limit). Only the tenant's own figures: what other
                tenants spend is never shown.
            held (str):
            limit (None | str):
            pricing_version (str):
            resets_at (datetime.datetime):
            scope (str):
            settled (str):
            utilisation (None | str): committed / limit, 4 places rounded down; null without a limit.
            currency (Literal['USD'] | Unset):  Default: 'USD'.
     """

    by_model: list[ModelSpendView]
    committed: str
    date: str
    forecast: str
    global_share: GlobalShareView
    held: str
    limit: None | str
    pricing_version: str
    resets_at: datetime.datetime
    scope: str
    settled: str
    utilisation: None | str
    currency: Literal['USD'] | Unset = 'USD'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.global_share_view import GlobalShareView # noqa: PLC0415
        from ..models.model_spend_view import ModelSpendView # noqa: PLC0415
        by_model = []
        for by_model_item_data in self.by_model:
            by_model_item = by_model_item_data.to_dict()
            by_model.append(by_model_item)



        committed = self.committed

        date = self.date

        forecast = self.forecast

        global_share = self.global_share.to_dict()

        held = self.held

        limit: None | str
        limit = self.limit

        pricing_version = self.pricing_version

        resets_at = self.resets_at.isoformat()

        scope = self.scope

        settled = self.settled

        utilisation: None | str
        utilisation = self.utilisation

        currency = self.currency


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "by_model": by_model,
            "committed": committed,
            "date": date,
            "forecast": forecast,
            "global_share": global_share,
            "held": held,
            "limit": limit,
            "pricing_version": pricing_version,
            "resets_at": resets_at,
            "scope": scope,
            "settled": settled,
            "utilisation": utilisation,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.global_share_view import GlobalShareView # noqa: PLC0415
        from ..models.model_spend_view import ModelSpendView # noqa: PLC0415
        d = dict(src_dict)
        by_model = []
        _by_model = d.pop("by_model")
        for by_model_item_data in (_by_model):
            by_model_item = ModelSpendView.from_dict(by_model_item_data)



            by_model.append(by_model_item)


        committed = d.pop("committed")

        date = d.pop("date")

        forecast = d.pop("forecast")

        global_share = GlobalShareView.from_dict(d.pop("global_share"))




        held = d.pop("held")

        def _parse_limit(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        limit = _parse_limit(d.pop("limit"))


        pricing_version = d.pop("pricing_version")

        resets_at = datetime.datetime.fromisoformat(d.pop("resets_at"))




        scope = d.pop("scope")

        settled = d.pop("settled")

        def _parse_utilisation(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        utilisation = _parse_utilisation(d.pop("utilisation"))


        currency = cast(Literal['USD'] | Unset , d.pop("currency", UNSET))
        if currency != 'USD'and not isinstance(currency, Unset):
            raise ValueError(f"currency must match const 'USD', got '{currency}'")

        cost_summary_view = cls(
            by_model=by_model,
            committed=committed,
            date=date,
            forecast=forecast,
            global_share=global_share,
            held=held,
            limit=limit,
            pricing_version=pricing_version,
            resets_at=resets_at,
            scope=scope,
            settled=settled,
            utilisation=utilisation,
            currency=currency,
        )


        cost_summary_view.additional_properties = d
        return cost_summary_view

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
