"""Closing a connection pool while requests still use it.

``Client.close()`` retires the current :class:`DrainingClient` instead of closing it
under the feet of requests in flight (closing a socket another thread is reading from
does not wake that thread: it would wait for its read timeout). A retired pool closes
itself when its last request in flight (including a streamed response still being read)
ends. A request that reaches a pool already closed goes to the client's current pool,
the same as a call made after ``close()`` would: no call fails or stalls because of it.
``Client.aclose()`` does the same with :class:`DrainingAsyncClient`, for other tasks' runs
(closing under them failed their requests and left their predictions running).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx

from .closing import AsyncClosingStream, ClosingStream
from .cookies import skip_cookieless_answers


class _InFlight:
    """Counts requests in flight; says when a retired pool may close (no I/O)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self.retired = False
        self.closed = False

    def enter(self) -> bool:
        """Count a request in; ``False`` if the pool is already closed."""
        with self._lock:
            if self.closed:
                return False
            self._count += 1
            return True

    def leave(self) -> bool:
        """Count a request out; ``True`` if the pool must close now."""
        with self._lock:
            self._count -= 1
            return self._close_if_idle()

    def retire(self) -> bool:
        """Mark the pool retired; ``True`` if it must close now."""
        with self._lock:
            self.retired = True
            return self._close_if_idle()

    def _close_if_idle(self) -> bool:
        if self.retired and self._count == 0 and not self.closed:
            self.closed = True
            return True
        return False


class DrainingClient(httpx.Client):
    """An ``httpx.Client`` that can be retired: it closes once its requests have ended.

    ``successor()`` gives the pool to use for a request that arrives after this one closed.
    """

    def __init__(self, successor: Callable[[], httpx.Client], **options: Any) -> None:
        super().__init__(**options)
        skip_cookieless_answers(self)
        self._successor = successor
        self._in_flight = _InFlight()

    def retire(self) -> None:
        """Close now if idle, else when the last request in flight ends."""
        if self._in_flight.retire():
            super().close()

    def close(self) -> None:
        self.retire()

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        if not self._in_flight.enter():
            return self._successor().send(request, **kwargs)
        try:
            response = super().send(request, **kwargs)
        except BaseException:
            self._leave()
            raise
        if response.is_closed:  # read whole (stream=False): the request has ended
            self._leave()
        else:
            response.stream = ClosingStream(response.stream, self._leave)
        return response

    def _leave(self) -> None:
        if self._in_flight.leave():
            super().close()


class DrainingAsyncClient(httpx.AsyncClient):
    """Async :class:`DrainingClient`: ``aclose()`` retires it, and it closes once the
    requests other tasks have in flight have ended."""

    def __init__(self, successor: Callable[[], httpx.AsyncClient], **options: Any) -> None:
        super().__init__(**options)
        skip_cookieless_answers(self)
        self._successor = successor
        self._in_flight = _InFlight()

    async def aclose(self) -> None:
        """Close now if idle, else when the last request in flight ends."""
        if self._in_flight.retire():
            await super().aclose()

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        if not self._in_flight.enter():
            return await self._successor().send(request, **kwargs)
        try:
            response = await super().send(request, **kwargs)
        except BaseException:
            await self._leave()
            raise
        if response.is_closed:  # read whole (stream=False): the request has ended
            await self._leave()
        else:
            response.stream = AsyncClosingStream(response.stream, self._leave)
        return response

    async def _leave(self) -> None:
        if self._in_flight.leave():
            await super().aclose()
