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
            alpha (float | None | Unset):
            beta (float | None | Unset):
            delta (float | None | Unset):
            dimension_weights (DimensionWeights | None | Unset):
            ebitda_gamma (float | None | Unset):
            lambda_ (float | None | Unset):
     """

    alpha: float | None | Unset = UNSET
    beta: float | None | Unset = UNSET
    delta: float | None | Unset = UNSET
    dimension_weights: DimensionWeights | None | Unset = UNSET
    ebitda_gamma: float | None | Unset = UNSET
    lambda_: float | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.dimension_weights import DimensionWeights # noqa: PLC0415
        alpha: float | None | Unset
        if isinstance(self.alpha, Unset):
            alpha = UNSET
        else:
            alpha = self.alpha

        beta: float | None | Unset
        if isinstance(self.beta, Unset):
            beta = UNSET
        else:
            beta = self.beta

        delta: float | None | Unset
        if isinstance(self.delta, Unset):
            delta = UNSET
        else:
            delta = self.delta

        dimension_weights: dict[str, Any] | None | Unset
        if isinstance(self.dimension_weights, Unset):
            dimension_weights = UNSET
        elif isinstance(self.dimension_weights, DimensionWeights):
            dimension_weights = self.dimension_weights.to_dict()
        else:
            dimension_weights = self.dimension_weights

        ebitda_gamma: float | None | Unset
        if isinstance(self.ebitda_gamma, Unset):
            ebitda_gamma = UNSET
        else:
            ebitda_gamma = self.ebitda_gamma

        lambda_: float | None | Unset
        if isinstance(self.lambda_, Unset):
            lambda_ = UNSET
        else:
            lambda_ = self.lambda_


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if alpha is not UNSET:
            field_dict["alpha"] = alpha
        if beta is not UNSET:
            field_dict["beta"] = beta
        if delta is not UNSET:
            field_dict["delta"] = delta
        if dimension_weights is not UNSET:
            field_dict["dimension_weights"] = dimension_weights
        if ebitda_gamma is not UNSET:
            field_dict["ebitda_gamma"] = ebitda_gamma
        if lambda_ is not UNSET:
            field_dict["lambda"] = lambda_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dimension_weights import DimensionWeights # noqa: PLC0415
        d = dict(src_dict)
        def _parse_alpha(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        alpha = _parse_alpha(d.pop("alpha", UNSET))


        def _parse_beta(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        beta = _parse_beta(d.pop("beta", UNSET))


        def _parse_delta(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        delta = _parse_delta(d.pop("delta", UNSET))


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


        def _parse_ebitda_gamma(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        ebitda_gamma = _parse_ebitda_gamma(d.pop("ebitda_gamma", UNSET))


        def _parse_lambda_(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        lambda_ = _parse_lambda_(d.pop("lambda", UNSET))


        parameter_overrides = cls(
            alpha=alpha,
            beta=beta,
            delta=delta,
            dimension_weights=dimension_weights,
            ebitda_gamma=ebitda_gamma,
            lambda_=lambda_,
        )

        return parameter_overrides

