from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schemas_file_response_checksums import SchemasFileResponseChecksums
    from ..models.schemas_file_response_metadata import SchemasFileResponseMetadata
    from ..models.schemas_file_response_urls import SchemasFileResponseUrls


T = TypeVar("T", bound="SchemasFileResponse")


@_attrs_define
class SchemasFileResponse:
    """An uploaded file and its metadata.

    Attributes:
        id (str): Random, unique identifier of the file.
        checksums (SchemasFileResponseChecksums | Unset): Digests of the content, keyed by hash algorithm.
        content_type (str | Unset): MIME type of the stored content.
        created_at (datetime.datetime | None | Unset): Upload time.
        expires_at (datetime.datetime | None | Unset): Time after which the file is gone.
        metadata (SchemasFileResponseMetadata | Unset): JSON object supplied by the uploader at creation.
        size (int | Unset): Content length in bytes.
        urls (SchemasFileResponseUrls | Unset): Links for working with the file.
    """

    id: str
    checksums: SchemasFileResponseChecksums | Unset = UNSET
    content_type: str | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    metadata: SchemasFileResponseMetadata | Unset = UNSET
    size: int | Unset = UNSET
    urls: SchemasFileResponseUrls | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        checksums: dict[str, Any] | Unset = UNSET
        if not isinstance(self.checksums, Unset):
            checksums = self.checksums.to_dict()

        content_type = self.content_type

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        size = self.size

        urls: dict[str, Any] | Unset = UNSET
        if not isinstance(self.urls, Unset):
            urls = self.urls.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if checksums is not UNSET:
            field_dict["checksums"] = checksums
        if content_type is not UNSET:
            field_dict["content_type"] = content_type
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if size is not UNSET:
            field_dict["size"] = size
        if urls is not UNSET:
            field_dict["urls"] = urls

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_file_response_checksums import SchemasFileResponseChecksums  # noqa: PLC0415
        from ..models.schemas_file_response_metadata import SchemasFileResponseMetadata  # noqa: PLC0415
        from ..models.schemas_file_response_urls import SchemasFileResponseUrls  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        _checksums = d.pop("checksums", UNSET)
        checksums: SchemasFileResponseChecksums | Unset
        if isinstance(_checksums, Unset):
            checksums = UNSET
        else:
            checksums = SchemasFileResponseChecksums.from_dict(_checksums)

        content_type = d.pop("content_type", UNSET)

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: SchemasFileResponseMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = SchemasFileResponseMetadata.from_dict(_metadata)

        size = d.pop("size", UNSET)

        _urls = d.pop("urls", UNSET)
        urls: SchemasFileResponseUrls | Unset
        if isinstance(_urls, Unset):
            urls = UNSET
        else:
            urls = SchemasFileResponseUrls.from_dict(_urls)

        schemas_file_response = cls(
            id=id,
            checksums=checksums,
            content_type=content_type,
            created_at=created_at,
            expires_at=expires_at,
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
