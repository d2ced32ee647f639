"""Predictions: one run of a model version on some input."""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias, TypedDict, Unpack

from attrs import define

from ._api.ops import Call, GeneratedBody, RequestBuilder
from ._job import (
    TERMINAL_STATUSES,
    WEBHOOK_EVENTS,
    CreatePlan,
    Job,
    JobNamespace,
    create_arguments,
    is_terminal,
    job_id,
    webhook_fields,
    webhook_urls,
)
from .exceptions import ModelError as ModelError  # 1.x's replicate.prediction.ModelError
from .identifier import check_version_id, model_owner_name, parse_ref
from .pagination import Cursor, Page, page_call

if TYPE_CHECKING:
    from .client import Client
    from .deployment import Deployment
    from .model import Model
    from .stream import ServerSentEvent
    from .version import Version

__all__ = ["TERMINAL_STATUSES", "WEBHOOK_EVENTS", "Prediction", "Predictions", "is_terminal"]

MAX_WAIT_SECONDS = 60
_PROGRESS = re.compile(r"^\s*(\d+)%\s*\|.+?\|\s*(\d+)\/(\d+)")


@define(kw_only=True, repr=False)  # Resource.__repr__
class Prediction(Job):
    """A prediction. ``status`` is one of starting, processing, succeeded, failed,
    canceled or aborted (unknown future statuses are kept as strings)."""

    data_removed: bool | None = None
    deployment: str | None = None
    deadline: str | None = None
    webhook: str | None = None
    webhook_events_filter: list[str] | None = None

    class Progress(NamedTuple):
        """Progress parsed from a tqdm-style line in the logs."""

        percentage: float
        current: int
        total: int

    @property
    def progress(self) -> Prediction.Progress | None:
        """The latest tqdm-style progress in the logs, if any."""
        for line in reversed((self.logs or "").splitlines()):
            match = _PROGRESS.match(line)
            if match:
                current, total = int(match[2]), int(match[3])
                return Prediction.Progress(float(match[1]) / 100, current, total)
        return None

    def stream(
        self, use_file_output: bool | None = None, *, rich: bool = False
    ) -> Iterator[ServerSentEvent]:
        """Iterate this prediction's server-sent events (see :mod:`replicate.stream`).

        As in 1.x, a generator that opens the stream when iteration starts; ``rich=True``
        returns an :class:`~replicate.stream.EventStream` (a context manager) instead.
        With ``use_file_output`` (default: the client's, True) the data of an ``output``
        event that is a file URL is a :class:`~replicate.helpers.FileOutput`.
        """
        from .stream import stream_prediction

        return stream_prediction(
            self._bound_client(), self, use_file_output=use_file_output, rich=rich
        )

    def async_stream(
        self, use_file_output: bool | None = None, *, rich: bool = False
    ) -> AsyncIterator[ServerSentEvent]:
        """Async :meth:`stream`: an async generator, as in 1.x (``rich=True``: an
        :class:`~replicate.stream.AsyncEventStream`)."""
        from .stream import async_stream_prediction

        return async_stream_prediction(
            self._bound_client(), self, use_file_output=use_file_output, rich=rich
        )

    @classmethod
    def _namespace(cls, client: Client) -> JobNamespace[Prediction]:
        return client.predictions

    @classmethod
    def _get_call(cls, id: str) -> Call[Prediction]:
        from replicate_api.api.predictions import predictions_get

        return Call(cls._from_answer, predictions_get.request_kwargs, args=(job_id(id),))

    @classmethod
    def _cancel_call(cls, id: str) -> Call[Prediction]:
        from replicate_api.api.predictions import predictions_cancel

        return Call(cls._from_answer, predictions_cancel.request_kwargs, args=(job_id(id),))

    def output_iterator(self, *, rich: bool = False) -> Iterator[Any]:
        """Yield the items of a list output as the model produces them (from the event
        stream, or by polling); raises ModelError if the prediction fails.

        A generator, as in 1.x; ``rich=True`` returns an
        :class:`~replicate._flows.outputs.OutputIterator` (with ``.items`` and ``.prediction``).
        """
        from ._flows.outputs import iterate_output
        from ._flows.run import _generator

        items = iterate_output(self._bound_client(), self)
        return items if rich else _generator(items)

    def async_output_iterator(self, *, rich: bool = False) -> AsyncIterator[Any]:
        """Async :meth:`output_iterator`: an async generator, as in 1.x (``rich=True``: an
        :class:`~replicate._flows.outputs.AsyncOutputIterator`)."""
        from ._flows.outputs import async_iterate_output
        from ._flows.run import _async_generator

        items = async_iterate_output(self._bound_client(), self)
        return items if rich else _async_generator(items)


parse_prediction = Prediction.from_json


class CreatePredictionParams(TypedDict, total=False):
    """Keyword arguments of :meth:`Predictions.create`."""

    model: str | tuple[str, str] | Model
    version: str | Version
    deployment: str | tuple[str, str] | Deployment
    input: dict[str, Any] | None
    webhook: str
    webhook_completed: str
    webhook_events_filter: Sequence[str]
    wait: bool | int
    cancel_after: str | int | float
    stream: bool
    file_encoding_strategy: str


class Predictions(JobNamespace[Prediction]):
    """``client.predictions``: create, get, list and cancel predictions."""

    #: 1.x's name for the keyword arguments of :meth:`create`, as a nested class.
    CreatePredictionParams: TypeAlias = CreatePredictionParams

    _job = Prediction

    def create(self, *args: Any, **params: Unpack[CreatePredictionParams]) -> Prediction:
        """Create a prediction of a version (``version=``), a model's latest version
        (``model=``) or a deployment (``deployment=``), with ``input=``.

        ``wait=True`` (or seconds, at most 60) asks the API to hold the response until
        the prediction finishes; ``cancel_after`` (seconds or a duration like ``"5m"``)
        has the server cancel it after that long; ``webhook``,
        ``webhook_events_filter`` and ``webhook_completed`` set up notifications.
        ``stream`` (deprecated: every prediction can be streamed) is sent as given.
        1.x's positional form ``create(version, input)`` works too.
        """
        return self._create(plan_prediction(args, params))

    async def async_create(
        self, *args: Any, **params: Unpack[CreatePredictionParams]
    ) -> Prediction:
        """Async :meth:`create`."""
        return await self._async_create(plan_prediction(args, params))

    def list(self, cursor: Cursor = ..., **filters: Any) -> Page[Prediction]:
        """List your predictions, newest first. Pass ``page.next`` as ``cursor`` for more.

        Filters: ``created_after`` (inclusive) and ``created_before`` (exclusive), datetimes
        or ISO 8601 strings; ``source="web"`` for only the website's predictions of the past
        14 days (the one value the API accepts; leave it out for all).
        """
        return self._call(list_call(cursor, filters))

    async def async_list(self, cursor: Cursor = ..., **filters: Any) -> Page[Prediction]:
        """Async :meth:`list`."""
        return await self._acall(list_call(cursor, filters))


class Route(NamedTuple):
    """Where a prediction is created: the generated operation's request builder, its path
    args, the generated body model, and body fields."""

    build: RequestBuilder
    args: tuple[str, ...]
    body_model: Any  # a generated model class
    body: dict[str, Any]


#: The 1.x name of :class:`CreatePredictionParams`.
CreatePredictionRequestParams = CreatePredictionParams


def plan_prediction(args: tuple[Any, ...], params: Mapping[str, Any]) -> CreatePlan[Prediction]:
    """Check the arguments of ``predictions.create`` and decide the request, sending nothing."""
    merged = create_arguments(
        args,
        params,
        allowed=CreatePredictionParams.__annotations__,
        positional=("version", "input"),
    )
    route = _route(
        model=merged.get("model"),
        version=merged.get("version"),
        deployment=merged.get("deployment"),
    )
    body = {**route.body, **webhook_fields(merged)}
    if merged.get("stream") is not None:  # deprecated, but sent as given (as 1.x does)
        body["stream"] = merged["stream"]
    # Keyword arguments of the generated operation that become headers.
    header_args: dict[str, str] = {}
    prefer = prefer_header(merged.get("wait"))
    if prefer:
        header_args["prefer"] = prefer
    if merged.get("cancel_after") is not None:
        header_args["cancel_after"] = cancel_after_header(merged["cancel_after"])

    # A partial rather than a closure: fewer objects held by each create in flight.
    call = functools.partial(_create_call, route, body, header_args)
    return CreatePlan(
        merged.get("input"), merged.get("file_encoding_strategy"), call, webhook_urls(body)
    )


def _create_call(
    route: Route, body: dict[str, Any], header_args: dict[str, str], encoded_input: dict[str, Any]
) -> Call[Prediction]:
    request = GeneratedBody(route.body_model, {**body, "input": encoded_input})
    return Call(
        Prediction._from_answer,
        route.build,
        args=route.args,
        kwargs={"body": request, **header_args},
    )


def _route(*, model: Any, version: Any, deployment: Any) -> Route:
    """Decide the endpoint from exactly one of model=, version=, deployment=."""
    if sum(v is not None for v in (model, version, deployment)) != 1:
        # 1.x's exact words: code and tests compare the whole message.
        raise ValueError("Exactly one of 'model', 'version', or 'deployment' must be specified.")
    if deployment is not None:
        from replicate_api.api.deployments import deployments_predictions_create
        from replicate_api.models.schemas_prediction_request import SchemasPredictionRequest

        owner, name = model_owner_name(deployment, "deployment")
        return Route(
            deployments_predictions_create.request_kwargs,
            (owner, name),
            SchemasPredictionRequest,
            {},
        )
    if model is not None and isinstance(model, str) and ":" in model:
        version = model  # "owner/name:version" given as model= means that version
    elif model is not None:
        from replicate_api.api.models import models_predictions_create
        from replicate_api.models.schemas_prediction_request import SchemasPredictionRequest

        owner, name = model_owner_name(model)
        return Route(
            models_predictions_create.request_kwargs,
            (owner, name),
            SchemasPredictionRequest,
            {},
        )
    from replicate_api.api.predictions import predictions_create
    from replicate_api.models.schemas_version_prediction_request import (
        SchemasVersionPredictionRequest,
    )

    return Route(
        predictions_create.request_kwargs,
        (),
        SchemasVersionPredictionRequest,
        {"version": version_id(version)},
    )


def version_id(version: Any) -> str:
    """The version id from a Version, ``owner/name:id`` or a bare id."""
    value = getattr(version, "id", version)
    if not isinstance(value, str) or not value:
        raise TypeError(f"version must be a version id or Version, got {version!r}")
    if ":" in value:
        ref = parse_ref(value)
        assert ref.version is not None
        return ref.version
    if "/" in value:
        raise ValueError(f"version {value!r} names a model, not a version; use model= instead")
    return check_version_id(value)


def prefer_header(wait: bool | int | None) -> str | None:
    """The ``Prefer`` header for ``wait``: True → ``wait``, N → ``wait=N``, False/None/0 →
    none (0 means no hold, as in 1.x)."""
    if wait is None or wait is False or (type(wait) is int and wait == 0):
        return None
    if wait is True:
        return "wait"
    if not isinstance(wait, int) or not 1 <= wait <= MAX_WAIT_SECONDS:
        raise ValueError(
            f"wait must be True, False (or 0) or 1..{MAX_WAIT_SECONDS} seconds, got {wait!r}"
        )
    return f"wait={wait}"


# "30", "30s", "500ms", "1.5h", "1m30s": one or more <number><unit> with no spaces inside.
_DURATION = re.compile(r"\d+(?:\.\d+)?|(?:\d+(?:\.\d+)?(?:ms|s|m|h))+")


def _seconds_text(seconds: float) -> str:
    # Plain digits, never an exponent ("1e+06s" is no duration); below a millisecond, 1 ms.
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    millis = max(1, round(seconds * 1000))
    return f"{millis // 1000}.{millis % 1000:03d}".rstrip("0").rstrip(".") + "s"


_UNIT_SECONDS = {"": 1.0, "ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def cancel_after_header(value: str | int | float) -> str:
    """``Cancel-After`` value: seconds (a finite positive number) become ``"<n>s"``;
    strings must be a duration like ``"30s"``, ``"5m"``, ``"1h30m"`` or ``"500ms"``; either
    at least the API's 5 s minimum."""
    from ._flows.run import MIN_CANCEL_AFTER

    if isinstance(value, bool):
        raise TypeError("cancel_after must be seconds or a duration string, not a bool")
    if isinstance(value, int | float):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(
                f"cancel_after must be a finite positive number of seconds, got {value!r}"
            )
        text, seconds = _seconds_text(value), float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _DURATION.fullmatch(text) or not any(c in "123456789" for c in text):
            raise ValueError(
                f"cancel_after {value!r} is not a positive duration like '30s', '5m', '1h30m' "
                "or '500ms' (no spaces inside)"
            )
        parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)?", text)
        seconds = sum(float(n) * _UNIT_SECONDS[unit] for n, unit in parts)
    else:
        raise TypeError(f"cancel_after must be seconds or a duration string, got {value!r}")
    if seconds < MIN_CANCEL_AFTER:  # the API refuses it: say so before sending
        raise ValueError(
            f"cancel_after must be at least {MIN_CANCEL_AFTER} seconds (the API's minimum), "
            f"got {value!r}"
        )
    return text


def _moment(name: str, value: Any) -> datetime.datetime:
    # The generated builder formats a datetime; a string is parsed here so that a mistake
    # names the argument instead of failing inside the generated code.
    if isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a datetime or an ISO 8601 string, got {value!r}")
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} is not an ISO 8601 date-time: {value!r}") from None


def list_call(cursor: Cursor, filters: dict[str, Any]) -> Call[Page[Prediction]]:
    """The ``predictions.list`` call for one page (filters are checked here)."""
    unknown = set(filters) - {"created_after", "created_before", "source"}
    if unknown:
        raise TypeError(f"list() got unexpected keyword arguments: {sorted(unknown)}")
    for name in ("created_after", "created_before"):
        if name in filters:
            filters = {**filters, name: _moment(name, filters[name])}
    if "source" in filters:
        from replicate_api.models.predictions_list_source import PredictionsListSource

        filters = {**filters, "source": PredictionsListSource(filters["source"])}
    from replicate_api.api.predictions import predictions_list

    return page_call(
        predictions_list.request_kwargs, parse_prediction, cursor, "/predictions", **filters
    )
