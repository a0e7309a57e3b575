from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.stored_score_company_score_input_sector import StoredScoreCompanyScoreInputSector
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dimensions import Dimensions





T = TypeVar("T", bound="StoredScoreCompanyScoreInput")



@_attrs_define
class StoredScoreCompanyScoreInput:
    """ The company as submitted (validated; optional fields left out stay out).

        Attributes:
            company_id (str):
            dimensions (Dimensions): The seven dimension scores, all required: a missing dimension is an error, never a
                guessed 50.
            sector (StoredScoreCompanyScoreInputSector): matched case-insensitively
            alignment (float | None | Unset):
            confidence_level (float | None | Unset):
            evidence_count (int | None | Unset):
            hr_baseline (float | None | Unset):
            market_cap_percentile (float | None | Unset):
            talent_concentration (float | None | Unset):
            target_org_air (float | None | Unset):
            timing_factor (float | None | Unset):
     """

    company_id: str
    dimensions: Dimensions
    sector: StoredScoreCompanyScoreInputSector
    alignment: float | None | Unset = UNSET
    confidence_level: float | None | Unset = UNSET
    evidence_count: int | None | Unset = UNSET
    hr_baseline: float | None | Unset = UNSET
    market_cap_percentile: float | None | Unset = UNSET
    talent_concentration: float | None | Unset = UNSET
    target_org_air: float | None | Unset = UNSET
    timing_factor: float | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.dimensions import Dimensions # noqa: PLC0415
        company_id = self.company_id

        dimensions = self.dimensions.to_dict()

        sector = self.sector.value

        alignment: float | None | Unset
        if isinstance(self.alignment, Unset):
            alignment = UNSET
        else:
            alignment = self.alignment

        confidence_level: float | None | Unset
        if isinstance(self.confidence_level, Unset):
            confidence_level = UNSET
        else:
            confidence_level = self.confidence_level

        evidence_count: int | None | Unset
        if isinstance(self.evidence_count, Unset):
            evidence_count = UNSET
        else:
            evidence_count = self.evidence_count

        hr_baseline: float | None | Unset
        if isinstance(self.hr_baseline, Unset):
            hr_baseline = UNSET
        else:
            hr_baseline = self.hr_baseline

        market_cap_percentile: float | None | Unset
        if isinstance(self.market_cap_percentile, Unset):
            market_cap_percentile = UNSET
        else:
            market_cap_percentile = self.market_cap_percentile

        talent_concentration: float | None | Unset
        if isinstance(self.talent_concentration, Unset):
            talent_concentration = UNSET
        else:
            talent_concentration = self.talent_concentration

        target_org_air: float | None | Unset
        if isinstance(self.target_org_air, Unset):
            target_org_air = UNSET
        else:
            target_org_air = self.target_org_air

        timing_factor: float | None | Unset
        if isinstance(self.timing_factor, Unset):
            timing_factor = UNSET
        else:
            timing_factor = self.timing_factor


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "company_id": company_id,
            "dimensions": dimensions,
            "sector": sector,
        })
        if alignment is not UNSET:
            field_dict["alignment"] = alignment
        if confidence_level is not UNSET:
            field_dict["confidence_level"] = confidence_level
        if evidence_count is not UNSET:
            field_dict["evidence_count"] = evidence_count
        if hr_baseline is not UNSET:
            field_dict["hr_baseline"] = hr_baseline
        if market_cap_percentile is not UNSET:
            field_dict["market_cap_percentile"] = market_cap_percentile
        if talent_concentration is not UNSET:
            field_dict["talent_concentration"] = talent_concentration
        if target_org_air is not UNSET:
            field_dict["target_org_air"] = target_org_air
        if timing_factor is not UNSET:
            field_dict["timing_factor"] = timing_factor

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dimensions import Dimensions # noqa: PLC0415
        d = dict(src_dict)
        company_id = d.pop("company_id")

        dimensions = Dimensions.from_dict(d.pop("dimensions"))




        sector = StoredScoreCompanyScoreInputSector(d.pop("sector"))




        def _parse_alignment(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        alignment = _parse_alignment(d.pop("alignment", UNSET))


        def _parse_confidence_level(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        confidence_level = _parse_confidence_level(d.pop("confidence_level", UNSET))


        def _parse_evidence_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        evidence_count = _parse_evidence_count(d.pop("evidence_count", UNSET))


        def _parse_hr_baseline(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        hr_baseline = _parse_hr_baseline(d.pop("hr_baseline", UNSET))


        def _parse_market_cap_percentile(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        market_cap_percentile = _parse_market_cap_percentile(d.pop("market_cap_percentile", UNSET))


        def _parse_talent_concentration(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        talent_concentration = _parse_talent_concentration(d.pop("talent_concentration", UNSET))


        def _parse_target_org_air(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        target_org_air = _parse_target_org_air(d.pop("target_org_air", UNSET))


        def _parse_timing_factor(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        timing_factor = _parse_timing_factor(d.pop("timing_factor", UNSET))


        stored_score_company_score_input = cls(
            company_id=company_id,
            dimensions=dimensions,
            sector=sector,
            alignment=alignment,
            confidence_level=confidence_level,
            evidence_count=evidence_count,
            hr_baseline=hr_baseline,
            market_cap_percentile=market_cap_percentile,
            talent_concentration=talent_concentration,
            target_org_air=target_org_air,
            timing_factor=timing_factor,
        )

        return stored_score_company_score_input

