"""Iterator outputs: models whose schema says ``x-cog-array-type: iterator``.

:func:`output_kind` reads the version schema (fetched by :func:`schema_flow`, once
per client and version); :func:`items_flow` emits the items as the model makes
them; :class:`OutputIterator` / :class:`AsyncOutputIterator` are what ``run``
returns for such outputs, and what ``prediction.output_iterator()`` returns.
"""

from __future__ import annotations

import contextlib
import json
import logging
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from .._api.ops import Call
from .._encoding.file_output import transform_output
from ..exceptions import ReplicateError
from .drive import AsyncDriver, SyncDriver
from .flow import (
    NO_DEADLINE,
    Deadline,
    Flow,
    Observer,
    Send,
    guard_deadline,
    output_flow,
    stream_url,
)

if TYPE_CHECKING:
    from .._job import Job
    from ..client import Client
    from ..prediction import Prediction
    from ..version import Version

__all__ = ["AsyncOutputIterator", "OutputIterator", "OutputKind", "output_kind"]

logger = logging.getLogger("replicate")


@attrs.frozen
class OutputKind:
    """What the version schema says about the output."""

    iterator: bool = False
    concatenate: bool = False
    item_type: str | None = None


def output_kind(schema: Any) -> OutputKind:
    """Read ``x-cog-array-type: iterator`` / ``x-cog-array-display: concatenate``."""
    try:
        output = schema["components"]["schemas"]["Output"]
    except (KeyError, TypeError):
        return OutputKind()
    if not isinstance(output, dict) or output.get("type") != "array":
        return OutputKind()
    if output.get("x-cog-array-type") != "iterator":
        return OutputKind()
    items = output.get("items")
    item_type = items.get("type") if isinstance(items, dict) else None
    return OutputKind(True, output.get("x-cog-array-display") == "concatenate", item_type)


_schema_caches: weakref.WeakKeyDictionary[Any, dict[tuple[str, str | None], Any]] = (
    weakref.WeakKeyDictionary()
)
_SCHEMA_CACHE_SIZE = 256


def schema_flow(client: Client, job: Job) -> Flow[Any]:
    """The output schema of ``job``'s version (cached per client: versions never change).

    Falls back to the model's latest version (official models have none of their
    own); a schema that cannot be fetched counts as "no schema", never as an error.
    """
    from replicate_api.api.models import models_get, models_versions_get

    from ..model import parse_model
    from ..version import parse_version

    if not job.model or "/" not in job.model:
        return None
    owner, name = job.model.split("/", 1)
    cache = _schema_caches.setdefault(client, {})
    key = (job.model, job.version)
    if key in cache:
        return cache[key]
    schema = None
    try:
        version = None
        if job.version:
            version_call = Call(
                parse_version, models_versions_get.request_kwargs, args=(owner, name, job.version)
            )
            version = yield Send(version_call)
        if version is None or version.openapi_schema is None:
            model = yield Send(Call(parse_model, models_get.request_kwargs, args=(owner, name)))
            version = model.latest_version
        schema = _marked(version) if version is not None else None
    except ReplicateError as exc:
        logger.info("no output schema for %s: %s", job.model, exc)
    if len(cache) >= _SCHEMA_CACHE_SIZE:
        cache.clear()
    cache[key] = schema
    return schema


def _marked(version: Version) -> Any:
    # Versions built by cog before 0.3.9 do not mark iterator outputs (1.x marks them too).
    from ..schema.legacy import make_schema_backwards_compatible

    schema = version.openapi_schema
    if isinstance(schema, dict) and version.cog_version:
        schema = make_schema_backwards_compatible(schema, version.cog_version)
    return schema


def remember_schema(client: Client, model: str | None, version: str | None, schema: Any) -> None:
    """Seed the cache with a schema already at hand (a Version given to ``run``, or one
    fetched by ``use()``), saving the request."""
    if not (model and version and schema is not None):
        return
    cache = _schema_caches.setdefault(client, {})
    if len(cache) >= _SCHEMA_CACHE_SIZE:
        cache.clear()
    cache[(model, version)] = schema


def items_flow(
    client: Client,
    prediction: Prediction,
    kind: OutputKind,
    *,
    use_file_output: bool,
    deadline: Deadline,
    observe: Observer | None = None,
) -> Flow[None]:
    """Emit an iterator output's items (file URLs as FileOutput when asked); past the
    deadline, cancel the prediction and raise :class:`PredictionTimeoutError`."""

    def item(value: Any, from_stream: bool) -> Any:
        if from_stream and kind.item_type not in (None, "string"):
            with contextlib.suppress(ValueError, RecursionError):  # kept as the text sent
                value = json.loads(value)
        return transform_output(value, client) if use_file_output else value

    flow = output_flow(
        prediction,
        deadline=deadline,
        poll_interval=client._poll_interval,
        stream_url=stream_url(prediction),
        item=item,
        observe=observe,
    )
    yield from guard_deadline(flow, prediction, cancel=True)


# --- iterators ------------------------------------------------------------------------


class _Items:
    """What both output iterators share: the prediction and the items seen so far."""

    def __init__(self, prediction: Prediction, kind: OutputKind) -> None:
        self.prediction = prediction
        self.concatenate = kind.concatenate
        self.items: list[Any] = []

    def _joined(self) -> str:
        if not self.concatenate:
            raise TypeError("only outputs displayed as 'concatenate' have a joined text")
        return "".join(str(item) for item in self.items)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of prediction {self.prediction.id}>"


class OutputIterator(_Items, Iterator[Any]):
    """An iterator output (``x-cog-array-type: iterator``): yields items as they are made.

    ``prediction`` is the prediction, ``items`` the items yielded so far. For
    outputs displayed as ``concatenate`` (token streams), :meth:`text` (and
    ``str()``) waits for the rest and returns the whole joined text.
    """

    def __init__(self, driver: SyncDriver, flow: Flow[None], kind: OutputKind) -> None:
        prediction: Prediction = driver.job  # type: ignore[assignment]
        super().__init__(prediction, kind)
        self._source = driver.iterate(flow)

    def __next__(self) -> Any:
        item = next(self._source)
        self.items.append(item)
        return item

    def text(self) -> str:
        """All items joined (concatenate outputs only); consumes the rest of the iterator."""
        for _ in self:
            pass
        return self._joined()

    def __str__(self) -> str:
        return self.text() if self.concatenate else repr(self)


class AsyncOutputIterator(_Items, AsyncIterator[Any]):
    """Async :class:`OutputIterator`; ``await it.text()`` gives the joined text."""

    def __init__(self, driver: AsyncDriver, flow: Flow[None], kind: OutputKind) -> None:
        prediction: Prediction = driver.job  # type: ignore[assignment]
        super().__init__(prediction, kind)
        self._source = driver.iterate(flow)

    async def __anext__(self) -> Any:
        item = await anext(self._source)
        self.items.append(item)
        return item

    async def text(self) -> str:
        """All items joined (concatenate outputs only); consumes the rest of the iterator."""
        async for _ in self:
            pass
        return self._joined()


_ANY_ITERATOR = OutputKind(iterator=True)


def _raw_items(client: Client, prediction: Prediction) -> Flow[None]:
    return items_flow(
        client, prediction, _ANY_ITERATOR, use_file_output=False, deadline=NO_DEADLINE
    )


def iterate_output(client: Client, prediction: Prediction) -> OutputIterator:
    """``prediction.output_iterator()``: the output list's items as they appear (raw values)."""
    return OutputIterator(
        SyncDriver(client, prediction), _raw_items(client, prediction), _ANY_ITERATOR
    )


def async_iterate_output(client: Client, prediction: Prediction) -> AsyncOutputIterator:
    """Async :func:`iterate_output`."""
    return AsyncOutputIterator(
        AsyncDriver(client, prediction), _raw_items(client, prediction), _ANY_ITERATOR
    )
