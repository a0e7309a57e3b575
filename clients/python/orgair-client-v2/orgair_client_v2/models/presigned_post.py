from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.presigned_post_fields import PresignedPostFields





T = TypeVar("T", bound="PresignedPost")



@_attrs_define
class PresignedPost:
    """ An HTML-form POST to S3: every field of `fields`, then the document as the last field, `file`.

        Attributes:
            fields (PresignedPostFields):
            url (str):
     """

    fields: PresignedPostFields
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.presigned_post_fields import PresignedPostFields # noqa: PLC0415
        fields = self.fields.to_dict()

        url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "fields": fields,
            "url": url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.presigned_post_fields import PresignedPostFields # noqa: PLC0415
        d = dict(src_dict)
        fields = PresignedPostFields.from_dict(d.pop("fields"))




        url = d.pop("url")

        presigned_post = cls(
            fields=fields,
            url=url,
        )


        presigned_post.additional_properties = d
        return presigned_post

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
