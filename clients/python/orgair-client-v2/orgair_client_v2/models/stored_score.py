from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.stored_score_param_version import StoredScoreParamVersion
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.org_air_v2_result import OrgAirV2Result
  from ..models.review_summary import ReviewSummary
  from ..models.stored_score_assessment_type_0 import StoredScoreAssessmentType0
  from ..models.stored_score_inputs import StoredScoreInputs





T = TypeVar("T", bound="StoredScore")



@_attrs_define
class StoredScore:
    """ A stored score: inputs as submitted, the full breakdown with its parameters, review state.

        Attributes:
            company_id (str):
            correlation_id (str):
            created_at (datetime.datetime):
            inputs (StoredScoreInputs):
            param_version (StoredScoreParamVersion):
            requires_review (bool):
            result (OrgAirV2Result): Score of parameter version v2.0: Org-AI-R with every intermediate of the pipeline.
            score_id (str):
            assessment (None | StoredScoreAssessmentType0 | Unset): For scores produced by POST /assessments: the
                assessment's cost and ledger ids.
            review (None | ReviewSummary | Unset):
     """

    company_id: str
    correlation_id: str
    created_at: datetime.datetime
    inputs: StoredScoreInputs
    param_version: StoredScoreParamVersion
    requires_review: bool
    result: OrgAirV2Result
    score_id: str
    assessment: None | StoredScoreAssessmentType0 | Unset = UNSET
    review: None | ReviewSummary | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.org_air_v2_result import OrgAirV2Result # noqa: PLC0415
        from ..models.review_summary import ReviewSummary # noqa: PLC0415
        from ..models.stored_score_assessment_type_0 import StoredScoreAssessmentType0 # noqa: PLC0415
        from ..models.stored_score_inputs import StoredScoreInputs # noqa: PLC0415
        company_id = self.company_id

        correlation_id = self.correlation_id

        created_at = self.created_at.isoformat()

        inputs = self.inputs.to_dict()

        param_version = self.param_version.value

        requires_review = self.requires_review

        result = self.result.to_dict()

        score_id = self.score_id

        assessment: dict[str, Any] | None | Unset
        if isinstance(self.assessment, Unset):
            assessment = UNSET
        elif isinstance(self.assessment, StoredScoreAssessmentType0):
            assessment = self.assessment.to_dict()
        else:
            assessment = self.assessment

        review: dict[str, Any] | None | Unset
        if isinstance(self.review, Unset):
            review = UNSET
        elif isinstance(self.review, ReviewSummary):
            review = self.review.to_dict()
        else:
            review = self.review


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "company_id": company_id,
            "correlation_id": correlation_id,
            "created_at": created_at,
            "inputs": inputs,
            "param_version": param_version,
            "requires_review": requires_review,
            "result": result,
            "score_id": score_id,
        })
        if assessment is not UNSET:
            field_dict["assessment"] = assessment
        if review is not UNSET:
            field_dict["review"] = review

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.org_air_v2_result import OrgAirV2Result # noqa: PLC0415
        from ..models.review_summary import ReviewSummary # noqa: PLC0415
        from ..models.stored_score_assessment_type_0 import StoredScoreAssessmentType0 # noqa: PLC0415
        from ..models.stored_score_inputs import StoredScoreInputs # noqa: PLC0415
        d = dict(src_dict)
        company_id = d.pop("company_id")

        correlation_id = d.pop("correlation_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        inputs = StoredScoreInputs.from_dict(d.pop("inputs"))




        param_version = StoredScoreParamVersion(d.pop("param_version"))




        requires_review = d.pop("requires_review")

        result = OrgAirV2Result.from_dict(d.pop("result"))




        score_id = d.pop("score_id")

        def _parse_assessment(data: object) -> None | StoredScoreAssessmentType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                assessment_type_0 = StoredScoreAssessmentType0.from_dict(data)



                return assessment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StoredScoreAssessmentType0 | Unset, data)

        assessment = _parse_assessment(d.pop("assessment", UNSET))


        def _parse_review(data: object) -> None | ReviewSummary | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                review_type_0 = ReviewSummary.from_dict(data)



                return review_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReviewSummary | Unset, data)

        review = _parse_review(d.pop("review", UNSET))


        stored_score = cls(
            company_id=company_id,
            correlation_id=correlation_id,
            created_at=created_at,
            inputs=inputs,
            param_version=param_version,
            requires_review=requires_review,
            result=result,
            score_id=score_id,
            assessment=assessment,
            review=review,
        )


        stored_score.additional_properties = d
        return stored_score

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
