from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.portfolio_item_status import PortfolioItemStatus
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.item_problem import ItemProblem
  from ..models.stored_score import StoredScore





T = TypeVar("T", bound="PortfolioItem")



@_attrs_define
class PortfolioItem:
    """ 
        Attributes:
            company_id (None | str):
            index (int):
            status (PortfolioItemStatus):
            problem (ItemProblem | None | Unset):
            score (None | StoredScore | Unset):
     """

    company_id: None | str
    index: int
    status: PortfolioItemStatus
    problem: ItemProblem | None | Unset = UNSET
    score: None | StoredScore | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.item_problem import ItemProblem # noqa: PLC0415
        from ..models.stored_score import StoredScore # noqa: PLC0415
        company_id: None | str
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

        score: dict[str, Any] | None | Unset
        if isinstance(self.score, Unset):
            score = UNSET
        elif isinstance(self.score, StoredScore):
            score = self.score.to_dict()
        else:
            score = self.score


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "company_id": company_id,
            "index": index,
            "status": status,
        })
        if problem is not UNSET:
            field_dict["problem"] = problem
        if score is not UNSET:
            field_dict["score"] = score

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.item_problem import ItemProblem # noqa: PLC0415
        from ..models.stored_score import StoredScore # noqa: PLC0415
        d = dict(src_dict)
        def _parse_company_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        company_id = _parse_company_id(d.pop("company_id"))


        index = d.pop("index")

        status = PortfolioItemStatus(d.pop("status"))




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


        def _parse_score(data: object) -> None | StoredScore | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                score_type_0 = StoredScore.from_dict(data)



                return score_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StoredScore | Unset, data)

        score = _parse_score(d.pop("score", UNSET))


        portfolio_item = cls(
            company_id=company_id,
            index=index,
            status=status,
            problem=problem,
            score=score,
        )


        portfolio_item.additional_properties = d
        return portfolio_item

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
