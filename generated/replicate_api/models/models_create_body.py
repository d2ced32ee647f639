from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.models_create_body_visibility import ModelsCreateBodyVisibility
from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelsCreateBody")


@_attrs_define
class ModelsCreateBody:
    """
    Attributes:
        hardware (str): Hardware SKU to run the model on; `hardware.list` gives the choices.
        name (str): Name for the model; no other model of the same owner may use it.
        owner (str): Account that will own the model; it has to be the account the API token belongs to.
        visibility (ModelsCreateBodyVisibility): `public`: anyone can see and run it; `private`: only the owning account
            and its members can.
        cover_image_url (str | Unset): Link to an image file to use as the cover.
        description (str | Unset): Short summary of what the model does.
        github_url (str | Unset): Link to the source repository on GitHub.
        license_url (str | Unset): Link to the license terms.
        paper_url (str | Unset): Link to a related research paper.
    """

    hardware: str
    name: str
    owner: str
    visibility: ModelsCreateBodyVisibility
    cover_image_url: str | Unset = UNSET
    description: str | Unset = UNSET
    github_url: str | Unset = UNSET
    license_url: str | Unset = UNSET
    paper_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        hardware = self.hardware

        name = self.name

        owner = self.owner

        visibility = self.visibility.value

        cover_image_url = self.cover_image_url

        description = self.description

        github_url = self.github_url

        license_url = self.license_url

        paper_url = self.paper_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "hardware": hardware,
                "name": name,
                "owner": owner,
                "visibility": visibility,
            }
        )
        if cover_image_url is not UNSET:
            field_dict["cover_image_url"] = cover_image_url
        if description is not UNSET:
            field_dict["description"] = description
        if github_url is not UNSET:
            field_dict["github_url"] = github_url
        if license_url is not UNSET:
            field_dict["license_url"] = license_url
        if paper_url is not UNSET:
            field_dict["paper_url"] = paper_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hardware = d.pop("hardware")

        name = d.pop("name")

        owner = d.pop("owner")

        visibility = ModelsCreateBodyVisibility(d.pop("visibility"))

        cover_image_url = d.pop("cover_image_url", UNSET)

        description = d.pop("description", UNSET)

        github_url = d.pop("github_url", UNSET)

        license_url = d.pop("license_url", UNSET)

        paper_url = d.pop("paper_url", UNSET)

        models_create_body = cls(
            hardware=hardware,
            name=name,
            owner=owner,
            visibility=visibility,
            cover_image_url=cover_image_url,
            description=description,
            github_url=github_url,
            license_url=license_url,
            paper_url=paper_url,
        )

        models_create_body.additional_properties = d
        return models_create_body

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
