from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.individual_score_input_education_level_type_0 import IndividualScoreInputEducationLevelType0
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="IndividualScoreInput")



@_attrs_define
class IndividualScoreInput:
    """ One person's AI-readiness inputs.

    Domain expertise is given either directly (`domain_expertise`) or through the experience form
    (`education_level`, `years_experience`, `specialisation`, all three), never both, so the caller
    always knows which E was scored.

        Attributes:
            adaptive_capacity (float): must be a number from 0 to 100
            ai_fluency (float): must be a number from 0 to 100
            hr (float): must be a number from 0 to 100
            alignment (float | None | Unset):
            domain_expertise (float | None | Unset):
            education_level (IndividualScoreInputEducationLevelType0 | None | Unset):
            specialisation (float | None | Unset):
            years_experience (float | None | Unset):
     """

    adaptive_capacity: float
    ai_fluency: float
    hr: float
    alignment: float | None | Unset = UNSET
    domain_expertise: float | None | Unset = UNSET
    education_level: IndividualScoreInputEducationLevelType0 | None | Unset = UNSET
    specialisation: float | None | Unset = UNSET
    years_experience: float | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        adaptive_capacity = self.adaptive_capacity

        ai_fluency = self.ai_fluency

        hr = self.hr

        alignment: float | None | Unset
        if isinstance(self.alignment, Unset):
            alignment = UNSET
        else:
            alignment = self.alignment

        domain_expertise: float | None | Unset
        if isinstance(self.domain_expertise, Unset):
            domain_expertise = UNSET
        else:
            domain_expertise = self.domain_expertise

        education_level: None | str | Unset
        if isinstance(self.education_level, Unset):
            education_level = UNSET
        elif isinstance(self.education_level, IndividualScoreInputEducationLevelType0):
            education_level = self.education_level.value
        else:
            education_level = self.education_level

        specialisation: float | None | Unset
        if isinstance(self.specialisation, Unset):
            specialisation = UNSET
        else:
            specialisation = self.specialisation

        years_experience: float | None | Unset
        if isinstance(self.years_experience, Unset):
            years_experience = UNSET
        else:
            years_experience = self.years_experience


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "adaptive_capacity": adaptive_capacity,
            "ai_fluency": ai_fluency,
            "hr": hr,
        })
        if alignment is not UNSET:
            field_dict["alignment"] = alignment
        if domain_expertise is not UNSET:
            field_dict["domain_expertise"] = domain_expertise
        if education_level is not UNSET:
            field_dict["education_level"] = education_level
        if specialisation is not UNSET:
            field_dict["specialisation"] = specialisation
        if years_experience is not UNSET:
            field_dict["years_experience"] = years_experience

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        adaptive_capacity = d.pop("adaptive_capacity")

        ai_fluency = d.pop("ai_fluency")

        hr = d.pop("hr")

        def _parse_alignment(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        alignment = _parse_alignment(d.pop("alignment", UNSET))


        def _parse_domain_expertise(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        domain_expertise = _parse_domain_expertise(d.pop("domain_expertise", UNSET))


        def _parse_education_level(data: object) -> IndividualScoreInputEducationLevelType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                education_level_type_0 = IndividualScoreInputEducationLevelType0(data)



                return education_level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(IndividualScoreInputEducationLevelType0 | None | Unset, data)

        education_level = _parse_education_level(d.pop("education_level", UNSET))


        def _parse_specialisation(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        specialisation = _parse_specialisation(d.pop("specialisation", UNSET))


        def _parse_years_experience(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        years_experience = _parse_years_experience(d.pop("years_experience", UNSET))


        individual_score_input = cls(
            adaptive_capacity=adaptive_capacity,
            ai_fluency=ai_fluency,
            hr=hr,
            alignment=alignment,
            domain_expertise=domain_expertise,
            education_level=education_level,
            specialisation=specialisation,
            years_experience=years_experience,
        )

        return individual_score_input

