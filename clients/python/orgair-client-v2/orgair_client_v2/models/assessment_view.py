from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.assessment_llm_view import AssessmentLlmView
  from ..models.dimension_ratings_view import DimensionRatingsView
  from ..models.evidence_provenance_view import EvidenceProvenanceView





T = TypeVar("T", bound="AssessmentView")



@_attrs_define
class AssessmentView:
    """ For scores produced by POST /assessments: the ratings, the evidence read, the prompt version
    and the LLM spend.

        Attributes:
            evidence_chars (int):
            llm (AssessmentLlmView): Where the assessment's spend is on the ledger: one line per attempt, under one parent
                request.
            ratings (DimensionRatingsView): The model's rating of each dimension, with its rationale.
            evidence (EvidenceProvenanceView | None | Unset): The evidence the model read (absent on scores assessed before
                evidence was kept).
            prompt_version (None | str | Unset): The version of the assessment prompt that produced the ratings (absent on
                scores assessed before prompts were versioned).
     """

    evidence_chars: int
    llm: AssessmentLlmView
    ratings: DimensionRatingsView
    evidence: EvidenceProvenanceView | None | Unset = UNSET
    prompt_version: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.assessment_llm_view import AssessmentLlmView # noqa: PLC0415
        from ..models.dimension_ratings_view import DimensionRatingsView # noqa: PLC0415
        from ..models.evidence_provenance_view import EvidenceProvenanceView # noqa: PLC0415
        evidence_chars = self.evidence_chars

        llm = self.llm.to_dict()

        ratings = self.ratings.to_dict()

        evidence: dict[str, Any] | None | Unset
        if isinstance(self.evidence, Unset):
            evidence = UNSET
        elif isinstance(self.evidence, EvidenceProvenanceView):
            evidence = self.evidence.to_dict()
        else:
            evidence = self.evidence

        prompt_version: None | str | Unset
        if isinstance(self.prompt_version, Unset):
            prompt_version = UNSET
        else:
            prompt_version = self.prompt_version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "evidence_chars": evidence_chars,
            "llm": llm,
            "ratings": ratings,
        })
        if evidence is not UNSET:
            field_dict["evidence"] = evidence
        if prompt_version is not UNSET:
            field_dict["prompt_version"] = prompt_version

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assessment_llm_view import AssessmentLlmView # noqa: PLC0415
        from ..models.dimension_ratings_view import DimensionRatingsView # noqa: PLC0415
        from ..models.evidence_provenance_view import EvidenceProvenanceView # noqa: PLC0415
        d = dict(src_dict)
        evidence_chars = d.pop("evidence_chars")

        llm = AssessmentLlmView.from_dict(d.pop("llm"))




        ratings = DimensionRatingsView.from_dict(d.pop("ratings"))




        def _parse_evidence(data: object) -> EvidenceProvenanceView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                evidence_type_0 = EvidenceProvenanceView.from_dict(data)



                return evidence_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EvidenceProvenanceView | None | Unset, data)

        evidence = _parse_evidence(d.pop("evidence", UNSET))


        def _parse_prompt_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        prompt_version = _parse_prompt_version(d.pop("prompt_version", UNSET))


        assessment_view = cls(
            evidence_chars=evidence_chars,
            llm=llm,
            ratings=ratings,
            evidence=evidence,
            prompt_version=prompt_version,
        )


        assessment_view.additional_properties = d
        return assessment_view

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
