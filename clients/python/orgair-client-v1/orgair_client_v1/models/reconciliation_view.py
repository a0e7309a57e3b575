from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.reconciliation_view_stage import ReconciliationViewStage
from ..models.reconciliation_view_status import ReconciliationViewStatus
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.model_reconciliation_view import ModelReconciliationView
  from ..models.reconciliation_alert_view import ReconciliationAlertView





T = TypeVar("T", bound="ReconciliationView")



@_attrs_define
class ReconciliationView:
    """ 
        Attributes:
            alert (None | ReconciliationAlertView):
            checked_at (datetime.datetime):
            error (None | str): Why the provider's report could not be used (status error).
            ledger_total (str):
            models (list[ModelReconciliationView]):
            provider (str):
            provider_total (str):
            stage (ReconciliationViewStage): provisional: checked at T+1; close: at T+2.
            status (ReconciliationViewStatus):
     """

    alert: None | ReconciliationAlertView
    checked_at: datetime.datetime
    error: None | str
    ledger_total: str
    models: list[ModelReconciliationView]
    provider: str
    provider_total: str
    stage: ReconciliationViewStage
    status: ReconciliationViewStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.model_reconciliation_view import ModelReconciliationView # noqa: PLC0415
        from ..models.reconciliation_alert_view import ReconciliationAlertView # noqa: PLC0415
        alert: dict[str, Any] | None
        if isinstance(self.alert, ReconciliationAlertView):
            alert = self.alert.to_dict()
        else:
            alert = self.alert

        checked_at = self.checked_at.isoformat()

        error: None | str
        error = self.error

        ledger_total = self.ledger_total

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)



        provider = self.provider

        provider_total = self.provider_total

        stage = self.stage.value

        status = self.status.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "alert": alert,
            "checked_at": checked_at,
            "error": error,
            "ledger_total": ledger_total,
            "models": models,
            "provider": provider,
            "provider_total": provider_total,
            "stage": stage,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_reconciliation_view import ModelReconciliationView # noqa: PLC0415
        from ..models.reconciliation_alert_view import ReconciliationAlertView # noqa: PLC0415
        d = dict(src_dict)
        def _parse_alert(data: object) -> None | ReconciliationAlertView:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                alert_type_0 = ReconciliationAlertView.from_dict(data)



                return alert_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReconciliationAlertView, data)

        alert = _parse_alert(d.pop("alert"))


        checked_at = datetime.datetime.fromisoformat(d.pop("checked_at"))




        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))


        ledger_total = d.pop("ledger_total")

        models = []
        _models = d.pop("models")
        for models_item_data in (_models):
            models_item = ModelReconciliationView.from_dict(models_item_data)



            models.append(models_item)


        provider = d.pop("provider")

        provider_total = d.pop("provider_total")

        stage = ReconciliationViewStage(d.pop("stage"))




        status = ReconciliationViewStatus(d.pop("status"))




        reconciliation_view = cls(
            alert=alert,
            checked_at=checked_at,
            error=error,
            ledger_total=ledger_total,
            models=models,
            provider=provider,
            provider_total=provider_total,
            stage=stage,
            status=status,
        )


        reconciliation_view.additional_properties = d
        return reconciliation_view

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
