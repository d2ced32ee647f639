from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.schemas_page_response import SchemasPageResponse
    from ..models.schemas_search_collection_response import SchemasSearchCollectionResponse
    from ..models.schemas_search_response_models_item import SchemasSearchResponseModelsItem


T = TypeVar("T", bound="SchemasSearchResponse")


@_attrs_define
class SchemasSearchResponse:
    """Search results across models, collections and documentation.

    Attributes:
        collections (list[SchemasSearchCollectionResponse]): Collections matching the query.
        models (list[SchemasSearchResponseModelsItem]): Matching models; each hit pairs the model object with search
            `metadata`.
        pages (list[SchemasPageResponse]): Matching pages from Replicate's documentation.
        query (str): The query text as it was searched.
    """

    collections: list[SchemasSearchCollectionResponse]
    models: list[SchemasSearchResponseModelsItem]
    pages: list[SchemasPageResponse]
    query: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        collections = []
        for collections_item_data in self.collections:
            collections_item = collections_item_data.to_dict()
            collections.append(collections_item)

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)

        pages = []
        for pages_item_data in self.pages:
            pages_item = pages_item_data.to_dict()
            pages.append(pages_item)

        query = self.query

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "collections": collections,
                "models": models,
                "pages": pages,
                "query": query,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_page_response import SchemasPageResponse  # noqa: PLC0415
        from ..models.schemas_search_collection_response import SchemasSearchCollectionResponse  # noqa: PLC0415
        from ..models.schemas_search_response_models_item import SchemasSearchResponseModelsItem  # noqa: PLC0415

        d = dict(src_dict)
        collections = []
        _collections = d.pop("collections")
        for collections_item_data in _collections:
            collections_item = SchemasSearchCollectionResponse.from_dict(collections_item_data)

            collections.append(collections_item)

        models = []
        _models = d.pop("models")
        for models_item_data in _models:
            models_item = SchemasSearchResponseModelsItem.from_dict(models_item_data)

            models.append(models_item)

        pages = []
        _pages = d.pop("pages")
        for pages_item_data in _pages:
            pages_item = SchemasPageResponse.from_dict(pages_item_data)

            pages.append(pages_item)

        query = d.pop("query")

        schemas_search_response = cls(
            collections=collections,
            models=models,
            pages=pages,
            query=query,
        )

        schemas_search_response.additional_properties = d
        return schemas_search_response

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
