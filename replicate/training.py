"""Trainings: fine-tuning a model version into a new version of a destination model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from attrs import define, frozen

from ._job import Job, JobNamespace, job_calls
from ._ops import Call, GeneratedBody
from .helpers import async_encode_json, encode_json
from .identifier import ModelVersionIdentifier, model_owner_name
from .pagination import Cursor, Page, page_call
from .prediction import _options

if TYPE_CHECKING:
    from .model import Model
    from .version import Version


@define(kw_only=True)
class Training(Job):
    """A training. ``destination`` is the ``owner/name`` model receiving the new version."""

    destination: str | None = None


_parse = Training.from_json
_CALLS = job_calls("trainings", _parse)
Training._calls = _CALLS


class Trainings(JobNamespace[Training]):
    """``client.trainings``: create, get, list and cancel trainings."""

    _calls = _CALLS

    def create(self, *args: Any, **params: Unpack[CreateTrainingParams]) -> Training:
        """Train ``version`` (``"owner/name:version"``, or ``model=`` plus a version id)
        on ``input``, pushing the result to ``destination`` (``"owner/name"``).

        ``webhook``, ``webhook_events_filter`` and ``webhook_completed`` work as for
        predictions. 1.x's positional ``create(version, input, destination)`` works too.
        """
        plan = plan_training(args, params)
        return self._run(plan.call(encode_json(plan.input, self._client, plan.strategy)))

    async def async_create(self, *args: Any, **params: Unpack[CreateTrainingParams]) -> Training:
        """Async :meth:`create`."""
        plan = plan_training(args, params)
        encoded = await async_encode_json(plan.input, self._client, plan.strategy)
        return await self._arun(plan.call(encoded))

    def list(self, cursor: Cursor = ...) -> Page[Training]:
        """List your trainings, newest first."""
        return self._run(page_call("trainings.trainings_list", _parse, cursor, "/trainings"))

    async def async_list(self, cursor: Cursor = ...) -> Page[Training]:
        """Async :meth:`list`."""
        return await self._arun(page_call("trainings.trainings_list", _parse, cursor, "/trainings"))


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


@frozen
class TrainingPlan:
    """A validated training request, waiting only for its encoded input."""

    path: tuple[str, str, str]
    input: Any
    body: dict[str, Any]
    strategy: str | None

    def call(self, encoded_input: dict[str, Any]) -> Call[Training]:
        """The call that creates the training."""
        body = {**self.body, "input": encoded_input}
        request = GeneratedBody("schemas_training_request.SchemasTrainingRequest", body)
        return Call(
            _parse, op="trainings.trainings_create", args=self.path, kwargs={"body": request}
        )


_POSITIONAL = ("version", "input", "destination")


def plan_training(args: tuple[Any, ...], params: Mapping[str, Any]) -> TrainingPlan:
    """Check the arguments of ``trainings.create`` and decide the request, sending nothing."""
    unknown = sorted(set(params) - set(CreateTrainingParams.__annotations__))
    if unknown:
        raise TypeError(f"create() got unexpected keyword arguments {unknown}")
    if len(args) > len(_POSITIONAL):
        raise TypeError("create() takes at most 3 positional args: version, input, destination")
    merged = {**params, **dict(zip(_POSITIONAL, args, strict=False))}
    destination = merged.get("destination")
    if destination is None:
        raise TypeError("trainings.create() needs destination='owner/name'")
    dest_owner, dest_name = model_owner_name(destination, "destination")
    version = merged.get("version")
    version_value = getattr(version, "id", version)
    if not isinstance(version_value, str) or not version_value:
        raise TypeError("trainings.create() needs version= ('owner/name:version' or a version id)")
    if ":" in version_value:
        ref = ModelVersionIdentifier.parse(version_value)
        assert ref.version is not None
        owner, name, version_id = ref.owner, ref.name, ref.version
    elif merged.get("model") is not None:
        (owner, name), version_id = model_owner_name(merged["model"]), version_value
    else:
        raise ValueError(
            f"version {version_value!r} needs a model: use 'owner/name:version' or pass model="
        )
    options = _options(
        merged.get("webhook"),
        merged.get("webhook_completed"),
        merged.get("webhook_events_filter"),
        None,
        None,
    )
    body = {"destination": f"{dest_owner}/{dest_name}", **options.body}
    return TrainingPlan(
        (owner, name, version_id), merged.get("input"), body, merged.get("file_encoding_strategy")
    )
