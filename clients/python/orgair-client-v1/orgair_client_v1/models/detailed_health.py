from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.detailed_health_status import DetailedHealthStatus
from typing import cast

if TYPE_CHECKING:
  from ..models.dependency_check import DependencyCheck





T = TypeVar("T", bound="DetailedHealth")



@_attrs_define
class DetailedHealth:
    """ 
        Attributes:
            dependencies (list[DependencyCheck]):
            environment (str):
            param_version (str):
            service (str):
            stage (str):
            status (DetailedHealthStatus):
            version (str):
     """

    dependencies: list[DependencyCheck]
    environment: str
    param_version: str
    service: str
    stage: str
    status: DetailedHealthStatus
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dependency_check import DependencyCheck # noqa: PLC0415
        dependencies = []
        for dependencies_item_data in self.dependencies:
            dependencies_item = dependencies_item_data.to_dict()
            dependencies.append(dependencies_item)



        environment = self.environment

        param_version = self.param_version

        service = self.service

        stage = self.stage

        status = self.status.value

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "dependencies": dependencies,
            "environment": environment,
            "param_version": param_version,
            "service": service,
            "stage": stage,
            "status": status,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dependency_check import DependencyCheck # noqa: PLC0415
        d = dict(src_dict)
        dependencies = []
        _dependencies = d.pop("dependencies")
        for dependencies_item_data in (_dependencies):
            dependencies_item = DependencyCheck.from_dict(dependencies_item_data)



            dependencies.append(dependencies_item)


        environment = d.pop("environment")

        param_version = d.pop("param_version")

        service = d.pop("service")

        stage = d.pop("stage")

        status = DetailedHealthStatus(d.pop("status"))




        version = d.pop("version")

        detailed_health = cls(
            dependencies=dependencies,
            environment=environment,
            param_version=param_version,
            service=service,
            stage=stage,
            status=status,
            version=version,
        )


        detailed_health.additional_properties = d
        return detailed_health

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
