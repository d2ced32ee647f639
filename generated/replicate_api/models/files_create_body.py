from __future__ import annotations

import json
from collections.abc import Mapping
from io import BytesIO
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, Unset

if TYPE_CHECKING:
    from ..models.files_create_body_metadata import FilesCreateBodyMetadata


T = TypeVar("T", bound="FilesCreateBody")


@_attrs_define
class FilesCreateBody:
    """
    Attributes:
        content (File): Raw bytes of the file.
        filename (str | Unset): Name to store it under.
        metadata (FilesCreateBodyMetadata | Unset): Any JSON object to keep alongside the file.
        type_ (str | Unset): MIME type of the bytes. Default: 'application/octet-stream'.
    """

    content: File
    filename: str | Unset = UNSET
    metadata: FilesCreateBodyMetadata | Unset = UNSET
    type_: str | Unset = "application/octet-stream"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        content = self.content.to_tuple()

        filename = self.filename

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "content": content,
            }
        )
        if filename is not UNSET:
            field_dict["filename"] = filename
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("content", self.content.to_tuple()))

        if not isinstance(self.filename, Unset):
            files.append(("filename", (None, str(self.filename).encode(), "text/plain")))

        if not isinstance(self.metadata, Unset):
            files.append(("metadata", (None, json.dumps(self.metadata.to_dict()).encode(), "application/json")))

        if not isinstance(self.type_, Unset):
            files.append(("type", (None, str(self.type_).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.files_create_body_metadata import FilesCreateBodyMetadata  # noqa: PLC0415

        d = dict(src_dict)
        content = File(payload=BytesIO(d.pop("content")))

        filename = d.pop("filename", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: FilesCreateBodyMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = FilesCreateBodyMetadata.from_dict(_metadata)

        type_ = d.pop("type", UNSET)

        files_create_body = cls(
            content=content,
            filename=filename,
            metadata=metadata,
            type_=type_,
        )

        files_create_body.additional_properties = d
        return files_create_body

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
