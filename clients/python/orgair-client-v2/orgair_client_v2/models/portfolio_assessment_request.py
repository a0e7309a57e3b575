from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.job_company import JobCompany





T = TypeVar("T", bound="PortfolioAssessmentRequest")



@_attrs_define
class PortfolioAssessmentRequest:
    """ The body of POST /portfolios/assessments.

        Attributes:
            budget_usd (float | str): The most the whole job may spend, reserved up front against the daily budgets (at most
                JOB_MAX_BUDGET_USD); unused reservation is released when the job ends.
            companies (list[JobCompany]):
            model (None | str | Unset): One of the configured models (DEFAULT_LLM_MODEL, FALLBACK_LLM_MODEL); default: the
                configured default, then its fallback.
            notify (bool | Unset): Also publish the job's completion to its SNS topic (JOBS_TOPIC_ARN). Default: False.
     """

    budget_usd: float | str
    companies: list[JobCompany]
    model: None | str | Unset = UNSET
    notify: bool | Unset = False





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_company import JobCompany # noqa: PLC0415
        budget_usd: float | str
        budget_usd = self.budget_usd

        companies = []
        for companies_item_data in self.companies:
            companies_item = companies_item_data.to_dict()
            companies.append(companies_item)



        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        notify = self.notify


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "budget_usd": budget_usd,
            "companies": companies,
        })
        if model is not UNSET:
            field_dict["model"] = model
        if notify is not UNSET:
            field_dict["notify"] = notify

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_company import JobCompany # noqa: PLC0415
        d = dict(src_dict)
        def _parse_budget_usd(data: object) -> float | str:
            return cast(float | str, data)

        budget_usd = _parse_budget_usd(d.pop("budget_usd"))


        companies = []
        _companies = d.pop("companies")
        for companies_item_data in (_companies):
            companies_item = JobCompany.from_dict(companies_item_data)



            companies.append(companies_item)


        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))


        notify = d.pop("notify", UNSET)

        portfolio_assessment_request = cls(
            budget_usd=budget_usd,
            companies=companies,
            model=model,
            notify=notify,
        )

        return portfolio_assessment_request

