from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="IndividualParameters")



@_attrs_define
class IndividualParameters:
    """ The individual-model parameters exactly as they entered the formulas (quantised to 4 dp).

        Attributes:
            alpha (float):
            beta_synergy_coef (float):
            gamma_experience (float):
            w_adaptive (float):
            w_domain (float):
            w_fluency (float):
     """

    alpha: float
    beta_synergy_coef: float
    gamma_experience: float
    w_adaptive: float
    w_domain: float
    w_fluency: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        alpha = self.alpha

        beta_synergy_coef = self.beta_synergy_coef

        gamma_experience = self.gamma_experience

        w_adaptive = self.w_adaptive

        w_domain = self.w_domain

        w_fluency = self.w_fluency


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "alpha": alpha,
            "beta_synergy_coef": beta_synergy_coef,
            "gamma_experience": gamma_experience,
            "w_adaptive": w_adaptive,
            "w_domain": w_domain,
            "w_fluency": w_fluency,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        alpha = d.pop("alpha")

        beta_synergy_coef = d.pop("beta_synergy_coef")

        gamma_experience = d.pop("gamma_experience")

        w_adaptive = d.pop("w_adaptive")

        w_domain = d.pop("w_domain")

        w_fluency = d.pop("w_fluency")

        individual_parameters = cls(
            alpha=alpha,
            beta_synergy_coef=beta_synergy_coef,
            gamma_experience=gamma_experience,
            w_adaptive=w_adaptive,
            w_domain=w_domain,
            w_fluency=w_fluency,
        )


        individual_parameters.additional_properties = d
        return individual_parameters

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
