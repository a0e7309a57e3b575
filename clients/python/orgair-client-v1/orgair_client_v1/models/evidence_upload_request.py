from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.evidence_upload_request_content_type import EvidenceUploadRequestContentType






T = TypeVar("T", bound="EvidenceUploadRequest")



@_attrs_define
class EvidenceUploadRequest:
    """ The document about to be uploaded: its content type and exact size.

        Attributes:
            content_type (EvidenceUploadRequestContentType): The document's media type; the upload must send the same.
            size_bytes (int): The document's exact size in bytes, at most 20000: S3 refuses any other size.
     """

    content_type: EvidenceUploadRequestContentType
    size_bytes: int





    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type.value

        size_bytes = self.size_bytes


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "content_type": content_type,
            "size_bytes": size_bytes,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = EvidenceUploadRequestContentType(d.pop("content_type"))




        size_bytes = d.pop("size_bytes")

        evidence_upload_request = cls(
            content_type=content_type,
            size_bytes=size_bytes,
        )

        return evidence_upload_request

