from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.portfolio_request_companies_item import PortfolioRequestCompaniesItem





T = TypeVar("T", bound="PortfolioRequest")



@_attrs_define
class PortfolioRequest:
    """ Up to 500 companies; each is validated on its own, so one bad item does not fail the rest.

        Attributes:
            companies (list[PortfolioRequestCompaniesItem]):
     """

    companies: list[PortfolioRequestCompaniesItem]





    def to_dict(self) -> dict[str, Any]:
        from ..models.portfolio_request_companies_item import PortfolioRequestCompaniesItem # noqa: PLC0415
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
        from ..models.portfolio_request_companies_item import PortfolioRequestCompaniesItem # noqa: PLC0415
        d = dict(src_dict)
        companies = []
        _companies = d.pop("companies")
        for companies_item_data in (_companies):
            companies_item = PortfolioRequestCompaniesItem.from_dict(companies_item_data)



            companies.append(companies_item)


        portfolio_request = cls(
            companies=companies,
        )

        return portfolio_request

