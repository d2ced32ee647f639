"""Trainings: fine-tuning a model version into a new version of a destination model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self, TypeAlias, TypedDict, Unpack

from attrs import define

from ._api.ops import Call, GeneratedBody
from ._job import (
    CreatePlan,
    Job,
    JobNamespace,
    create_arguments,
    job_id,
    webhook_fields,
    webhook_urls,
)
from .identifier import ModelVersionIdentifier, model_owner_name, parse_ref
from .pagination import Cursor, Page, page_call

if TYPE_CHECKING:
    from .client import Client
    from .model import Model
    from .version import Version


@define(kw_only=True, repr=False)  # Resource.__repr__
class Training(Job):
    """A training. ``destination`` is the ``owner/name`` model receiving the new version."""

    destination: str | None = None

    @classmethod
    def from_json(cls, client: Client | None, data: Any) -> Self:
        training = super().from_json(client, data)
        if training.destination is None:
            training.destination = _destination(training.output)
        return training

    @classmethod
    def _namespace(cls, client: Client) -> JobNamespace[Training]:
        return client.trainings

    @classmethod
    def _get_call(cls, id: str) -> Call[Training]:
        from replicate_api.api.trainings import trainings_get

        return Call(cls._from_answer, trainings_get.request_kwargs, args=(job_id(id),))

    @classmethod
    def _cancel_call(cls, id: str) -> Call[Training]:
        from replicate_api.api.trainings import trainings_cancel

        return Call(cls._from_answer, trainings_cancel.request_kwargs, args=(job_id(id),))


def _destination(output: Any) -> str | None:
    # The API names the model a training pushed to only in its output's new version
    # (``owner/name:id``), where 1.x read it too.
    version = output.get("version") if isinstance(output, dict) else None
    if not isinstance(version, str):
        return None
    try:
        ref = ModelVersionIdentifier.parse(version)
    except ValueError:
        return None
    return f"{ref.owner}/{ref.name}"


parse_training = Training.from_json


class CreateTrainingParams(TypedDict, total=False):
    """Keyword arguments of :meth:`Trainings.create`."""

    model: str | tuple[str, str] | Model
    version: str | Version
    input: dict[str, Any] | None
    destination: str | tuple[str, str] | Model
    webhook: str
    webhook_completed: str
    webhook_events_filter: Sequence[str]
    file_encoding_strategy: str


class Trainings(JobNamespace[Training]):
    """``client.trainings``: create, get, list and cancel trainings."""

    #: 1.x's name for the keyword arguments of :meth:`create`, as a nested class.
    CreateTrainingParams: TypeAlias = CreateTrainingParams

    _job = Training

    def create(self, *args: Any, **params: Unpack[CreateTrainingParams]) -> Training:
        """Train ``version`` (``"owner/name:version"``, or ``model=`` plus a version id)
        on ``input``, pushing the result to ``destination`` (``"owner/name"``).

        ``webhook``, ``webhook_events_filter`` and ``webhook_completed`` work as for
        predictions. 1.x's positional form ``create(version, input, destination, webhook,
        webhook_completed, webhook_events_filter)`` works too.
        """
        return self._create(plan_training(args, params))

    async def async_create(self, *args: Any, **params: Unpack[CreateTrainingParams]) -> Training:
        """Async :meth:`create`. Positional arguments follow 1.x's ``async_create(model,
        version, input)``, which differs from its sync ``create``."""
        return await self._async_create(plan_training(args, params, positional=_ASYNC_ORDER))

    def list(self, cursor: Cursor = ...) -> Page[Training]:
        """List your trainings, newest first."""
        return self._call(list_call(cursor))

    async def async_list(self, cursor: Cursor = ...) -> Page[Training]:
        """Async :meth:`list`."""
        return await self._acall(list_call(cursor))


#: 1.x's positional order of ``trainings.create``, webhooks included.
_SYNC_ORDER = ("version", "input", "destination", "webhook", "webhook_completed",
               "webhook_events_filter")  # fmt: skip
#: ... and of its ``trainings.async_create``.
_ASYNC_ORDER = ("model", "version", "input")


def plan_training(
    args: tuple[Any, ...], params: Mapping[str, Any], *, positional: tuple[str, ...] = _SYNC_ORDER
) -> CreatePlan[Training]:
    """Check the arguments of ``trainings.create`` and decide the request, sending nothing."""
    merged = create_arguments(
        args, params, allowed=CreateTrainingParams.__annotations__, positional=positional
    )
    destination = merged.get("destination")
    if destination is None:
        # ValueError and the start of the message as in 1.x, which code may catch or match.
        raise ValueError(
            "A destination must be provided as a positional or keyword argument. "
            "Pass destination='owner/name'."
        )
    dest_owner, dest_name = model_owner_name(destination, "destination")
    version = merged.get("version")
    version_value = getattr(version, "id", version)
    if not isinstance(version_value, str) or not version_value:
        raise ValueError(
            "model and version or shorthand version must be specified "
            "(version='owner/name:version', or model='owner/name' and version=VERSION_ID)"
        )
    if ":" in version_value:
        ref = parse_ref(version_value)
        assert ref.version is not None
        owner, name, version_id = ref.owner, ref.name, ref.version
    elif merged.get("model") is not None:
        (owner, name), version_id = model_owner_name(merged["model"]), version_value
    else:
        raise ValueError(
            f"version {version_value!r} needs a model: use 'owner/name:version' or pass model="
        )
    body = {"destination": f"{dest_owner}/{dest_name}", **webhook_fields(merged)}

    def call(encoded_input: dict[str, Any]) -> Call[Training]:
        from replicate_api.api.trainings import trainings_create
        from replicate_api.models.schemas_training_request import SchemasTrainingRequest

        request = GeneratedBody(SchemasTrainingRequest, {**body, "input": encoded_input})
        return Call(
            Training._from_answer,
            trainings_create.request_kwargs,
            args=(owner, name, version_id),
            kwargs={"body": request},
        )

    return CreatePlan(
        merged.get("input"), merged.get("file_encoding_strategy"), call, webhook_urls(body)
    )


def list_call(cursor: Cursor) -> Call[Page[Training]]:
    """The ``trainings.list`` call for one page."""
    from replicate_api.api.trainings import trainings_list

    return page_call(trainings_list.request_kwargs, parse_training, cursor, "/trainings")
