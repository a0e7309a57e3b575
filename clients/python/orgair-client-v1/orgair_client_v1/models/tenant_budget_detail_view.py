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
  from ..models.budget_change_view import BudgetChangeView
  from ..models.global_share_view import GlobalShareView





T = TypeVar("T", bound="TenantBudgetDetailView")



@_attrs_define
class TenantBudgetDetailView:
    """ 
        Attributes:
            available (None | str): limit - committed, never below 0; null without a limit.
            committed (str):
            date (datetime.date):
            forecast (str): Projected end-of-day committed amount of `tenant:<id>`.
            global_share (GlobalShareView): The tenant's own LLM calls as a part of the global daily budget, and the most of
                it they may
                take (TENANT_GLOBAL_SHARE_PCT of the global limit). Only the tenant's own figures: what other
                tenants spend is never shown.
            held (str):
            history (list[BudgetChangeView]): The budget's latest changes, newest first.
            limit (None | str): The operator-set daily budget; null when none is set (the tenant is bound by its share of
                the global budget only).
            limit_set_at (datetime.datetime | None): When the current budget was set.
            limit_set_by (None | str): Who set the current budget.
            scope (str):
            settled (str):
            share_of_global (None | str): The tenant's own calls (global_share.committed) / the global limit, 4 places.
            tenant_id (str):
            utilisation (None | str): committed / limit, 4 places rounded down.
            currency (Literal['USD'] | Unset):  Default: 'USD'.
     """

    available: None | str
    committed: str
    date: datetime.date
    forecast: str
    global_share: GlobalShareView
    held: str
    history: list[BudgetChangeView]
    limit: None | str
    limit_set_at: datetime.datetime | None
    limit_set_by: None | str
    scope: str
    settled: str
    share_of_global: None | str
    tenant_id: str
    utilisation: None | str
    currency: Literal['USD'] | Unset = 'USD'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.budget_change_view import BudgetChangeView # noqa: PLC0415
        from ..models.global_share_view import GlobalShareView # noqa: PLC0415
        available: None | str
        available = self.available

        committed = self.committed

        date = self.date.isoformat()

        forecast = self.forecast

        global_share = self.global_share.to_dict()

        held = self.held

        history = []
        for history_item_data in self.history:
            history_item = history_item_data.to_dict()
            history.append(history_item)



        limit: None | str
        limit = self.limit

        limit_set_at: None | str
        if isinstance(self.limit_set_at, datetime.datetime):
            limit_set_at = self.limit_set_at.isoformat()
        else:
            limit_set_at = self.limit_set_at

        limit_set_by: None | str
        limit_set_by = self.limit_set_by

        scope = self.scope

        settled = self.settled

        share_of_global: None | str
        share_of_global = self.share_of_global

        tenant_id = self.tenant_id

        utilisation: None | str
        utilisation = self.utilisation

        currency = self.currency


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "available": available,
            "committed": committed,
            "date": date,
            "forecast": forecast,
            "global_share": global_share,
            "held": held,
            "history": history,
            "limit": limit,
            "limit_set_at": limit_set_at,
            "limit_set_by": limit_set_by,
            "scope": scope,
            "settled": settled,
            "share_of_global": share_of_global,
            "tenant_id": tenant_id,
            "utilisation": utilisation,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.budget_change_view import BudgetChangeView # noqa: PLC0415
        from ..models.global_share_view import GlobalShareView # noqa: PLC0415
        d = dict(src_dict)
        def _parse_available(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        available = _parse_available(d.pop("available"))


        committed = d.pop("committed")

        date = datetime.date.fromisoformat(d.pop("date"))




        forecast = d.pop("forecast")

        global_share = GlobalShareView.from_dict(d.pop("global_share"))




        held = d.pop("held")

        history = []
        _history = d.pop("history")
        for history_item_data in (_history):
            history_item = BudgetChangeView.from_dict(history_item_data)



            history.append(history_item)


        def _parse_limit(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        limit = _parse_limit(d.pop("limit"))


        def _parse_limit_set_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                limit_set_at_type_0 = datetime.datetime.fromisoformat(data)



                return limit_set_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        limit_set_at = _parse_limit_set_at(d.pop("limit_set_at"))


        def _parse_limit_set_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        limit_set_by = _parse_limit_set_by(d.pop("limit_set_by"))


        scope = d.pop("scope")

        settled = d.pop("settled")

        def _parse_share_of_global(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        share_of_global = _parse_share_of_global(d.pop("share_of_global"))


        tenant_id = d.pop("tenant_id")

        def _parse_utilisation(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        utilisation = _parse_utilisation(d.pop("utilisation"))


        currency = cast(Literal['USD'] | Unset , d.pop("currency", UNSET))
        if currency != 'USD'and not isinstance(currency, Unset):
            raise ValueError(f"currency must match const 'USD', got '{currency}'")

        tenant_budget_detail_view = cls(
            available=available,
            committed=committed,
            date=date,
            forecast=forecast,
            global_share=global_share,
            held=held,
            history=history,
            limit=limit,
            limit_set_at=limit_set_at,
            limit_set_by=limit_set_by,
            scope=scope,
            settled=settled,
            share_of_global=share_of_global,
            tenant_id=tenant_id,
            utilisation=utilisation,
            currency=currency,
        )


        tenant_budget_detail_view.additional_properties = d
        return tenant_budget_detail_view

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
