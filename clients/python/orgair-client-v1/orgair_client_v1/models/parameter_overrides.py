from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dimension_weights import DimensionWeights





T = TypeVar("T", bound="ParameterOverrides")



@_attrs_define
class ParameterOverrides:
    """ The `parameters` object of a what-if simulation; every field optional, each within its range.

        Attributes:
            dimension_weights (DimensionWeights | None | Unset):
     """

    dimension_weights: DimensionWeights | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.dimension_weights import DimensionWeights # noqa: PLC0415
        dimension_weights: dict[str, Any] | None | Unset
        if isinstance(self.dimension_weights, Unset):
            dimension_weights = UNSET
        elif isinstance(self.dimension_weights, DimensionWeights):
            dimension_weights = self.dimension_weights.to_dict()
        else:
            dimension_weights = self.dimension_weights


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if dimension_weights is not UNSET:
            field_dict["dimension_weights"] = dimension_weights

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dimension_weights import DimensionWeights # noqa: PLC0415
        d = dict(src_dict)
        def _parse_dimension_weights(data: object) -> DimensionWeights | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                dimension_weights_type_0 = DimensionWeights.from_dict(data)



                return dimension_weights_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DimensionWeights | None | Unset, data)

        dimension_weights = _parse_dimension_weights(d.pop("dimension_weights", UNSET))


        parameter_overrides = cls(
            dimension_weights=dimension_weights,
        )

        return parameter_overrides

