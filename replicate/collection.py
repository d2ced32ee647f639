"""Collections: curated groups of models."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar, overload

from attrs import define

from ._api.ops import Call
from .exceptions import InvalidArgumentError
from .model import Model
from .pagination import Cursor, Page, page_call
from .resource import Converter, Namespace, Resource, nested_list


@define(kw_only=True, repr=False)  # Resource.__repr__
class Collection(Resource):
    """A collection. Iterating it yields its models (present when fetched with ``get``)."""

    slug: str
    name: str | None = None
    description: str | None = None
    full_description: str | None = None
    models: list[Model] | None = None

    _convert: ClassVar[Mapping[str, Converter]] = {"models": nested_list(Model.from_json)}

    @property
    def id(self) -> str:
        """The slug."""
        return self.slug

    def __iter__(self) -> Iterator[Model]:  # type: ignore[override]  # 1.x: the models
        return iter(self.models or [])

    @overload
    def __getitem__(self, index: int) -> Model | None: ...
    @overload
    def __getitem__(self, index: slice) -> list[Model] | None: ...
    def __getitem__(self, index: int | slice) -> Model | list[Model] | None:
        """The collection's models by index or slice (``None`` if it has no model list)."""
        return None if self.models is None else self.models[index]

    def __len__(self) -> int:
        return len(self.models or [])


parse_collection = Collection.from_json


def _get_call(slug: str) -> Call[Collection]:
    if not isinstance(slug, str) or not slug or "/" in slug:
        raise InvalidArgumentError(
            f"collection slug must be a non-empty string without '/', got {slug!r}"
        )
    from replicate_api.api.collections import collections_get

    return Call(parse_collection, collections_get.request_kwargs, args=(slug,))


class Collections(Namespace):
    """``client.collections``."""

    def get(self, slug: str) -> Collection:
        """Get a collection, with its models."""
        return self._call(_get_call(slug))

    async def async_get(self, slug: str) -> Collection:
        """Async :meth:`get`."""
        return await self._acall(_get_call(slug))

    def list(self, cursor: Cursor = ...) -> Page[Collection]:
        """List collections."""
        return self._call(_list_call(cursor))

    async def async_list(self, cursor: Cursor = ...) -> Page[Collection]:
        """Async :meth:`list`."""
        return await self._acall(_list_call(cursor))


def _list_call(cursor: Cursor) -> Call[Page[Collection]]:
    from replicate_api.api.collections import collections_list

    return page_call(collections_list.request_kwargs, parse_collection, cursor, "/collections")
