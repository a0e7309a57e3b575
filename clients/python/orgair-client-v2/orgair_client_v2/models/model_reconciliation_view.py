from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.figures_view import FiguresView





T = TypeVar("T", bound="ModelReconciliationView")



@_attrs_define
class ModelReconciliationView:
    """ 
        Attributes:
            flagged (list[str]): Why the model is flagged: 'dollars' and/or 'tokens:<type>'; empty when within the
                thresholds.
            ledger (FiguresView):
            model (str): The provider's model name; '(unattributed)' for costs that name no model.
            provider (FiguresView):
     """

    flagged: list[str]
    ledger: FiguresView
    model: str
    provider: FiguresView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.figures_view import FiguresView # noqa: PLC0415
        flagged = self.flagged



        ledger = self.ledger.to_dict()

        model = self.model

        provider = self.provider.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "flagged": flagged,
            "ledger": ledger,
            "model": model,
            "provider": provider,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.figures_view import FiguresView # noqa: PLC0415
        d = dict(src_dict)
        flagged = cast(list[str], d.pop("flagged"))


        ledger = FiguresView.from_dict(d.pop("ledger"))




        model = d.pop("model")

        provider = FiguresView.from_dict(d.pop("provider"))




        model_reconciliation_view = cls(
            flagged=flagged,
            ledger=ledger,
            model=model,
            provider=provider,
        )


        model_reconciliation_view.additional_properties = d
        return model_reconciliation_view

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
