"""Streaming a prediction's output as server-sent events.

:func:`stream` creates a prediction and yields the :class:`ServerSentEvent` objects
read from the prediction's ``urls["stream"]`` (a generator, as in 1.x; ``rich=True``
returns an :class:`EventStream`).
``str(event)`` is the text of ``output`` events (``""`` for others); as in 1.x, an
``output`` event whose data is a file URL carries a ``FileOutput`` as data; the stream
ends after the ``done`` event (whose data says whether it finished, was canceled
or failed); an ``error`` event raises :class:`~replicate.exceptions.StreamError`.
A dropped connection is resumed with ``Last-Event-ID`` after the server's
``retry`` delay, so no event is lost or repeated.

The API token is sent only to the API's own origin (and, with
``Client(authenticate_streams=True)``, to Replicate's own https stream hosts).
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
)
from typing import TYPE_CHECKING, Any, cast

import attrs

from ._flows.sse import EventType, ServerSentEvent

# The machinery is imported on first use: `import replicate` loads this module.
if TYPE_CHECKING:
    from ._flows.flow import Deadline, Flow
    from ._flows.run import RunOptions
    from .client import Client
    from .prediction import Prediction

__all__ = [
    "AsyncEventStream",
    "EventStream",
    "EventType",
    "ServerSentEvent",
    "async_stream",
    "stream",
]


def _events(prediction: Prediction, deadline: Deadline) -> Flow[None]:
    from ._flows.flow import guard_deadline, stream_events_flow, stream_url
    from .exceptions import ReplicateError

    url = stream_url(prediction)
    if url is None:
        raise ReplicateError(
            title="Streaming not available",
            detail=f"prediction {prediction.id} has no stream URL; the model does not stream",
        )
    flow = guard_deadline(stream_events_flow(prediction, url, deadline), prediction, cancel=True)
    return _naming_the_prediction(flow, prediction)


def _naming_the_prediction(flow: Flow[None], prediction: Prediction) -> Flow[None]:
    # A stream that cannot be read (refused, redirected, not an event stream) leaves the
    # prediction running on the server: the error says which one, so its output is not lost.
    from .exceptions import ModelError, PredictionTimeoutError

    try:
        return (yield from flow)
    except (ModelError, PredictionTimeoutError):
        raise  # the prediction failed, or was cancelled at its deadline
    except Exception as exc:
        exc.add_note(
            f"prediction {prediction.id} may still be running: "
            f"client.predictions.get({prediction.id!r}) fetches it"
        )
        raise


class EventStream(Iterator[ServerSentEvent]):
    """The events of one prediction; ``prediction`` is the prediction being streamed.

    Ctrl-C while iterating cancels the prediction on the server. :meth:`close`
    releases the connection early.
    """

    def __init__(
        self,
        client: Client,
        prediction: Prediction,
        deadline: Deadline,
        *,
        use_file_output: bool = False,
    ) -> None:
        from ._flows.drive import SyncDriver

        self.prediction = prediction
        driver = SyncDriver(client, prediction, cancel_on_interrupt=True)
        events = driver.iterate(_events(prediction, deadline))
        self._events: Iterator[ServerSentEvent] = (
            _with_files(events, client) if use_file_output else events
        )

    def __iter__(self) -> Iterator[ServerSentEvent]:
        # The driver's generator itself: no extra Python call per event.
        return self._events

    def __next__(self) -> ServerSentEvent:
        return next(self._events)

    def close(self) -> None:
        """Stop reading and close the connection."""
        close = getattr(self._events, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncEventStream(AsyncIterator[ServerSentEvent]):
    """Async :class:`EventStream`. The prediction is created on first use; both
    ``async for e in stream`` and 1.x's ``async for e in await stream`` work.
    Cancelling the task while iterating cancels the prediction on the server."""

    def __init__(
        self,
        client: Client,
        prediction: Prediction | Callable[[], Awaitable[Prediction]],
        deadline: Deadline,
        *,
        use_file_output: bool = False,
    ) -> None:
        self._client = client
        self._deadline = deadline
        self._use_file_output = use_file_output
        self._create: Callable[[], Awaitable[Prediction]] | None = None
        self._events: AsyncIterator[ServerSentEvent] | None = None
        self.prediction: Prediction | None = None
        if callable(prediction):
            self._create = prediction
        else:
            self._start_with(prediction)

    def _start_with(self, prediction: Prediction) -> AsyncIterator[ServerSentEvent]:
        from ._flows.drive import AsyncDriver

        self.prediction = prediction
        driver = AsyncDriver(self._client, prediction, cancel_on_interrupt=True)
        events = driver.iterate(_events(prediction, self._deadline))
        if self._use_file_output:
            events = _async_with_files(events, self._client)
        self._events = events
        return events

    async def _started(self) -> AsyncIterator[ServerSentEvent]:
        if self._events is not None:
            return self._events
        assert self._create is not None
        create, self._create = self._create, None
        return self._start_with(await create())

    def __await__(self) -> Generator[Any, None, AsyncEventStream]:
        return self._awaited().__await__()

    async def _awaited(self) -> AsyncEventStream:
        await self._started()
        return self

    async def __anext__(self) -> ServerSentEvent:
        events = await self._started()
        event: ServerSentEvent = await anext(events)
        return event

    async def aclose(self) -> None:
        """Stop reading and close the connection."""
        close = getattr(self._events, "aclose", None)
        if close is not None:
            await close()

    async def __aenter__(self) -> AsyncEventStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


_URL_STARTS = ("https", "http:", "data:")


def _file_event(event: ServerSentEvent, client: Client) -> ServerSentEvent:
    """``event`` with a FileOutput as data when it is an output event holding a file URL
    (as 1.x's streams give; ``str(event)`` is still the URL)."""
    data = event.data
    # Cheap test first: most events are tokens, and this runs for every one of them.
    if event.event != "output" or not isinstance(data, str) or data[:5] not in _URL_STARTS:
        return event
    from ._encoding.file_output import FileOutput, is_file_url

    if is_file_url(data):
        # The data is a FileOutput here (1.x's type for it), though annotated as text.
        return attrs.evolve(event, data=cast(str, FileOutput(event.data, client)))
    return event


def _with_files(
    events: Iterator[ServerSentEvent], client: Client
) -> Generator[ServerSentEvent, None, None]:
    try:
        for event in events:
            yield _file_event(event, client)
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()


async def _async_with_files(
    events: AsyncIterator[ServerSentEvent], client: Client
) -> AsyncGenerator[ServerSentEvent, None]:
    try:
        async for event in events:
            yield _file_event(event, client)
    finally:
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()


def _files_wanted(client: Client, use_file_output: bool | None) -> bool:
    if use_file_output is None:
        return bool(getattr(client, "use_file_output", True))
    return bool(use_file_output)


def stream_prediction(
    client: Client,
    prediction: Prediction,
    *,
    use_file_output: bool | None = None,
    rich: bool = False,
) -> Iterator[ServerSentEvent]:
    """The events of an existing prediction (``prediction.stream()``): a generator, or
    with ``rich=True`` an :class:`EventStream`."""
    from ._flows.flow import NO_DEADLINE

    files = _files_wanted(client, use_file_output)

    def events() -> EventStream:
        return EventStream(client, prediction, NO_DEADLINE, use_file_output=files)

    return events() if _rich(rich) else _generate(events)


def async_stream_prediction(
    client: Client,
    prediction: Prediction,
    *,
    use_file_output: bool | None = None,
    rich: bool = False,
) -> AsyncIterator[ServerSentEvent]:
    """Async :func:`stream_prediction` (``prediction.async_stream()``): an async generator,
    or with ``rich=True`` an :class:`AsyncEventStream`."""
    from ._flows.flow import NO_DEADLINE

    files = _files_wanted(client, use_file_output)

    def events() -> AsyncEventStream:
        return AsyncEventStream(client, prediction, NO_DEADLINE, use_file_output=files)

    return events() if _rich(rich) else _async_generate(events)


def _rich(rich: object) -> bool:
    if not isinstance(rich, bool):
        raise TypeError("rich must be True or False")
    return rich


def plan_stream(client: Client, ref: Any, **params: Any) -> tuple[dict[str, Any], RunOptions]:
    """Check a stream's arguments: the create target and options, as for ``run``.

    ``use_file_output`` (default: the client's, True): output events whose data is a
    file URL carry a :class:`~replicate.helpers.FileOutput`, as in 1.x.
    ``wait`` (default False, unlike ``run``) is honoured: the create request is held up
    to that long (as 1.x did), and the events are then streamed from the start.
    """
    from ._flows.run import plan_run

    if "progress" in params:
        raise TypeError("stream() takes no progress callback: iterate the events instead")
    return plan_run(client, ref, **{"wait": False, **params})


def stream(
    client: Client, ref: Any, input: dict[str, Any] | None = None, **kwargs: Any
) -> Iterator[ServerSentEvent]:
    """Create a prediction of ``ref`` and iterate its events.

    Keyword arguments are those of ``predictions.create`` (``webhook``, ...), plus
    ``timeout``/``deadline`` as in ``run``. As in 1.x, an ``output`` event whose data is a
    file URL carries a :class:`~replicate.helpers.FileOutput` (``use_file_output=False``
    keeps the text).

    As in 1.x, the result is a generator: arguments are checked and the prediction is
    created when iteration starts. ``rich=True`` does both now and returns an
    :class:`EventStream` (with ``.prediction``; a context manager).
    """
    from ._flows.run import create_prediction

    def events() -> EventStream:
        target, options = plan_stream(client, ref, **kwargs)
        prediction = create_prediction(client, target, input, options)  # by the deadline too
        return EventStream(
            client, prediction, options.deadline, use_file_output=options.use_file_output
        )

    if kwargs.get("rich"):
        return events()
    return _generate(events)


def _generate(events: Callable[[], EventStream]) -> Generator[ServerSentEvent, None, None]:
    # A plain generator, as 1.x returns: tracing wrappers check for exactly that type.
    # `yield from` closes the event stream when this generator is closed.
    yield from events()


async def async_stream(
    client: Client, ref: Any, input: dict[str, Any] | None = None, **kwargs: Any
) -> AsyncIterator[ServerSentEvent]:
    """Async :func:`stream`: ``async for event in await async_stream(...)``, as in 1.x.

    The result is an async generator (arguments checked and the prediction created
    when iteration starts), or with ``rich=True`` an :class:`AsyncEventStream`
    (arguments checked now, the prediction created on first use).
    """
    from ._flows.run import async_create_prediction

    def events() -> AsyncEventStream:
        target, options = plan_stream(client, ref, **kwargs)

        async def create() -> Prediction:  # by the deadline too
            return await async_create_prediction(client, target, input, options)

        return AsyncEventStream(
            client, create, options.deadline, use_file_output=options.use_file_output
        )

    if kwargs.get("rich"):
        return events()
    return _async_generate(events)


async def _async_generate(
    events: Callable[[], AsyncEventStream],
) -> AsyncGenerator[ServerSentEvent, None]:
    stream = events()
    try:
        async for event in stream:
            yield event
    finally:
        await stream.aclose()
