from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.alert_view_kind import AlertViewKind
from typing import cast
import datetime






T = TypeVar("T", bound="AlertView")



@_attrs_define
class AlertView:
    """ 
        Attributes:
            claimed_at (datetime.datetime):
            committed (str):
            date (str):
            forecast (None | str):
            kind (AlertViewKind):
            limit (str):
            published_at (datetime.datetime | None):
            scope (str):
            threshold (str):
            utilisation (None | str):
     """

    claimed_at: datetime.datetime
    committed: str
    date: str
    forecast: None | str
    kind: AlertViewKind
    limit: str
    published_at: datetime.datetime | None
    scope: str
    threshold: str
    utilisation: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        claimed_at = self.claimed_at.isoformat()

        committed = self.committed

        date = self.date

        forecast: None | str
        forecast = self.forecast

        kind = self.kind.value

        limit = self.limit

        published_at: None | str
        if isinstance(self.published_at, datetime.datetime):
            published_at = self.published_at.isoformat()
        else:
            published_at = self.published_at

        scope = self.scope

        threshold = self.threshold

        utilisation: None | str
        utilisation = self.utilisation


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "claimed_at": claimed_at,
            "committed": committed,
            "date": date,
            "forecast": forecast,
            "kind": kind,
            "limit": limit,
            "published_at": published_at,
            "scope": scope,
            "threshold": threshold,
            "utilisation": utilisation,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        claimed_at = datetime.datetime.fromisoformat(d.pop("claimed_at"))




        committed = d.pop("committed")

        date = d.pop("date")

        def _parse_forecast(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        forecast = _parse_forecast(d.pop("forecast"))


        kind = AlertViewKind(d.pop("kind"))




        limit = d.pop("limit")

        def _parse_published_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                published_at_type_0 = datetime.datetime.fromisoformat(data)



                return published_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        published_at = _parse_published_at(d.pop("published_at"))


        scope = d.pop("scope")

        threshold = d.pop("threshold")

        def _parse_utilisation(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        utilisation = _parse_utilisation(d.pop("utilisation"))


        alert_view = cls(
            claimed_at=claimed_at,
            committed=committed,
            date=date,
            forecast=forecast,
            kind=kind,
            limit=limit,
            published_at=published_at,
            scope=scope,
            threshold=threshold,
            utilisation=utilisation,
        )


        alert_view.additional_properties = d
        return alert_view

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
