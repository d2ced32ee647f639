from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SchemasDeploymentResponseCurrentReleaseConfiguration")


@_attrs_define
class SchemasDeploymentResponseCurrentReleaseConfiguration:
    """
    Attributes:
        hardware (str | Unset): Hardware SKU the release runs on (see `hardware.list`).
        max_instances (int | Unset): Upper bound on instances when autoscaling.
        min_instances (int | Unset): Lower bound on instances when autoscaling.
    """

    hardware: str | Unset = UNSET
    max_instances: int | Unset = UNSET
    min_instances: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        hardware = self.hardware

        max_instances = self.max_instances

        min_instances = self.min_instances

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if hardware is not UNSET:
            field_dict["hardware"] = hardware
        if max_instances is not UNSET:
            field_dict["max_instances"] = max_instances
        if min_instances is not UNSET:
            field_dict["min_instances"] = min_instances

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hardware = d.pop("hardware", UNSET)

        max_instances = d.pop("max_instances", UNSET)

        min_instances = d.pop("min_instances", UNSET)

        schemas_deployment_response_current_release_configuration = cls(
            hardware=hardware,
            max_instances=max_instances,
            min_instances=min_instances,
        )

        schemas_deployment_response_current_release_configuration.additional_properties = d
        return schemas_deployment_response_current_release_configuration

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
