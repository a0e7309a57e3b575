from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.sector import Sector
from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.assumption import Assumption
  from ..models.reported_weights import ReportedWeights





T = TypeVar("T", bound="CompositeResult")



@_attrs_define
class CompositeResult:
    """ Score of parameter version v1.0: the weighted composite of the seven dimensions.

        Attributes:
            company_id (str):
            composite (float):
            sector (Sector): Sectors with their own readiness benchmarks; anything else is filed under `other`.
            weights (ReportedWeights): Dimension weights as they entered the formulas (rounded to 4 dp), for a report.

                Deliberately without the sum-to-1 rule: rounding each allowed weight may move their sum a
                little (0.999 can become 0.9988), and a report, or a stored one read back, must show the values
                actually used rather than fail.
            assumptions (list[Assumption] | Unset):
            param_version (Literal['v1.0'] | Unset):  Default: 'v1.0'.
     """

    company_id: str
    composite: float
    sector: Sector
    weights: ReportedWeights
    assumptions: list[Assumption] | Unset = UNSET
    param_version: Literal['v1.0'] | Unset = 'v1.0'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.assumption import Assumption # noqa: PLC0415
        from ..models.reported_weights import ReportedWeights # noqa: PLC0415
        company_id = self.company_id

        composite = self.composite

        sector = self.sector.value

        weights = self.weights.to_dict()

        assumptions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.assumptions, Unset):
            assumptions = []
            for assumptions_item_data in self.assumptions:
                assumptions_item = assumptions_item_data.to_dict()
                assumptions.append(assumptions_item)



        param_version = self.param_version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "company_id": company_id,
            "composite": composite,
            "sector": sector,
            "weights": weights,
        })
        if assumptions is not UNSET:
            field_dict["assumptions"] = assumptions
        if param_version is not UNSET:
            field_dict["param_version"] = param_version

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assumption import Assumption # noqa: PLC0415
        from ..models.reported_weights import ReportedWeights # noqa: PLC0415
        d = dict(src_dict)
        company_id = d.pop("company_id")

        composite = d.pop("composite")

        sector = Sector(d.pop("sector"))




        weights = ReportedWeights.from_dict(d.pop("weights"))




        _assumptions = d.pop("assumptions", UNSET)
        assumptions: list[Assumption] | Unset = UNSET
        if _assumptions is not UNSET:
            assumptions = []
            for assumptions_item_data in _assumptions:
                assumptions_item = Assumption.from_dict(assumptions_item_data)



                assumptions.append(assumptions_item)


        param_version = cast(Literal['v1.0'] | Unset , d.pop("param_version", UNSET))
        if param_version != 'v1.0'and not isinstance(param_version, Unset):
            raise ValueError(f"param_version must match const 'v1.0', got '{param_version}'")

        composite_result = cls(
            company_id=company_id,
            composite=composite,
            sector=sector,
            weights=weights,
            assumptions=assumptions,
            param_version=param_version,
        )


        composite_result.additional_properties = d
        return composite_result

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
