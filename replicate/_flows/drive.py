"""Drivers: perform the actions of a :mod:`replicate._flows.flow` flow, blocking or async.

Each driver runs one flow for one job. It hands ``Emit`` values to whoever
iterates it, performs every other action, and throws I/O errors back into the
flow. The open event-stream response is always closed when the flow ends, fails
or is abandoned.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from .._api.ops import call_async, call_sync
from .._http.api_transport import (
    DEADLINE_EXTENSION,
    STREAM_TOKEN_EXTENSION,
    STREAMED_EXTENSION,
    origin,
)
from .._http.wallclock import bounded, rebound
from .._steps import Stepper
from ..exceptions import ReplicateError, url_without_query
from .flow import Action, Cancel, Emit, OpenStream, ReadChunk, Reload, Send, Sleep

if TYPE_CHECKING:
    from .._job import Job
    from ..client import Client

T = TypeVar("T")
logger = logging.getLogger("replicate")

#: How long an interrupted run may spend asking the API to cancel its job.
CANCEL_TIMEOUT = 5.0
#: How long a run past its deadline may spend asking the API to cancel its job: a run
#: with ``timeout=T`` ends within T plus this (and scheduling noise).
DEADLINE_GRACE = 2.0

_REPLICATE_DOMAINS = ("replicate.com", "replicate.net")


def is_replicate_stream_host(url: httpx.URL) -> bool:
    """True for https URLs on Replicate's own domains (where its stream servers live)."""
    host = url.host
    return url.scheme == "https" and any(
        host == domain or host.endswith("." + domain) for domain in _REPLICATE_DOMAINS
    )


def stream_request(
    http: httpx.Client | httpx.AsyncClient, client: Client, action: OpenStream
) -> httpx.Request:
    """The GET request for an event stream (per-read timeout, token policy)."""
    base = client._timeout
    timeout = (
        base
        if action.read_timeout is None
        else httpx.Timeout(
            connect=base.connect, read=action.read_timeout, write=base.write, pool=base.pool
        )
    )
    url = httpx.URL(action.url)
    extensions: dict[str, Any] = {STREAMED_EXTENSION: True}
    if action.deadline is not None:
        extensions[DEADLINE_EXTENSION] = action.deadline
    if getattr(client, "authenticate_streams", False) and is_replicate_stream_host(url):
        extensions[STREAM_TOKEN_EXTENSION] = origin(url)  # this origin only, not a redirect's
    return http.build_request(
        "GET", url, headers=dict(action.headers), timeout=timeout, extensions=extensions
    )


def is_interrupt(exc: BaseException) -> bool:
    """Ctrl-C, or the cancellation of the running task."""
    import anyio

    return isinstance(exc, KeyboardInterrupt | anyio.get_cancelled_exc_class())


async def finish_despite_cancellation(
    work: Callable[[], T], async_work: Callable[[], Awaitable[T]], timeout: float, failed: str
) -> T | None:
    """Take a clean-up request (cancelling a prediction) to its end although the calling
    task is being cancelled, even a second time, within ``timeout`` seconds; ``None`` if
    it did not end in time or failed (logged as ``failed``, best effort). ``work`` and
    ``async_work`` are its sync and async forms.

    On asyncio a shielded scope is not enough: a second ``task.cancel()`` (``wait_for``
    around ``gather``, ``asyncio.run`` cancelling every task after Ctrl-C) still reaches
    the request. There ``work`` runs on a worker thread of the loop's executor, which no
    cancellation reaches and which ``asyncio.run`` waits for before it returns. Elsewhere
    (trio) a shielded cancel scope holds.
    """
    import asyncio

    import anyio

    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:  # not asyncio: trio
        loop = None
    with anyio.move_on_after(timeout, shield=True):  # holds against anyio's cancellations
        try:
            if loop is None:
                return await async_work()
            return await asyncio.shield(loop.run_in_executor(None, work))
        except asyncio.CancelledError:
            return None  # a native task.cancel() gets through: the thread goes on
        except Exception as exc:
            logger.warning("%s: %s", failed, exc)
    return None


def check_event_stream(response: httpx.Response) -> None:
    """Refuse an answer that is not an event stream (errors were raised already: what is
    left is a 1xx or 3xx, since streams do not follow redirects, or the wrong content)."""
    if not response.is_success:
        where = ""
        with contextlib.suppress(httpx.InvalidURL):  # a garbled Location is not named
            location = response.headers.get("location")
            where = f", to {url_without_query(httpx.URL(location))}" if location else ""
        raise ReplicateError(
            title="Not an event stream",
            detail=f"the stream URL answered {response.status_code}{where}",
            status=response.status_code,
            method="GET",
            url=url_without_query(response.request.url),
        )
    content_type = response.headers.get("content-type", "").partition(";")[0].strip()
    if content_type != "text/event-stream":
        raise ReplicateError(
            title="Not an event stream",
            detail=f"expected Content-Type text/event-stream, got {content_type or 'none'!r}",
            method="GET",
            url=url_without_query(response.request.url),
        )


class _Driver:
    """What both drivers hold: the client, the job (None for flows that only send
    calls), and the interrupt policy."""

    def __init__(
        self, client: Client, job: Job | None, *, cancel_on_interrupt: bool = False
    ) -> None:
        self.client = client
        self._job = job
        self.cancel_on_interrupt = cancel_on_interrupt
        self._response: httpx.Response | None = None

    @property
    def job(self) -> Job:
        """The job the flow acts on."""
        if self._job is None:
            raise RuntimeError("this flow has no job to act on")
        return self._job

    @property
    def _interruptible(self) -> bool:
        return self.cancel_on_interrupt and self._job is not None and not self._job.done


class SyncDriver(_Driver):
    """Runs flows with the client's blocking connection.

    With ``cancel_on_interrupt``, a ``KeyboardInterrupt`` while the driver waits or
    reads cancels the job on the server before it propagates.
    """

    _chunks: Iterator[bytes] = iter(())

    def drive(self, flow: Generator[Action, Any, T]) -> T:
        """Run ``flow`` to the end (ignoring emitted values) and return its result."""
        stepper = Stepper(flow)
        for _ in self._iterate(stepper):
            pass
        result: T = stepper.result
        return result

    def iterate(self, flow: Generator[Action, Any, Any]) -> Iterator[Any]:
        """Run ``flow``, yielding the values it emits."""
        return self._iterate(Stepper(flow))

    def _iterate(self, stepper: Stepper[Action]) -> Iterator[Any]:
        try:
            for action in stepper:
                if isinstance(action, Emit):
                    yield from action.values
                    continue
                with stepper:  # an error performing it is thrown into the flow
                    stepper.answer(self._perform(action))
        except KeyboardInterrupt:
            if self._interruptible:
                self._close()
                try:
                    with rebound(time.monotonic() + CANCEL_TIMEOUT):
                        self.job.cancel()
                except Exception as exc:
                    logger.warning("could not cancel %s: %s", self.job.id, exc)
            raise
        finally:
            self._close()
            stepper.close()

    def _perform(self, action: Action) -> Any:
        if isinstance(action, ReadChunk):
            return next(self._chunks, b"")
        if isinstance(action, Sleep):
            if action.seconds > 0:
                time.sleep(action.seconds)
        elif isinstance(action, Reload):
            with bounded(action.bound):
                self.job.reload()
        elif isinstance(action, OpenStream):
            self._close()
            http = self.client._http
            with bounded(action.deadline):
                response = http.send(stream_request(http, self.client, action), stream=True)
            self._response = response
            check_event_stream(response)
            self._chunks = response.iter_bytes()
        elif isinstance(action, Send):
            return call_sync(self.client, action.call)
        elif isinstance(action, Cancel):
            with rebound(time.monotonic() + DEADLINE_GRACE):  # sent at the deadline
                self.job.cancel()
        return None

    def _close(self) -> None:
        response, self._response = self._response, None
        self._chunks = iter(())
        if response is not None:
            response.close()


class AsyncDriver(_Driver):
    """Runs flows with the client's async connection for the running event loop.

    With ``cancel_on_interrupt``, cancelling the task (or Ctrl-C) while the driver
    waits or reads cancels the job on the server first.
    """

    _chunks: AsyncIterator[bytes] | None = None

    async def drive(self, flow: Generator[Action, Any, T]) -> T:
        """Run ``flow`` to the end (ignoring emitted values) and return its result."""
        stepper = Stepper(flow)
        async for _ in self._iterate(stepper):
            pass
        result: T = stepper.result
        return result

    def iterate(self, flow: Generator[Action, Any, Any]) -> AsyncIterator[Any]:
        """Run ``flow``, yielding the values it emits."""
        return self._iterate(Stepper(flow))

    async def _iterate(self, stepper: Stepper[Action]) -> AsyncIterator[Any]:
        try:
            for action in stepper:
                if isinstance(action, Emit):
                    for item in action.values:
                        yield item
                    continue
                with stepper:
                    stepper.answer(await self._perform(action))
        except BaseException as exc:
            if self._interruptible and is_interrupt(exc):
                await self._close()
                await self._cancel_shielded()
            raise
        finally:
            await self._close()
            stepper.close()

    async def _cancel_shielded(self) -> None:
        job = self.job

        def cancel() -> None:  # on a worker thread: no bound of the run's applies there
            with rebound(time.monotonic() + CANCEL_TIMEOUT):
                job.cancel()

        await finish_despite_cancellation(
            cancel, job.async_cancel, CANCEL_TIMEOUT, f"could not cancel {job.id}"
        )

    async def _perform(self, action: Action) -> Any:
        import anyio

        if isinstance(action, ReadChunk):
            return b"" if self._chunks is None else await anext(self._chunks, b"")
        if isinstance(action, Sleep):
            if action.seconds > 0:
                await anyio.sleep(action.seconds)
        elif isinstance(action, Reload):
            with bounded(action.bound):
                await self.job.async_reload()
        elif isinstance(action, OpenStream):
            await self._close()
            http = self.client._async_http()
            with bounded(action.deadline):
                response = await http.send(stream_request(http, self.client, action), stream=True)
            self._response = response
            check_event_stream(response)
            self._chunks = response.aiter_bytes()
        elif isinstance(action, Send):
            return await call_async(self.client, action.call)
        elif isinstance(action, Cancel):
            with rebound(time.monotonic() + DEADLINE_GRACE):  # sent at the deadline
                await self.job.async_cancel()
        return None

    async def _close(self) -> None:
        import anyio

        response, self._response = self._response, None
        chunks, self._chunks = self._chunks, None
        if response is not None:
            # Closing must finish even while the surrounding task is being cancelled.
            with anyio.CancelScope(shield=True):
                if isinstance(chunks, AsyncGenerator):  # httpx's byte iterators: closed
                    await chunks.aclose()  # here, not left to the loop (trio warns)
                await response.aclose()
