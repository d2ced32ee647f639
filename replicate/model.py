"""Models: a named, versioned thing you can run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NotRequired, TypeAlias, TypedDict, Unpack

from attrs import define

from ._api.ops import Call, GeneratedBody
from .exceptions import ReplicateException
from .identifier import ModelVersionIdentifier as ModelVersionIdentifier  # 1.x's name here
from .identifier import model_owner_name
from .pagination import Cursor, Page, page_call, page_parser
from .prediction import Prediction
from .resource import (
    Converter,
    NamedByOwner,
    Namespace,
    Resource,
    keyword_fields,
    nested,
    returns_true,
)
from .version import Version, Versions

if TYPE_CHECKING:
    from .client import Client

    ModelRef: TypeAlias = "str | tuple[str, str] | Model"

_UPDATABLE_FIELDS = (
    "description",
    "github_url",
    "paper_url",
    "license_url",
    "readme",
    "weights_url",
)


@define(kw_only=True, repr=False)  # Resource.__repr__
class Model(Resource, NamedByOwner):
    """A model. ``latest_version`` and ``default_example`` are typed objects when present."""

    url: str | None = None
    owner: str
    name: str
    description: str | None = None
    visibility: str | None = None
    github_url: str | None = None
    paper_url: str | None = None
    license_url: str | None = None
    run_count: int | None = None
    cover_image_url: str | None = None
    default_example: Prediction | None = None
    latest_version: Version | None = None
    is_official: bool | None = None

    _convert: ClassVar[Mapping[str, Converter]] = {
        "default_example": nested(Prediction.from_json),
        "latest_version": nested(Version.from_json),
    }

    @property
    def versions(self) -> Versions:
        """This model's versions."""
        return Versions(self._bound_client(), (self.owner, self.name))

    def predict(self, *args: Any, **kwargs: Any) -> None:
        """Removed in 1.x; use ``replicate.run()`` or ``predictions.create()``."""
        # A ReplicateException as 1.x raised (code catches that), and an AttributeError.
        raise RemovedError(
            "The `model.predict()` method has been removed: a new version of the model could "
            "change its inputs under your code. Use replicate.run(model.id, input=...) instead"
        )

    def reload(self) -> None:
        """Fetch the latest state of the model and update this object in place."""
        self._replace_with(self._bound_client().models.get(self.owner, self.name))

    async def async_reload(self) -> None:
        """Async :meth:`reload`."""
        self._replace_with(await self._bound_client().models.async_get(self.owner, self.name))


parse_model = Model.from_json


def _ref(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, str]:
    # get("owner/name"), get(owner, name), get(owner=..., name=...), get(model)
    if kwargs:
        unknown = set(kwargs) - {"owner", "name", "model"}
        if unknown:
            raise TypeError(f"unexpected keyword arguments: {sorted(unknown)}")
        if "model" in kwargs:
            return model_owner_name(kwargs["model"])
        args = (*args, kwargs.get("owner"), kwargs.get("name"))
    if len(args) == 1:
        return model_owner_name(args[0])
    if len(args) == 2:
        return model_owner_name(tuple(args))
    raise TypeError("pass a model as 'owner/name', (owner, name) or owner, name")


class RemovedError(ReplicateException, AttributeError):
    """A 1.x method that 1.x itself had removed (``Model.predict``)."""


class CreateModelParams(TypedDict):
    """Keyword arguments of :meth:`Models.create`."""

    description: NotRequired[str]
    visibility: Literal["public", "private"]
    github_url: NotRequired[str]
    paper_url: NotRequired[str]
    license_url: NotRequired[str]
    cover_image_url: NotRequired[str]
    hardware: str


_MODEL_FIELDS = tuple(CreateModelParams.__annotations__)


class Models(Namespace):
    """``client.models``: get, list, search, create, update and delete models."""

    #: 1.x's name for the keyword arguments of :meth:`create`, as a nested class.
    CreateModelParams: TypeAlias = CreateModelParams

    @property
    def predictions(self) -> ModelsPredictions:
        """Create predictions from a model's latest version."""
        return ModelsPredictions(self._client)

    def get(self, *args: Any, **kwargs: Any) -> Model:
        """Get a model: ``get("owner/name")`` or ``get("owner", "name")``."""
        return self._call(_get_call(_ref(args, kwargs)))

    async def async_get(self, *args: Any, **kwargs: Any) -> Model:
        """Async :meth:`get`."""
        return await self._acall(_get_call(_ref(args, kwargs)))

    def list(
        self,
        cursor: Cursor = ...,
        *,
        sort_by: str | None = None,
        sort_direction: Literal["asc", "desc"] | None = None,
    ) -> Page[Model]:
        """List public models.

        ``sort_by`` is ``model_created_at`` or ``latest_version_created_at``.
        """
        return self._call(_list_call(cursor, sort_by, sort_direction))

    async def async_list(
        self,
        cursor: Cursor = ...,
        *,
        sort_by: str | None = None,
        sort_direction: Literal["asc", "desc"] | None = None,
    ) -> Page[Model]:
        """Async :meth:`list`."""
        return await self._acall(_list_call(cursor, sort_by, sort_direction))

    def search(self, query: str) -> Page[Model]:
        """Search public models (``QUERY /models``)."""
        return self._call(_search_call(query))

    async def async_search(self, query: str) -> Page[Model]:
        """Async :meth:`search`."""
        return await self._acall(_search_call(query))

    def create(self, owner: str, name: str, **params: Unpack[CreateModelParams]) -> Model:
        """Create a model. Required: ``visibility`` ("public"/"private") and ``hardware`` (a SKU);
        optional: description, github_url, paper_url, license_url, cover_image_url."""
        return self._call(_create_call(owner, name, params))

    async def async_create(
        self, owner: str, name: str, **params: Unpack[CreateModelParams]
    ) -> Model:
        """Async :meth:`create`."""
        return await self._acall(_create_call(owner, name, params))

    def update(self, model: ModelRef, **params: Any) -> Model:
        """Update a model's metadata (description, github_url, ...); returns the model."""
        return self._call(_update_call(model_owner_name(model), params))

    async def async_update(self, model: ModelRef, **params: Any) -> Model:
        """Async :meth:`update`."""
        return await self._acall(_update_call(model_owner_name(model), params))

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        """Delete a model (it must have no versions); returns True."""
        return self._call(_delete_call(_ref(args, kwargs)))

    async def async_delete(self, *args: Any, **kwargs: Any) -> bool:
        """Async :meth:`delete`."""
        return await self._acall(_delete_call(_ref(args, kwargs)))

    def examples(self, model: ModelRef, cursor: Cursor = ...) -> Page[Prediction]:
        """Example predictions the model's author picked."""
        return self._call(_examples_call(model_owner_name(model), cursor))

    async def async_examples(self, model: ModelRef, cursor: Cursor = ...) -> Page[Prediction]:
        """Async :meth:`examples`."""
        return await self._acall(_examples_call(model_owner_name(model), cursor))

    def readme(self, model: ModelRef) -> str:
        """The model's README as Markdown."""
        return self._call(_readme_call(model_owner_name(model)))

    async def async_readme(self, model: ModelRef) -> str:
        """Async :meth:`readme`."""
        return await self._acall(_readme_call(model_owner_name(model)))


class ModelsPredictions(Namespace):
    """``client.models.predictions``: run a model's latest version (official models)."""

    def create(self, model: ModelRef, input: dict[str, Any], **params: Any) -> Prediction:
        """Create a prediction of ``model``; accepts the options of ``predictions.create``."""
        return self._client.predictions.create(model=model, input=input, **params)

    async def async_create(
        self, model: ModelRef, input: dict[str, Any], **params: Any
    ) -> Prediction:
        """Async :meth:`create`."""
        return await self._client.predictions.async_create(model=model, input=input, **params)


def _get_call(ref: tuple[str, str]) -> Call[Model]:
    from replicate_api.api.models import models_get

    return Call(parse_model, models_get.request_kwargs, args=ref)


def _delete_call(ref: tuple[str, str]) -> Call[bool]:
    from replicate_api.api.models import models_delete

    return Call(returns_true, models_delete.request_kwargs, args=ref, decode="none")


def _list_call(cursor: Cursor, sort_by: str | None, direction: str | None) -> Call[Page[Model]]:
    from replicate_api.api.models import models_list
    from replicate_api.types import UNSET

    # Unset unless given: the generated op would otherwise send the spec's defaults, and the
    # API's own default order then no longer applies (1.x sends no query either).
    filters: dict[str, Any] = {"sort_by": UNSET, "sort_direction": UNSET}
    if sort_by is not None:
        from replicate_api.models.models_list_sort_by import ModelsListSortBy

        filters["sort_by"] = ModelsListSortBy(sort_by)
    if direction is not None:
        from replicate_api.models.models_list_sort_direction import ModelsListSortDirection

        filters["sort_direction"] = ModelsListSortDirection(direction)
    return page_call(models_list.request_kwargs, parse_model, cursor, "/models", **filters)


def _search_call(query: str) -> Call[Page[Model]]:
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query must be a non-empty string")
    return Call(
        page_parser(parse_model),
        method="QUERY",
        url="/models",
        content=query.encode(),
        headers={"Content-Type": "text/plain"},
    )


def _create_call(owner: str, name: str, params: Mapping[str, Any]) -> Call[Model]:
    model_owner_name((owner, name))
    body = {"owner": owner, "name": name, **keyword_fields(params, _MODEL_FIELDS)}
    for required in ("visibility", "hardware"):
        if required not in body:
            raise TypeError(f"models.create() needs {required}=")
    from replicate_api.api.models import models_create
    from replicate_api.models.models_create_body import ModelsCreateBody

    return Call(
        parse_model,
        models_create.request_kwargs,
        kwargs={"body": GeneratedBody(ModelsCreateBody, body)},
    )


def _update_call(ref: tuple[str, str], params: dict[str, Any]) -> Call[Model]:
    from replicate_api.api.models import models_update
    from replicate_api.models.models_update_body import ModelsUpdateBody

    body = keyword_fields(params, _UPDATABLE_FIELDS)
    return Call(
        parse_model,
        models_update.request_kwargs,
        args=ref,
        kwargs={"body": GeneratedBody(ModelsUpdateBody, body)},
    )


def _examples_call(ref: tuple[str, str], cursor: Cursor) -> Call[Page[Prediction]]:
    from replicate_api.api.models import models_examples_list

    owner, name = ref
    return page_call(
        models_examples_list.request_kwargs,
        Prediction.from_json,
        cursor,
        f"/models/{owner}/{name}/examples",
        model_owner=owner,
        model_name=name,
    )


def _readme_call(ref: tuple[str, str]) -> Call[str]:
    from replicate_api.api.models import models_readme_get

    def parse(client: Client, text: Any) -> str:
        return str(text)

    return Call(parse, models_readme_get.request_kwargs, args=ref, decode="text")
