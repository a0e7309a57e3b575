from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.evidence_provenance_view_source import EvidenceProvenanceViewSource






T = TypeVar("T", bound="EvidenceProvenanceView")



@_attrs_define
class EvidenceProvenanceView:
    """ Which evidence an assessment read: the document kept in EvidenceBucket and the hash of its bytes.

        Attributes:
            content_type (str):
            evidence_id (str):
            location (str): The document's key in the evidence bucket: `evidence/<tenant>/<evidence_id>`.
            sha256 (str): SHA-256 of the document's bytes, hex.
            size_bytes (int):
            source (EvidenceProvenanceViewSource): `inline`: the request's `evidence` text, kept by the service; `upload`: a
                document uploaded through POST /evidence.
     """

    content_type: str
    evidence_id: str
    location: str
    sha256: str
    size_bytes: int
    source: EvidenceProvenanceViewSource
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        evidence_id = self.evidence_id

        location = self.location

        sha256 = self.sha256

        size_bytes = self.size_bytes

        source = self.source.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "content_type": content_type,
            "evidence_id": evidence_id,
            "location": location,
            "sha256": sha256,
            "size_bytes": size_bytes,
            "source": source,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = d.pop("content_type")

        evidence_id = d.pop("evidence_id")

        location = d.pop("location")

        sha256 = d.pop("sha256")

        size_bytes = d.pop("size_bytes")

        source = EvidenceProvenanceViewSource(d.pop("source"))




        evidence_provenance_view = cls(
            content_type=content_type,
            evidence_id=evidence_id,
            location=location,
            sha256=sha256,
            size_bytes=size_bytes,
            source=source,
        )


        evidence_provenance_view.additional_properties = d
        return evidence_provenance_view

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
