from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_company_view_status import JobCompanyViewStatus
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.item_problem import ItemProblem





T = TypeVar("T", bound="JobCompanyView")



@_attrs_define
class JobCompanyView:
    """ 
        Attributes:
            company_id (str):
            index (int):
            status (JobCompanyViewStatus):
            problem (ItemProblem | None | Unset):
            score_id (None | str | Unset):
     """

    company_id: str
    index: int
    status: JobCompanyViewStatus
    problem: ItemProblem | None | Unset = UNSET
    score_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.item_problem import ItemProblem # noqa: PLC0415
        company_id = self.company_id

        index = self.index

        status = self.status.value

        problem: dict[str, Any] | None | Unset
        if isinstance(self.problem, Unset):
            problem = UNSET
        elif isinstance(self.problem, ItemProblem):
            problem = self.problem.to_dict()
        else:
            problem = self.problem

        score_id: None | str | Unset
        if isinstance(self.score_id, Unset):
            score_id = UNSET
        else:
            score_id = self.score_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "company_id": company_id,
            "index": index,
            "status": status,
        })
        if problem is not UNSET:
            field_dict["problem"] = problem
        if score_id is not UNSET:
            field_dict["score_id"] = score_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.item_problem import ItemProblem # noqa: PLC0415
        d = dict(src_dict)
        company_id = d.pop("company_id")

        index = d.pop("index")

        status = JobCompanyViewStatus(d.pop("status"))




        def _parse_problem(data: object) -> ItemProblem | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                problem_type_0 = ItemProblem.from_dict(data)



                return problem_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ItemProblem | None | Unset, data)

        problem = _parse_problem(d.pop("problem", UNSET))


        def _parse_score_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        score_id = _parse_score_id(d.pop("score_id", UNSET))


        job_company_view = cls(
            company_id=company_id,
            index=index,
            status=status,
            problem=problem,
            score_id=score_id,
        )


        job_company_view.additional_properties = d
        return job_company_view

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
