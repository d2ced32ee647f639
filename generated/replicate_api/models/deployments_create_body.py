from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DeploymentsCreateBody")


@_attrs_define
class DeploymentsCreateBody:
    """
    Attributes:
        hardware (str): Hardware SKU to run on; `hardware.list` gives the choices.
        max_instances (int): Most instances autoscaling may start (0-20).
        min_instances (int): Instances kept running at all times, at least (0-5).
        model (str): Model to serve, as `owner/name` (for instance `stability-ai/sdxl`).
        name (str): Name for the new deployment.
        version (str): 64-character ID of the version to serve.
    """

    hardware: str
    max_instances: int
    min_instances: int
    model: str
    name: str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        hardware = self.hardware

        max_instances = self.max_instances

        min_instances = self.min_instances

        model = self.model

        name = self.name

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "hardware": hardware,
                "max_instances": max_instances,
                "min_instances": min_instances,
                "model": model,
                "name": name,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hardware = d.pop("hardware")

        max_instances = d.pop("max_instances")

        min_instances = d.pop("min_instances")

        model = d.pop("model")

        name = d.pop("name")

        version = d.pop("version")

        deployments_create_body = cls(
            hardware=hardware,
            max_instances=max_instances,
            min_instances=min_instances,
            model=model,
            name=name,
            version=version,
        )

        deployments_create_body.additional_properties = d
        return deployments_create_body

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
