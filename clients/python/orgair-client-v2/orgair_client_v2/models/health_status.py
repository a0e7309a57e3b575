from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import Literal, cast






T = TypeVar("T", bound="HealthStatus")



@_attrs_define
class HealthStatus:
    """ 
        Attributes:
            environment (str):
            param_version (str):
            service (str):
            stage (str):
            status (Literal['ok']):
            version (str):
     """

    environment: str
    param_version: str
    service: str
    stage: str
    status: Literal['ok']
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        environment = self.environment

        param_version = self.param_version

        service = self.service

        stage = self.stage

        status = self.status

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
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
        d = dict(src_dict)
        environment = d.pop("environment")

        param_version = d.pop("param_version")

        service = d.pop("service")

        stage = d.pop("stage")

        status = cast(Literal['ok'] , d.pop("status"))
        if status != 'ok':
            raise ValueError(f"status must match const 'ok', got '{status}'")

        version = d.pop("version")

        health_status = cls(
            environment=environment,
            param_version=param_version,
            service=service,
            stage=stage,
            status=status,
            version=version,
        )


        health_status.additional_properties = d
        return health_status

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
