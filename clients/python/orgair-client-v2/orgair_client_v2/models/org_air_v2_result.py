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
  from ..models.applied_parameters import AppliedParameters
  from ..models.assumption import Assumption





T = TypeVar("T", bound="OrgAirV2Result")



@_attrs_define
class OrgAirV2Result:
    """ Score of parameter version v2.0: Org-AI-R with every intermediate of the pipeline.

        Attributes:
            alignment (float): A, alignment used in the synergy (step 9).
            c_m (float): c_M, market-cap position (step 7).
            c_v (float): c_V, readiness relative to the sector (step 7).
            ci_lower (float):
            ci_upper (float):
            company_id (str):
            confidence_level (float):
            cv (float): Coefficient of variation σ/D̄ (step 3).
            evidence_count (int):
            hr (float): H^R, systematic opportunity (step 8).
            hr_base (float): H_base, the systematic-opportunity baseline used (step 8).
            org_air (float): Org-AI-R (step 10).
            parameters (AppliedParameters): The organisational parameters exactly as they entered the formulas (quantised to
                4 dp).
            penalty (float): P, balance penalty multiplier (step 4).
            pf (float): PF, position factor (step 7).
            rho (float): ρ, Spearman-Brown reliability (step 11).
            sector (Sector): Sectors with their own readiness benchmarks; anything else is filed under `other`.
            sector_vr_average (float): a, the sector's average V^R (step 7).
            sem (float): SEM, standard error of measurement (step 11).
            std_dev (float): σ, weighted population standard deviation (step 2).
            synergy (float): S, synergy (step 9).
            timing_factor (float): T, timing factor used in the synergy (step 9).
            tra (float): TRA, talent-risk adjustment multiplier (step 5).
            vr (float): V^R, idiosyncratic readiness (step 6).
            weighted_mean (float): D̄, weighted mean of the dimensions (step 1).
            z (float): Two-sided normal quantile of the confidence level (step 11).
            assumptions (list[Assumption] | Unset):
            ebitda_impact_pct (float | None | Unset): Projected EBITDA impact in percent, when target_org_air was given.
            param_version (Literal['v2.0'] | Unset):  Default: 'v2.0'.
            target_org_air (float | None | Unset):
     """

    alignment: float
    c_m: float
    c_v: float
    ci_lower: float
    ci_upper: float
    company_id: str
    confidence_level: float
    cv: float
    evidence_count: int
    hr: float
    hr_base: float
    org_air: float
    parameters: AppliedParameters
    penalty: float
    pf: float
    rho: float
    sector: Sector
    sector_vr_average: float
    sem: float
    std_dev: float
    synergy: float
    timing_factor: float
    tra: float
    vr: float
    weighted_mean: float
    z: float
    assumptions: list[Assumption] | Unset = UNSET
    ebitda_impact_pct: float | None | Unset = UNSET
    param_version: Literal['v2.0'] | Unset = 'v2.0'
    target_org_air: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.applied_parameters import AppliedParameters # noqa: PLC0415
        from ..models.assumption import Assumption # noqa: PLC0415
        alignment = self.alignment

        c_m = self.c_m

        c_v = self.c_v

        ci_lower = self.ci_lower

        ci_upper = self.ci_upper

        company_id = self.company_id

        confidence_level = self.confidence_level

        cv = self.cv

        evidence_count = self.evidence_count

        hr = self.hr

        hr_base = self.hr_base

        org_air = self.org_air

        parameters = self.parameters.to_dict()

        penalty = self.penalty

        pf = self.pf

        rho = self.rho

        sector = self.sector.value

        sector_vr_average = self.sector_vr_average

        sem = self.sem

        std_dev = self.std_dev

        synergy = self.synergy

        timing_factor = self.timing_factor

        tra = self.tra

        vr = self.vr

        weighted_mean = self.weighted_mean

        z = self.z

        assumptions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.assumptions, Unset):
            assumptions = []
            for assumptions_item_data in self.assumptions:
                assumptions_item = assumptions_item_data.to_dict()
                assumptions.append(assumptions_item)



        ebitda_impact_pct: float | None | Unset
        if isinstance(self.ebitda_impact_pct, Unset):
            ebitda_impact_pct = UNSET
        else:
            ebitda_impact_pct = self.ebitda_impact_pct

        param_version = self.param_version

        target_org_air: float | None | Unset
        if isinstance(self.target_org_air, Unset):
            target_org_air = UNSET
        else:
            target_org_air = self.target_org_air


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "alignment": alignment,
            "c_m": c_m,
            "c_v": c_v,
            "ci_lower": ci_lower,
            "ci_upper": ci_upper,
            "company_id": company_id,
            "confidence_level": confidence_level,
            "cv": cv,
            "evidence_count": evidence_count,
            "hr": hr,
            "hr_base": hr_base,
            "org_air": org_air,
            "parameters": parameters,
            "penalty": penalty,
            "pf": pf,
            "rho": rho,
            "sector": sector,
            "sector_vr_average": sector_vr_average,
            "sem": sem,
            "std_dev": std_dev,
            "synergy": synergy,
            "timing_factor": timing_factor,
            "tra": tra,
            "vr": vr,
            "weighted_mean": weighted_mean,
            "z": z,
        })
        if assumptions is not UNSET:
            field_dict["assumptions"] = assumptions
        if ebitda_impact_pct is not UNSET:
            field_dict["ebitda_impact_pct"] = ebitda_impact_pct
        if param_version is not UNSET:
            field_dict["param_version"] = param_version
        if target_org_air is not UNSET:
            field_dict["target_org_air"] = target_org_air

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.applied_parameters import AppliedParameters # noqa: PLC0415
        from ..models.assumption import Assumption # noqa: PLC0415
        d = dict(src_dict)
        alignment = d.pop("alignment")

        c_m = d.pop("c_m")

        c_v = d.pop("c_v")

        ci_lower = d.pop("ci_lower")

        ci_upper = d.pop("ci_upper")

        company_id = d.pop("company_id")

        confidence_level = d.pop("confidence_level")

        cv = d.pop("cv")

        evidence_count = d.pop("evidence_count")

        hr = d.pop("hr")

        hr_base = d.pop("hr_base")

        org_air = d.pop("org_air")

        parameters = AppliedParameters.from_dict(d.pop("parameters"))




        penalty = d.pop("penalty")

        pf = d.pop("pf")

        rho = d.pop("rho")

        sector = Sector(d.pop("sector"))




        sector_vr_average = d.pop("sector_vr_average")

        sem = d.pop("sem")

        std_dev = d.pop("std_dev")

        synergy = d.pop("synergy")

        timing_factor = d.pop("timing_factor")

        tra = d.pop("tra")

        vr = d.pop("vr")

        weighted_mean = d.pop("weighted_mean")

        z = d.pop("z")

        _assumptions = d.pop("assumptions", UNSET)
        assumptions: list[Assumption] | Unset = UNSET
        if _assumptions is not UNSET:
            assumptions = []
            for assumptions_item_data in _assumptions:
                assumptions_item = Assumption.from_dict(assumptions_item_data)



                assumptions.append(assumptions_item)


        def _parse_ebitda_impact_pct(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        ebitda_impact_pct = _parse_ebitda_impact_pct(d.pop("ebitda_impact_pct", UNSET))


        param_version = cast(Literal['v2.0'] | Unset , d.pop("param_version", UNSET))
        if param_version != 'v2.0'and not isinstance(param_version, Unset):
            raise ValueError(f"param_version must match const 'v2.0', got '{param_version}'")

        def _parse_target_org_air(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        target_org_air = _parse_target_org_air(d.pop("target_org_air", UNSET))


        org_air_v2_result = cls(
            alignment=alignment,
            c_m=c_m,
            c_v=c_v,
            ci_lower=ci_lower,
            ci_upper=ci_upper,
            company_id=company_id,
            confidence_level=confidence_level,
            cv=cv,
            evidence_count=evidence_count,
            hr=hr,
            hr_base=hr_base,
            org_air=org_air,
            parameters=parameters,
            penalty=penalty,
            pf=pf,
            rho=rho,
            sector=sector,
            sector_vr_average=sector_vr_average,
            sem=sem,
            std_dev=std_dev,
            synergy=synergy,
            timing_factor=timing_factor,
            tra=tra,
            vr=vr,
            weighted_mean=weighted_mean,
            z=z,
            assumptions=assumptions,
            ebitda_impact_pct=ebitda_impact_pct,
            param_version=param_version,
            target_org_air=target_org_air,
        )


        org_air_v2_result.additional_properties = d
        return org_air_v2_result

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
