from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SchemasVersionPredictionRequestInput")


@_attrs_define
class SchemasVersionPredictionRequestInput:
    """Inputs for the model, as a JSON object whose keys depend on the model; look them up in the version's
    `openapi_schema` (see `models.versions.get`) or on the model's API tab. Files go in as URLs: use an HTTP(S) URL for
    anything over 256 KB, for files you will reuse, or when predictions should stay linked to their input files; use a
    `data:` URL for small one-off files (256 KB or less) that Replicate will not keep.

    """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        schemas_version_prediction_request_input = cls()

        schemas_version_prediction_request_input.additional_properties = d
        return schemas_version_prediction_request_input

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
