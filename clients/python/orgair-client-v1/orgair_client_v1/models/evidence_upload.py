from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.evidence_upload_content_type import EvidenceUploadContentType
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.presigned_post import PresignedPost





T = TypeVar("T", bound="EvidenceUpload")



@_attrs_define
class EvidenceUpload:
    """ Where and until when to upload the document; assess it afterwards with its `evidence_id`.

        Attributes:
            content_type (EvidenceUploadContentType):
            evidence_id (str):
            expires_at (datetime.datetime): The upload is refused after this instant (900 s after the answer).
            location (str): The document's key in the evidence bucket.
            size_bytes (int):
            upload (PresignedPost): An HTML-form POST to S3: every field of `fields`, then the document as the last field,
                `file`.
     """

    content_type: EvidenceUploadContentType
    evidence_id: str
    expires_at: datetime.datetime
    location: str
    size_bytes: int
    upload: PresignedPost
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.presigned_post import PresignedPost # noqa: PLC0415
        content_type = self.content_type.value

        evidence_id = self.evidence_id

        expires_at = self.expires_at.isoformat()

        location = self.location

        size_bytes = self.size_bytes

        upload = self.upload.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "content_type": content_type,
            "evidence_id": evidence_id,
            "expires_at": expires_at,
            "location": location,
            "size_bytes": size_bytes,
            "upload": upload,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.presigned_post import PresignedPost # noqa: PLC0415
        d = dict(src_dict)
        content_type = EvidenceUploadContentType(d.pop("content_type"))




        evidence_id = d.pop("evidence_id")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))




        location = d.pop("location")

        size_bytes = d.pop("size_bytes")

        upload = PresignedPost.from_dict(d.pop("upload"))




        evidence_upload = cls(
            content_type=content_type,
            evidence_id=evidence_id,
            expires_at=expires_at,
            location=location,
            size_bytes=size_bytes,
            upload=upload,
        )


        evidence_upload.additional_properties = d
        return evidence_upload

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
