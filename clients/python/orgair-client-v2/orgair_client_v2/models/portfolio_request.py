from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.company_score_input import CompanyScoreInput





T = TypeVar("T", bound="PortfolioRequest")



@_attrs_define
class PortfolioRequest:
    """ Up to 500 companies; each is validated on its own, so one bad item does not fail the rest.

        Attributes:
            companies (list[CompanyScoreInput]): Each item is a company as POST /scores takes it. An item that does not
                match is reported in its result (status `invalid`, with its problem); the others are still stored.
     """

    companies: list[CompanyScoreInput]





    def to_dict(self) -> dict[str, Any]:
        from ..models.company_score_input import CompanyScoreInput # noqa: PLC0415
        companies = []
        for companies_item_data in self.companies:
            companies_item = companies_item_data.to_dict()
            companies.append(companies_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "companies": companies,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.company_score_input import CompanyScoreInput # noqa: PLC0415
        d = dict(src_dict)
        companies = []
        _companies = d.pop("companies")
        for companies_item_data in (_companies):
            companies_item = CompanyScoreInput.from_dict(companies_item_data)



            companies.append(companies_item)


        portfolio_request = cls(
            companies=companies,
        )

        return portfolio_request

