from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.portfolio_result_param_version import PortfolioResultParamVersion
from typing import cast

if TYPE_CHECKING:
  from ..models.portfolio_item import PortfolioItem
  from ..models.portfolio_summary import PortfolioSummary





T = TypeVar("T", bound="PortfolioResult")



@_attrs_define
class PortfolioResult:
    """ 
        Attributes:
            param_version (PortfolioResultParamVersion):
            results (list[PortfolioItem]):
            summary (PortfolioSummary):
     """

    param_version: PortfolioResultParamVersion
    results: list[PortfolioItem]
    summary: PortfolioSummary
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.portfolio_item import PortfolioItem # noqa: PLC0415
        from ..models.portfolio_summary import PortfolioSummary # noqa: PLC0415
        param_version = self.param_version.value

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)



        summary = self.summary.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "param_version": param_version,
            "results": results,
            "summary": summary,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.portfolio_item import PortfolioItem # noqa: PLC0415
        from ..models.portfolio_summary import PortfolioSummary # noqa: PLC0415
        d = dict(src_dict)
        param_version = PortfolioResultParamVersion(d.pop("param_version"))




        results = []
        _results = d.pop("results")
        for results_item_data in (_results):
            results_item = PortfolioItem.from_dict(results_item_data)



            results.append(results_item)


        summary = PortfolioSummary.from_dict(d.pop("summary"))




        portfolio_result = cls(
            param_version=param_version,
            results=results,
            summary=summary,
        )


        portfolio_result.additional_properties = d
        return portfolio_result

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
