"""Waiting, streaming and output iteration as I/O-free flows.

A *flow* is a generator that yields actions (sleep, reload the prediction, open
an event stream, read a chunk, send an API call, cancel, emit a value to the
caller) and receives their results. The drivers in :mod:`replicate._flows.drive`
perform the actions with blocking or async I/O and throw I/O errors back into the
flow at the action that failed. So every decision (when to poll, when to
reconnect, when to give up, what to hand the caller) is written once, and the
sync and async shells stay a few lines each.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
import httpx

from .._api.ops import Call
from ..exceptions import ModelError, PredictionTimeoutError, ReplicateException, StreamError
from .polling import PollSchedule
from .sse import ReconnectLimitExceeded, ServerSentEvent, SSEReconnector

if TYPE_CHECKING:
    from .._job import Job
    from ..prediction import Prediction

T = TypeVar("T")
logger = logging.getLogger("replicate")


def _prediction(job: Job) -> Prediction:
    # Errors name predictions; trainings share the fields they read.
    return cast("Prediction", job)


# --- actions -----------------------------------------------------------------------------


@attrs.frozen
class Sleep:
    """Wait ``seconds``."""

    seconds: float


@attrs.frozen
class Reload:
    """Fetch the job's latest state into the job object, answered by ``bound``
    (``time.monotonic()``; ``None``: the client's timeouts only)."""

    bound: float | None = None


@attrs.frozen
class Cancel:
    """Ask the API to cancel the job."""


@attrs.frozen
class OpenStream:
    """Open the event stream at ``url`` (closing any open one). ``read_timeout``
    bounds each read; ``None`` keeps the client's."""

    url: str
    headers: Mapping[str, str]
    read_timeout: float | None
    deadline: float | None = None  # time.monotonic() after which not to retry


@attrs.frozen
class ReadChunk:
    """The next bytes of the open stream; ``b""`` at its end."""


@attrs.frozen
class Send:
    """Send an API call and return its parsed result."""

    call: Call[Any]


@attrs.frozen
class Emit:
    """Hand ``values``, in order, to whoever iterates the driver (batched: one action
    per chunk read, not per event, keeps streaming fast)."""

    values: Sequence[Any]


Action = Sleep | Reload | Cancel | OpenStream | ReadChunk | Send | Emit
Flow = Generator[Action, Any, T]
Observer = Callable[[], None]
EventsHandler = Callable[[list[ServerSentEvent]], Sequence[Any]]

# --- deadlines ---------------------------------------------------------------------------


class Expired(Exception):
    """Internal: the deadline passed while waiting."""


# Extra read time on top of the deadline, so a read that times out lands just after it.
_READ_GRACE = 0.05


@attrs.frozen
class Deadline:
    """An optional point in ``time.monotonic()`` time by which waiting must end."""

    at: float | None = None

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        """A deadline ``seconds`` from now (``None``: never)."""
        return cls(None if seconds is None else time.monotonic() + seconds)

    def remaining(self) -> float | None:
        """Seconds left (never negative), or ``None`` without a deadline."""
        return None if self.at is None else max(0.0, self.at - time.monotonic())

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self.at is not None and time.monotonic() >= self.at

    def clamp(self, seconds: float) -> float:
        """``seconds``, shortened so that it ends no later than the deadline."""
        remaining = self.remaining()
        return seconds if remaining is None else min(seconds, remaining)

    def read_timeout(self) -> float | None:
        """A per-read timeout that cannot outlast the deadline (``None``: client default)."""
        remaining = self.remaining()
        return None if remaining is None else remaining + _READ_GRACE


NO_DEADLINE = Deadline()


def stream_url(job: Job) -> str | None:
    """The job's event-stream URL, if the API gave one."""
    url = (job.urls or {}).get("stream")
    return url if isinstance(url, str) and url else None


# --- event streams -----------------------------------------------------------------------

# Failures after which the stream is worth resuming (Last-Event-ID) rather than abandoning.
RESUMABLE = (httpx.TransportError,)
# Failures after which waiting on the stream gives way to polling.
STREAM_UNAVAILABLE = (ReplicateException, ReconnectLimitExceeded, httpx.TransportError)
#: Seconds without an event (keep-alive comments only) after which a wait checks the job's
#: status itself: a stream that stays open but silent must not hold a finished wait for ever.
QUIET_RECHECK = 30.0


def events_flow(
    url: str,
    *,
    deadline: Deadline,
    on_events: EventsHandler,
    error: Callable[[ServerSentEvent], Exception] | None = None,
    reconnector: SSEReconnector | None = None,
    on_quiet: Callable[[], Flow[bool]] | None = None,
) -> Flow[None]:
    """Read the event stream at ``url`` until its ``done`` event, resuming after drops.

    The events of each chunk go to ``on_events``; whatever it returns is emitted.
    With ``error``, an ``error`` event raises ``error(event)`` after the events
    before it. A dropped or stalled connection is reopened with ``Last-Event-ID``
    after the server's ``retry`` delay, so no event is lost or repeated. Raises
    :class:`Expired` past the deadline and ``ReconnectLimitExceeded`` if
    reconnecting keeps failing; errors opening the stream propagate as they are.
    With ``on_quiet``, that flow runs whenever :data:`QUIET_RECHECK` seconds of data pass
    without an event; it returning ``True`` ends the stream.
    """
    tracker = reconnector or SSEReconnector()
    last_event = time.monotonic()
    while True:
        try:
            yield OpenStream(url, tracker.headers, deadline.read_timeout(), deadline.at)
        except RESUMABLE:
            if deadline.expired:  # it timed out because the deadline came
                raise Expired from None
            raise  # the client's transport has already retried opening
        try:
            while not tracker.done:
                chunk = yield ReadChunk()
                if not chunk:
                    break
                events = tracker.feed(chunk)
                if on_quiet is not None:  # the clock is read only when someone asks
                    now = time.monotonic()
                    if events:
                        last_event = now
                    elif now - last_event >= QUIET_RECHECK:
                        last_event = now
                        if (yield from on_quiet()):
                            return
                if events:
                    failed = _first_error(events) if error is not None else None
                    values = on_events(events if failed is None else events[:failed])
                    if values:
                        yield Emit(values)
                    if failed is not None and error is not None:
                        raise error(events[failed])
                if deadline.expired:  # a busy stream never times out by itself
                    raise Expired
        except RESUMABLE as exc:
            logger.info("event stream interrupted (%s); resuming", type(exc).__name__)
        if tracker.done:
            return
        if deadline.expired:
            raise Expired
        step = tracker.connection_lost()
        if step is None:
            return
        yield Sleep(deadline.clamp(step.delay))


def _first_error(events: list[ServerSentEvent]) -> int | None:
    for index, event in enumerate(events):
        if event.event == "error":
            return index
    return None


def stream_events_flow(job: Job, url: str, deadline: Deadline) -> Flow[None]:
    """Emit every event of ``job``'s stream; an ``error`` event raises :class:`StreamError`."""

    def error(event: ServerSentEvent) -> Exception:
        return StreamError(_prediction(job), error_detail(event.data), event.data)

    try:
        yield from events_flow(url, deadline=deadline, on_events=_same, error=error)
    except StreamError:
        # The job as created still says "starting": fetch its final state (status, error,
        # logs) for the error's .prediction, as run()'s ModelError has. Best effort only.
        with contextlib.suppress(Exception):
            yield Reload(deadline.at)
        raise


def _same(events: list[ServerSentEvent]) -> Sequence[Any]:
    return events


def error_detail(data: str) -> str:
    """The message of an ``error`` event (JSON ``{"detail": ...}`` or plain text)."""
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return data
    if isinstance(parsed, dict):
        for key in ("detail", "error", "message"):
            if isinstance(parsed.get(key), str):
                return str(parsed[key])
    return data


# --- polling and waiting -----------------------------------------------------------------


def poll_flow(
    job: Job,
    *,
    deadline: Deadline,
    poll_interval: float | None,
    on_update: Callable[[], Sequence[Any]],
) -> Flow[None]:
    """Reload ``job`` on the adaptive :class:`PollSchedule` until it is terminal.

    After each reload, ``on_update()``'s values are emitted.
    """
    schedule = PollSchedule(poll_interval=poll_interval)
    start, attempt = time.monotonic(), 0
    while True:
        step = schedule.next(elapsed=time.monotonic() - start, attempt=attempt, status=job.status)
        if step.done:
            return
        if deadline.expired:
            raise Expired
        yield Sleep(deadline.clamp(step.delay))
        yield from reload_flow(deadline)
        attempt += 1
        values = on_update()
        if values:
            yield Emit(values)


def reload_flow(deadline: Deadline) -> Flow[None]:
    """Reload the job, by the deadline. The transport alone retries a failed reload
    (cut bodies included), so a failure is not retried again here; one that comes
    from reaching the deadline is :class:`Expired`."""
    yield from within(deadline, _reload(deadline))


def _reload(deadline: Deadline) -> Flow[None]:
    yield Reload(deadline.at)


def within(deadline: Deadline, flow: Flow[T]) -> Flow[T]:
    """Run ``flow``, whose requests are bounded by ``deadline``: a transport failure once
    it has passed (the bound cut the request short) is :class:`Expired`."""
    try:
        return (yield from flow)
    except httpx.TransportError:
        if deadline.expired:
            raise Expired from None
        raise


def _quiet(observe: Observer | None) -> Callable[[], Sequence[Any]]:
    def update() -> Sequence[Any]:
        if observe is not None:
            observe()
        return ()

    return update


def _event_applier(job: Job, *, track_logs: bool) -> Callable[[list[ServerSentEvent]], None]:
    """Keep ``job`` roughly current from its events between fetches.

    Any event from the model means it is running. With ``track_logs`` (a progress
    callback will look), ``job.logs`` is rebuilt from the ``logs`` events (streams
    replay from the start), once per batch of events rather than per event; without
    it the logs are left to the final fetch, which sets the true state, so many
    ``logs`` events cost linear time.
    """
    lines: list[str] = []

    def apply(events: list[ServerSentEvent]) -> None:
        logged = False
        for event in events:
            if event.event == "logs":
                logged = True
                if track_logs:
                    lines.append(event.data)
            if event.event in ("logs", "output") and job.status == "starting":
                job.status = "processing"
        if logged and track_logs:
            job.logs = "\n".join(lines) + "\n"

    return apply


def wait_flow(
    job: Job,
    *,
    deadline: Deadline,
    poll_interval: float | None,
    stream_url: str | None,
    observe: Observer | None = None,
) -> Flow[None]:
    """Return once ``job`` is terminal.

    With a stream URL the ``done`` event says when (one request, no polling lag),
    then one reload fetches the final state; without one, or if the stream is
    refused, the adaptive poll schedule is used.
    """
    if job.done:
        return
    update = _quiet(observe)
    if stream_url is not None:
        apply = _event_applier(job, track_logs=observe is not None)

        def on_events(events: list[ServerSentEvent]) -> Sequence[Any]:
            apply(events)
            return update()

        def finished_meanwhile() -> Flow[bool]:
            yield from reload_flow(deadline)
            update()
            return job.done

        try:
            yield from events_flow(
                stream_url, deadline=deadline, on_events=on_events, on_quiet=finished_meanwhile
            )
        except Exception as exc:
            _polling_instead("waiting", exc)
        yield from reload_flow(deadline)
        update()
    yield from poll_flow(job, deadline=deadline, poll_interval=poll_interval, on_update=update)


def _polling_instead(doing: str, exc: Exception) -> None:
    # The stream only makes waiting quicker: whatever keeps it from working (a refusal, a
    # network failure, or a test double that does not serve it, as respx and vcrpy raise for
    # requests they were not given), polling still gets the job's state. Only the deadline
    # ends the wait.
    if isinstance(exc, Expired):
        raise exc
    if isinstance(exc, STREAM_UNAVAILABLE):
        logger.info("%s by polling: event stream unavailable (%s)", doing, exc)
    else:
        name = type(exc).__name__
        logger.warning("%s by polling: event stream failed (%s: %s)", doing, name, exc)


def output_flow(
    job: Job,
    *,
    deadline: Deadline,
    poll_interval: float | None,
    stream_url: str | None,
    item: Callable[[Any, bool], Any],
    observe: Observer | None = None,
) -> Flow[None]:
    """Emit the items of an iterator output as the model produces them.

    Items come from the stream's ``output`` events when there is a stream, else
    from the output list growing between polls. ``item(value, from_stream)`` turns
    a raw value into what the caller sees. Ends with :class:`ModelError` if the
    prediction does not succeed. After the stream, the final output is checked so
    that an item the stream missed is still emitted, once.
    """
    emitted = 0
    update = _quiet(observe)
    if stream_url is not None and not job.done:
        apply = _event_applier(job, track_logs=observe is not None)

        def on_events(events: list[ServerSentEvent]) -> Sequence[Any]:
            nonlocal emitted
            apply(events)
            update()
            items = [item(event.data, True) for event in events if event.event == "output"]
            emitted += len(items)
            return items

        try:
            yield from events_flow(stream_url, deadline=deadline, on_events=on_events)
        except Exception as exc:
            _polling_instead("iterating output", exc)
        yield from reload_flow(deadline)

    def fresh() -> Sequence[Any]:
        nonlocal emitted
        items = job.output if isinstance(job.output, list) else []
        new = items[emitted:]
        emitted = max(emitted, len(items))
        update()
        return [item(value, False) for value in new]

    first = fresh()
    if first:
        yield Emit(first)
    yield from poll_flow(job, deadline=deadline, poll_interval=poll_interval, on_update=fresh)
    if job.status != "succeeded":
        raise ModelError(_prediction(job))


def guard_deadline(flow: Flow[T], job: Job, *, cancel: bool) -> Flow[T]:
    """Run ``flow``; past its deadline cancel ``job`` (if asked) and raise
    :class:`PredictionTimeoutError` carrying it."""
    try:
        return (yield from flow)
    except Expired:
        if cancel:
            try:
                yield Cancel()
            except Exception as exc:  # the timeout is the error to report
                logger.warning("could not cancel prediction %s: %s", job.id, exc)
        raise PredictionTimeoutError(_prediction(job)) from None
