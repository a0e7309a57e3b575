from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_view_status import JobViewStatus
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.job_budget_view import JobBudgetView
  from ..models.job_company_view import JobCompanyView
  from ..models.job_counts_view import JobCountsView





T = TypeVar("T", bound="JobView")



@_attrs_define
class JobView:
    """ A job: status, companies by outcome, its budget, and (GET /jobs/{job_id}) each company.

        Attributes:
            budget (JobBudgetView): USD as decimal strings (6 places). `spent`: settled attempts; `held`: attempts in
                flight.
            companies (JobCountsView):
            created_at (datetime.datetime):
            job_id (str):
            model (None | str):
            notify (bool):
            param_version (str):
            status (JobViewStatus):
            finished_at (datetime.datetime | None | Unset):
            results (list[JobCompanyView] | None | Unset):
            started_at (datetime.datetime | None | Unset):
     """

    budget: JobBudgetView
    companies: JobCountsView
    created_at: datetime.datetime
    job_id: str
    model: None | str
    notify: bool
    param_version: str
    status: JobViewStatus
    finished_at: datetime.datetime | None | Unset = UNSET
    results: list[JobCompanyView] | None | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_budget_view import JobBudgetView # noqa: PLC0415
        from ..models.job_company_view import JobCompanyView # noqa: PLC0415
        from ..models.job_counts_view import JobCountsView # noqa: PLC0415
        budget = self.budget.to_dict()

        companies = self.companies.to_dict()

        created_at = self.created_at.isoformat()

        job_id = self.job_id

        model: None | str
        model = self.model

        notify = self.notify

        param_version = self.param_version

        status = self.status.value

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        results: list[dict[str, Any]] | None | Unset
        if isinstance(self.results, Unset):
            results = UNSET
        elif isinstance(self.results, list):
            results = []
            for results_type_0_item_data in self.results:
                results_type_0_item = results_type_0_item_data.to_dict()
                results.append(results_type_0_item)


        else:
            results = self.results

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "budget": budget,
            "companies": companies,
            "created_at": created_at,
            "job_id": job_id,
            "model": model,
            "notify": notify,
            "param_version": param_version,
            "status": status,
        })
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if results is not UNSET:
            field_dict["results"] = results
        if started_at is not UNSET:
            field_dict["started_at"] = started_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_budget_view import JobBudgetView # noqa: PLC0415
        from ..models.job_company_view import JobCompanyView # noqa: PLC0415
        from ..models.job_counts_view import JobCountsView # noqa: PLC0415
        d = dict(src_dict)
        budget = JobBudgetView.from_dict(d.pop("budget"))




        companies = JobCountsView.from_dict(d.pop("companies"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        job_id = d.pop("job_id")

        def _parse_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model = _parse_model(d.pop("model"))


        notify = d.pop("notify")

        param_version = d.pop("param_version")

        status = JobViewStatus(d.pop("status"))




        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)



                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))


        def _parse_results(data: object) -> list[JobCompanyView] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                results_type_0 = []
                _results_type_0 = data
                for results_type_0_item_data in (_results_type_0):
                    results_type_0_item = JobCompanyView.from_dict(results_type_0_item_data)



                    results_type_0.append(results_type_0_item)

                return results_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[JobCompanyView] | None | Unset, data)

        results = _parse_results(d.pop("results", UNSET))


        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)



                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))


        job_view = cls(
            budget=budget,
            companies=companies,
            created_at=created_at,
            job_id=job_id,
            model=model,
            notify=notify,
            param_version=param_version,
            status=status,
            finished_at=finished_at,
            results=results,
            started_at=started_at,
        )


        job_view.additional_properties = d
        return job_view

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
