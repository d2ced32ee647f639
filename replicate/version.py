"""Model versions: an immutable build of a model with its input/output schema."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from attrs import define

from ._api.ops import Call
from .exceptions import InvalidArgumentError
from .identifier import model_owner_name
from .pagination import Cursor, Page, page_call
from .resource import Converter, Namespace, Resource, returns_true

if TYPE_CHECKING:
    from .client import Client
    from .model import Model


@define(kw_only=True, repr=False)  # Resource.__repr__
class Version(Resource):
    """A version of a model. ``openapi_schema`` describes its inputs and outputs."""

    id: str
    created_at: datetime.datetime | None = None
    cog_version: str | None = None
    openapi_schema: dict[str, Any] | None = None

    _convert: ClassVar[Mapping[str, Converter]] = {
        "created_at": lambda client, value: api_datetime(value)
    }


def api_datetime(value: Any) -> datetime.datetime | None:
    """An API timestamp (ISO 8601, ``Z`` included) as a datetime; ``None`` if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


parse_version = Version.from_json


class Versions(Namespace):
    """``model.versions``: get, list and delete the versions of one model."""

    def __init__(self, client: Client, model: str | tuple[str, str] | Model) -> None:
        super().__init__(client)
        self.model: tuple[str, str] = model_owner_name(model)

    def get(self, id: str) -> Version:
        """Get one version of the model by id."""
        return self._call(self._get(id))

    async def async_get(self, id: str) -> Version:
        """Async :meth:`get`."""
        return await self._acall(self._get(id))

    def list(self, cursor: Cursor = ...) -> Page[Version]:
        """List the model's versions, newest first."""
        return self._call(self._list(cursor))

    async def async_list(self, cursor: Cursor = ...) -> Page[Version]:
        """Async :meth:`list`."""
        return await self._acall(self._list(cursor))

    def delete(self, id: str) -> bool:
        """Delete a version (only possible when it has no predictions); returns True."""
        return self._call(self._delete(id))

    async def async_delete(self, id: str) -> bool:
        """Async :meth:`delete`."""
        return await self._acall(self._delete(id))

    def _get(self, id: str) -> Call[Version]:
        from replicate_api.api.models import models_versions_get

        return Call(parse_version, models_versions_get.request_kwargs, args=(*self.model, _id(id)))

    def _delete(self, id: str) -> Call[bool]:
        from replicate_api.api.models import models_versions_delete

        return Call(
            returns_true,
            models_versions_delete.request_kwargs,
            args=(*self.model, _id(id)),
            decode="none",
        )

    def _list(self, cursor: Cursor) -> Call[Page[Version]]:
        from replicate_api.api.models import models_versions_list

        owner, name = self.model
        return page_call(
            models_versions_list.request_kwargs,
            parse_version,
            cursor,
            f"/models/{owner}/{name}/versions",
            model_owner=owner,
            model_name=name,
        )


def _id(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f"version id must be a non-empty string, got {value!r}")
    return value
