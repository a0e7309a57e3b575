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
  from ..models.tenant_share_view import TenantShareView





T = TypeVar("T", bound="GlobalBudgetView")



@_attrs_define
class GlobalBudgetView:
    """ The global daily budget: every tenant's LLM calls through this service, against
    DAILY_COST_BUDGET_USD (template parameter DailyCostBudgetUsd).

        Attributes:
            available (None | str): limit - committed, never below 0; null without a limit.
            committed (str): Settled plus held: what admission counts.
            date (datetime.date):
            forecast (str): Projected end-of-day committed amount: committed + the larger of the since-midnight and last-
                hour burn rates x the time to midnight UTC (the budget check's forecast).
            forecast_exceeds_limit (bool): The forecast is above the limit.
            held (str): Open reservations (worst cases of calls in flight or not yet settled).
            limit (None | str): Today: the configured limit. An earlier day: the limit its admissions recorded (null when
                nothing was admitted that day).
            resets_at (datetime.datetime):
            settled (str): The ledger lines of the day's calls.
            tenant_share_limit (None | str): The most one tenant's own calls may commit today (TENANT_GLOBAL_SHARE_PCT of
                the limit); null for an earlier day.
            tenants (list[TenantShareView]): Every tenant with calls on the day, largest share first; their committed
                amounts add up to the global committed amount.
            utilisation (None | str): committed / limit, 4 places rounded down.
            currency (Literal['USD'] | Unset):  Default: 'USD'.
            scope (Literal['global'] | Unset):  Default: 'global'.
     """

    available: None | str
    committed: str
    date: datetime.date
    forecast: str
    forecast_exceeds_limit: bool
    held: str
    limit: None | str
    resets_at: datetime.datetime
    settled: str
    tenant_share_limit: None | str
    tenants: list[TenantShareView]
    utilisation: None | str
    currency: Literal['USD'] | Unset = 'USD'
    scope: Literal['global'] | Unset = 'global'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tenant_share_view import TenantShareView # noqa: PLC0415
        available: None | str
        available = self.available

        committed = self.committed

        date = self.date.isoformat()

        forecast = self.forecast

        forecast_exceeds_limit = self.forecast_exceeds_limit

        held = self.held

        limit: None | str
        limit = self.limit

        resets_at = self.resets_at.isoformat()

        settled = self.settled

        tenant_share_limit: None | str
        tenant_share_limit = self.tenant_share_limit

        tenants = []
        for tenants_item_data in self.tenants:
            tenants_item = tenants_item_data.to_dict()
            tenants.append(tenants_item)



        utilisation: None | str
        utilisation = self.utilisation

        currency = self.currency

        scope = self.scope


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "available": available,
            "committed": committed,
            "date": date,
            "forecast": forecast,
            "forecast_exceeds_limit": forecast_exceeds_limit,
            "held": held,
            "limit": limit,
            "resets_at": resets_at,
            "settled": settled,
            "tenant_share_limit": tenant_share_limit,
            "tenants": tenants,
            "utilisation": utilisation,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency
        if scope is not UNSET:
            field_dict["scope"] = scope

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tenant_share_view import TenantShareView # noqa: PLC0415
        d = dict(src_dict)
        def _parse_available(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        available = _parse_available(d.pop("available"))


        committed = d.pop("committed")

        date = datetime.date.fromisoformat(d.pop("date"))




        forecast = d.pop("forecast")

        forecast_exceeds_limit = d.pop("forecast_exceeds_limit")

        held = d.pop("held")

        def _parse_limit(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        limit = _parse_limit(d.pop("limit"))


        resets_at = datetime.datetime.fromisoformat(d.pop("resets_at"))




        settled = d.pop("settled")

        def _parse_tenant_share_limit(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tenant_share_limit = _parse_tenant_share_limit(d.pop("tenant_share_limit"))


        tenants = []
        _tenants = d.pop("tenants")
        for tenants_item_data in (_tenants):
            tenants_item = TenantShareView.from_dict(tenants_item_data)



            tenants.append(tenants_item)


        def _parse_utilisation(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        utilisation = _parse_utilisation(d.pop("utilisation"))


        currency = cast(Literal['USD'] | Unset , d.pop("currency", UNSET))
        if currency != 'USD'and not isinstance(currency, Unset):
            raise ValueError(f"currency must match const 'USD', got '{currency}'")

        scope = cast(Literal['global'] | Unset , d.pop("scope", UNSET))
        if scope != 'global'and not isinstance(scope, Unset):
            raise ValueError(f"scope must match const 'global', got '{scope}'")

        global_budget_view = cls(
            available=available,
            committed=committed,
            date=date,
            forecast=forecast,
            forecast_exceeds_limit=forecast_exceeds_limit,
            held=held,
            limit=limit,
            resets_at=resets_at,
            settled=settled,
            tenant_share_limit=tenant_share_limit,
            tenants=tenants,
            utilisation=utilisation,
            currency=currency,
            scope=scope,
        )


        global_budget_view.additional_properties = d
        return global_budget_view

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
