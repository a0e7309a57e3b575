from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.individual_score_result_domain_expertise_source import IndividualScoreResultDomainExpertiseSource
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.assumption import Assumption
  from ..models.individual_parameters import IndividualParameters





T = TypeVar("T", bound="IndividualScoreResult")



@_attrs_define
class IndividualScoreResult:
    """ An individual's AI-R with its components.

        Attributes:
            adaptive_capacity (float):
            ai_fluency (float):
            ai_r (float):
            alignment (float):
            domain_expertise (float): E, given directly or derived from experience.
            domain_expertise_source (IndividualScoreResultDomainExpertiseSource):
            hr (float):
            parameters (IndividualParameters): The individual-model parameters exactly as they entered the formulas
                (quantised to 4 dp).
            synergy (float):
            vr (float):
            assumptions (list[Assumption] | Unset):
     """

    adaptive_capacity: float
    ai_fluency: float
    ai_r: float
    alignment: float
    domain_expertise: float
    domain_expertise_source: IndividualScoreResultDomainExpertiseSource
    hr: float
    parameters: IndividualParameters
    synergy: float
    vr: float
    assumptions: list[Assumption] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.assumption import Assumption # noqa: PLC0415
        from ..models.individual_parameters import IndividualParameters # noqa: PLC0415
        adaptive_capacity = self.adaptive_capacity

        ai_fluency = self.ai_fluency

        ai_r = self.ai_r

        alignment = self.alignment

        domain_expertise = self.domain_expertise

        domain_expertise_source = self.domain_expertise_source.value

        hr = self.hr

        parameters = self.parameters.to_dict()

        synergy = self.synergy

        vr = self.vr

        assumptions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.assumptions, Unset):
            assumptions = []
            for assumptions_item_data in self.assumptions:
                assumptions_item = assumptions_item_data.to_dict()
                assumptions.append(assumptions_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "adaptive_capacity": adaptive_capacity,
            "ai_fluency": ai_fluency,
            "ai_r": ai_r,
            "alignment": alignment,
            "domain_expertise": domain_expertise,
            "domain_expertise_source": domain_expertise_source,
            "hr": hr,
            "parameters": parameters,
            "synergy": synergy,
            "vr": vr,
        })
        if assumptions is not UNSET:
            field_dict["assumptions"] = assumptions

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assumption import Assumption # noqa: PLC0415
        from ..models.individual_parameters import IndividualParameters # noqa: PLC0415
        d = dict(src_dict)
        adaptive_capacity = d.pop("adaptive_capacity")

        ai_fluency = d.pop("ai_fluency")

        ai_r = d.pop("ai_r")

        alignment = d.pop("alignment")

        domain_expertise = d.pop("domain_expertise")

        domain_expertise_source = IndividualScoreResultDomainExpertiseSource(d.pop("domain_expertise_source"))




        hr = d.pop("hr")

        parameters = IndividualParameters.from_dict(d.pop("parameters"))




        synergy = d.pop("synergy")

        vr = d.pop("vr")

        _assumptions = d.pop("assumptions", UNSET)
        assumptions: list[Assumption] | Unset = UNSET
        if _assumptions is not UNSET:
            assumptions = []
            for assumptions_item_data in _assumptions:
                assumptions_item = Assumption.from_dict(assumptions_item_data)



                assumptions.append(assumptions_item)


        individual_score_result = cls(
            adaptive_capacity=adaptive_capacity,
            ai_fluency=ai_fluency,
            ai_r=ai_r,
            alignment=alignment,
            domain_expertise=domain_expertise,
            domain_expertise_source=domain_expertise_source,
            hr=hr,
            parameters=parameters,
            synergy=synergy,
            vr=vr,
            assumptions=assumptions,
        )


        individual_score_result.additional_properties = d
        return individual_score_result

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
