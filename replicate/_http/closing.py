"""Response bodies that report, once, when they are closed.

A pool that lends something per request (a connection slot, a place among the requests in
flight) gets it back when the response's body is closed, whether it was read to the end,
abandoned or failed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx


class ClosingStream(httpx.SyncByteStream):
    """A sync response body that calls ``on_close`` once, when it is closed."""

    def __init__(self, stream: Any, on_close: Callable[[], None]) -> None:
        self._stream = stream
        self._on_close: Callable[[], None] | None = on_close

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            on_close, self._on_close = self._on_close, None
            if on_close is not None:
                on_close()


class AsyncClosingStream(httpx.AsyncByteStream):
    """Async :class:`ClosingStream` (``on_close`` is awaited)."""

    def __init__(self, stream: Any, on_close: Callable[[], Awaitable[None]]) -> None:
        self._stream = stream
        self._on_close: Callable[[], Awaitable[None]] | None = on_close

    def __aiter__(self) -> AsyncIterator[bytes]:
        # The body's own iterator: no generator of ours in between (trio warns of each
        # async generator left to the loop to close).
        iterator: AsyncIterator[bytes] = self._stream.__aiter__()
        return iterator

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            on_close, self._on_close = self._on_close, None
            if on_close is not None:
                await on_close()
