from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schemas_version_response_openapi_schema_type_0 import SchemasVersionResponseOpenapiSchemaType0


T = TypeVar("T", bound="SchemasVersionResponse")


@_attrs_define
class SchemasVersionResponse:
    """One pushed, immutable version of a model.

    Attributes:
        cog_version (None | str | Unset): Release of Cog that built this version.
        created_at (datetime.datetime | None | Unset): When the version was pushed.
        id (str | Unset): Version identifier (64 characters).
        openapi_schema (None | SchemasVersionResponseOpenapiSchemaType0 | Unset): OpenAPI document for the version's
            interface; `components.schemas.Input` and `components.schemas.Output` describe what it accepts and returns.
    """

    cog_version: None | str | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    id: str | Unset = UNSET
    openapi_schema: None | SchemasVersionResponseOpenapiSchemaType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.schemas_version_response_openapi_schema_type_0 import (
            SchemasVersionResponseOpenapiSchemaType0,  # noqa: PLC0415
        )

        cog_version: None | str | Unset
        if isinstance(self.cog_version, Unset):
            cog_version = UNSET
        else:
            cog_version = self.cog_version

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        id = self.id

        openapi_schema: dict[str, Any] | None | Unset
        if isinstance(self.openapi_schema, Unset):
            openapi_schema = UNSET
        elif isinstance(self.openapi_schema, SchemasVersionResponseOpenapiSchemaType0):
            openapi_schema = self.openapi_schema.to_dict()
        else:
            openapi_schema = self.openapi_schema

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if cog_version is not UNSET:
            field_dict["cog_version"] = cog_version
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if id is not UNSET:
            field_dict["id"] = id
        if openapi_schema is not UNSET:
            field_dict["openapi_schema"] = openapi_schema

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_version_response_openapi_schema_type_0 import (
            SchemasVersionResponseOpenapiSchemaType0,  # noqa: PLC0415
        )

        d = dict(src_dict)

        def _parse_cog_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cog_version = _parse_cog_version(d.pop("cog_version", UNSET))

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

        id = d.pop("id", UNSET)

        def _parse_openapi_schema(data: object) -> None | SchemasVersionResponseOpenapiSchemaType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                openapi_schema_type_0 = SchemasVersionResponseOpenapiSchemaType0.from_dict(data)

                return openapi_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SchemasVersionResponseOpenapiSchemaType0 | Unset, data)

        openapi_schema = _parse_openapi_schema(d.pop("openapi_schema", UNSET))

        schemas_version_response = cls(
            cog_version=cog_version,
            created_at=created_at,
            id=id,
            openapi_schema=openapi_schema,
        )

        schemas_version_response.additional_properties = d
        return schemas_version_response

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
