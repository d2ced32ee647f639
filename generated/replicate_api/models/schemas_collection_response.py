from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schemas_model_response import SchemasModelResponse


T = TypeVar("T", bound="SchemasCollectionResponse")


@_attrs_define
class SchemasCollectionResponse:
    """A curated collection with its full write-up and member models.

    Attributes:
        description (str): One-line blurb about the collection's theme.
        models (list[SchemasModelResponse]): Models that belong to the collection.
        name (str): Human-readable collection title.
        slug (str): URL-safe identifier: lowercase words joined by hyphens.
        full_description (None | str | Unset): Longer write-up of the collection in Markdown; may be null.
    """

    description: str
    models: list[SchemasModelResponse]
    name: str
    slug: str
    full_description: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)

        name = self.name

        slug = self.slug

        full_description: None | str | Unset
        if isinstance(self.full_description, Unset):
            full_description = UNSET
        else:
            full_description = self.full_description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "description": description,
                "models": models,
                "name": name,
                "slug": slug,
            }
        )
        if full_description is not UNSET:
            field_dict["full_description"] = full_description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_model_response import SchemasModelResponse  # noqa: PLC0415

        d = dict(src_dict)
        description = d.pop("description")

        models = []
        _models = d.pop("models")
        for models_item_data in _models:
            models_item = SchemasModelResponse.from_dict(models_item_data)

            models.append(models_item)

        name = d.pop("name")

        slug = d.pop("slug")

        def _parse_full_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        full_description = _parse_full_description(d.pop("full_description", UNSET))

        schemas_collection_response = cls(
            description=description,
            models=models,
            name=name,
            slug=slug,
            full_description=full_description,
        )

        schemas_collection_response.additional_properties = d
        return schemas_collection_response

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
