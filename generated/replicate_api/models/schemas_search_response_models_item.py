from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.schemas_model_response import SchemasModelResponse
    from ..models.schemas_search_model_metadata_response import SchemasSearchModelMetadataResponse


T = TypeVar("T", bound="SchemasSearchResponseModelsItem")


@_attrs_define
class SchemasSearchResponseModelsItem:
    """
    Attributes:
        metadata (SchemasSearchModelMetadataResponse): Search-only extras attached to each model hit.
        model (SchemasModelResponse): A model: its metadata, plus its newest version and default example.
    """

    metadata: SchemasSearchModelMetadataResponse
    model: SchemasModelResponse
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metadata = self.metadata.to_dict()

        model = self.model.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metadata": metadata,
                "model": model,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_model_response import SchemasModelResponse  # noqa: PLC0415
        from ..models.schemas_search_model_metadata_response import SchemasSearchModelMetadataResponse  # noqa: PLC0415

        d = dict(src_dict)
        metadata = SchemasSearchModelMetadataResponse.from_dict(d.pop("metadata"))

        model = SchemasModelResponse.from_dict(d.pop("model"))

        schemas_search_response_models_item = cls(
            metadata=metadata,
            model=model,
        )

        schemas_search_response_models_item.additional_properties = d
        return schemas_search_response_models_item

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
