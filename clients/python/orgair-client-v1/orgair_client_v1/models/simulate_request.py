from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.simulate_request_sector import SimulateRequestSector
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dimensions import Dimensions
  from ..models.parameter_overrides import ParameterOverrides





T = TypeVar("T", bound="SimulateRequest")



@_attrs_define
class SimulateRequest:
    """ A company plus optional what-if parameter overrides; nothing is stored.

        Attributes:
            company_id (str):
            dimensions (Dimensions): The seven dimension scores, all required: a missing dimension is an error, never a
                guessed 50.
            sector (SimulateRequestSector): matched case-insensitively
            parameters (None | ParameterOverrides | Unset):
     """

    company_id: str
    dimensions: Dimensions
    sector: SimulateRequestSector
    parameters: None | ParameterOverrides | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.dimensions import Dimensions # noqa: PLC0415
        from ..models.parameter_overrides import ParameterOverrides # noqa: PLC0415
        company_id = self.company_id

        dimensions = self.dimensions.to_dict()

        sector = self.sector.value

        parameters: dict[str, Any] | None | Unset
        if isinstance(self.parameters, Unset):
            parameters = UNSET
        elif isinstance(self.parameters, ParameterOverrides):
            parameters = self.parameters.to_dict()
        else:
            parameters = self.parameters


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "company_id": company_id,
            "dimensions": dimensions,
            "sector": sector,
        })
        if parameters is not UNSET:
            field_dict["parameters"] = parameters

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dimensions import Dimensions # noqa: PLC0415
        from ..models.parameter_overrides import ParameterOverrides # noqa: PLC0415
        d = dict(src_dict)
        company_id = d.pop("company_id")

        dimensions = Dimensions.from_dict(d.pop("dimensions"))




        sector = SimulateRequestSector(d.pop("sector"))




        def _parse_parameters(data: object) -> None | ParameterOverrides | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                parameters_type_0 = ParameterOverrides.from_dict(data)



                return parameters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ParameterOverrides | Unset, data)

        parameters = _parse_parameters(d.pop("parameters", UNSET))


        simulate_request = cls(
            company_id=company_id,
            dimensions=dimensions,
            sector=sector,
            parameters=parameters,
        )

        return simulate_request

