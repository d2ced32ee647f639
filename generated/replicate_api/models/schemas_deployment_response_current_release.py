from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schemas_deployment_response_current_release_configuration import (
        SchemasDeploymentResponseCurrentReleaseConfiguration,
    )
    from ..models.schemas_deployment_response_current_release_created_by import (
        SchemasDeploymentResponseCurrentReleaseCreatedBy,
    )


T = TypeVar("T", bound="SchemasDeploymentResponseCurrentRelease")


@_attrs_define
class SchemasDeploymentResponseCurrentRelease:
    """
    Attributes:
        configuration (SchemasDeploymentResponseCurrentReleaseConfiguration | Unset):
        created_at (datetime.datetime | None | Unset): When this release was made.
        created_by (SchemasDeploymentResponseCurrentReleaseCreatedBy | Unset):
        model (str | Unset): Deployed model, written as `{model_owner}/{model_name}`.
        number (int | Unset): Release counter; each update of the deployment adds one.
        version (str | Unset): ID of the model version this release serves.
    """

    configuration: SchemasDeploymentResponseCurrentReleaseConfiguration | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    created_by: SchemasDeploymentResponseCurrentReleaseCreatedBy | Unset = UNSET
    model: str | Unset = UNSET
    number: int | Unset = UNSET
    version: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        configuration: dict[str, Any] | Unset = UNSET
        if not isinstance(self.configuration, Unset):
            configuration = self.configuration.to_dict()

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        created_by: dict[str, Any] | Unset = UNSET
        if not isinstance(self.created_by, Unset):
            created_by = self.created_by.to_dict()

        model = self.model

        number = self.number

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if configuration is not UNSET:
            field_dict["configuration"] = configuration
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if model is not UNSET:
            field_dict["model"] = model
        if number is not UNSET:
            field_dict["number"] = number
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_deployment_response_current_release_configuration import (
            SchemasDeploymentResponseCurrentReleaseConfiguration,  # noqa: PLC0415
        )
        from ..models.schemas_deployment_response_current_release_created_by import (
            SchemasDeploymentResponseCurrentReleaseCreatedBy,  # noqa: PLC0415
        )

        d = dict(src_dict)
        _configuration = d.pop("configuration", UNSET)
        configuration: SchemasDeploymentResponseCurrentReleaseConfiguration | Unset
        if isinstance(_configuration, Unset):
            configuration = UNSET
        else:
            configuration = SchemasDeploymentResponseCurrentReleaseConfiguration.from_dict(_configuration)

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

        _created_by = d.pop("created_by", UNSET)
        created_by: SchemasDeploymentResponseCurrentReleaseCreatedBy | Unset
        if isinstance(_created_by, Unset):
            created_by = UNSET
        else:
            created_by = SchemasDeploymentResponseCurrentReleaseCreatedBy.from_dict(_created_by)

        model = d.pop("model", UNSET)

        number = d.pop("number", UNSET)

        version = d.pop("version", UNSET)

        schemas_deployment_response_current_release = cls(
            configuration=configuration,
            created_at=created_at,
            created_by=created_by,
            model=model,
            number=number,
            version=version,
        )

        schemas_deployment_response_current_release.additional_properties = d
        return schemas_deployment_response_current_release

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
