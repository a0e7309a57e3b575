from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.reported_weights import ReportedWeights





T = TypeVar("T", bound="AppliedParameters")



@_attrs_define
class AppliedParameters:
    """ The organisational parameters exactly as they entered the formulas (quantised to 4 dp).

        Attributes:
            alpha (float):
            beta (float):
            delta (float):
            dimension_weights (ReportedWeights): Dimension weights as they entered the formulas (rounded to 4 dp), for a
                report.

                Deliberately without the sum-to-1 rule: rounding each allowed weight may move their sum a
                little (0.999 can become 0.9988), and a report, or a stored one read back, must show the values
                actually used rather than fail.
            ebitda_gamma (float):
            lambda_ (float):
     """

    alpha: float
    beta: float
    delta: float
    dimension_weights: ReportedWeights
    ebitda_gamma: float
    lambda_: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.reported_weights import ReportedWeights # noqa: PLC0415
        alpha = self.alpha

        beta = self.beta

        delta = self.delta

        dimension_weights = self.dimension_weights.to_dict()

        ebitda_gamma = self.ebitda_gamma

        lambda_ = self.lambda_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "alpha": alpha,
            "beta": beta,
            "delta": delta,
            "dimension_weights": dimension_weights,
            "ebitda_gamma": ebitda_gamma,
            "lambda": lambda_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reported_weights import ReportedWeights # noqa: PLC0415
        d = dict(src_dict)
        alpha = d.pop("alpha")

        beta = d.pop("beta")

        delta = d.pop("delta")

        dimension_weights = ReportedWeights.from_dict(d.pop("dimension_weights"))




        ebitda_gamma = d.pop("ebitda_gamma")

        lambda_ = d.pop("lambda")

        applied_parameters = cls(
            alpha=alpha,
            beta=beta,
            delta=delta,
            dimension_weights=dimension_weights,
            ebitda_gamma=ebitda_gamma,
            lambda_=lambda_,
        )


        applied_parameters.additional_properties = d
        return applied_parameters

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
