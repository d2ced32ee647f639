from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.schemas_file_response_checksums import SchemasFileResponseChecksums
  from ..models.schemas_file_response_metadata import SchemasFileResponseMetadata
  from ..models.schemas_file_response_urls import SchemasFileResponseUrls





T = TypeVar("T", bound="SchemasFileResponse")



@_attrs_define
class SchemasFileResponse:
    """ 
        Attributes:
            checksums (SchemasFileResponseChecksums):
            content_type (str):
            created_at (datetime.datetime):
            expires_at (datetime.datetime):
            id (str):
            metadata (SchemasFileResponseMetadata):
            size (int):
            urls (SchemasFileResponseUrls):
     """

    checksums: SchemasFileResponseChecksums
    content_type: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    id: str
    metadata: SchemasFileResponseMetadata
    size: int
    urls: SchemasFileResponseUrls
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.schemas_file_response_checksums import SchemasFileResponseChecksums # noqa: PLC0415
        from ..models.schemas_file_response_metadata import SchemasFileResponseMetadata # noqa: PLC0415
        from ..models.schemas_file_response_urls import SchemasFileResponseUrls # noqa: PLC0415
        checksums = self.checksums.to_dict()

        content_type = self.content_type

        created_at = self.created_at.isoformat()

        expires_at = self.expires_at.isoformat()

        id = self.id

        metadata = self.metadata.to_dict()

        size = self.size

        urls = self.urls.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "checksums": checksums,
            "content_type": content_type,
            "created_at": created_at,
            "expires_at": expires_at,
            "id": id,
            "metadata": metadata,
            "size": size,
            "urls": urls,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_file_response_checksums import SchemasFileResponseChecksums # noqa: PLC0415
        from ..models.schemas_file_response_metadata import SchemasFileResponseMetadata # noqa: PLC0415
        from ..models.schemas_file_response_urls import SchemasFileResponseUrls # noqa: PLC0415
        d = dict(src_dict)
        checksums = SchemasFileResponseChecksums.from_dict(d.pop("checksums"))




        content_type = d.pop("content_type")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))




        id = d.pop("id")

        metadata = SchemasFileResponseMetadata.from_dict(d.pop("metadata"))




        size = d.pop("size")

        urls = SchemasFileResponseUrls.from_dict(d.pop("urls"))




        schemas_file_response = cls(
            checksums=checksums,
            content_type=content_type,
            created_at=created_at,
            expires_at=expires_at,
            id=id,
            metadata=metadata,
            size=size,
            urls=urls,
        )


        schemas_file_response.additional_properties = d
        return schemas_file_response

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
