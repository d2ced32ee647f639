"""The default async transport: requests spread over several small httpx connection pools.

httpcore's pool re-scans every queued request against every connection whenever one changes
state, so its cost grows with the square of the requests in flight: 1,000 concurrent
``Prefer: wait`` runs spent most of 25 s there. Each shard here is a plain
``httpx.AsyncHTTPTransport`` that never carries more than ``shard_capacity`` requests, which keeps
that scan short. Shards open one at a time as load grows, close again once idle, and share one
SSL context (loading the CA bundle costs ~18 ms per pool).
"""

from __future__ import annotations

import functools
import importlib.util
import ssl
import sys
import time
from collections import deque
from typing import Any

import httpx

from .closing import AsyncClosingStream
from .pool_guard import spare_held_connections
from .wallclock import install_async

#: In-flight requests per shard. Smaller shards scan less per request (client CPU for 1,000
#: concurrent runs, measured: 8: 1.0 s, 16: 1.05 s, 32: 1.15 s); larger ones mean fewer pools.
DEFAULT_SHARD_CAPACITY = 16
#: httpx's default idle time before a kept-alive connection is dropped.
DEFAULT_KEEPALIVE_EXPIRY = 5.0


class _Shard:
    __slots__ = ("in_flight", "last_used", "transport")

    def __init__(self, transport: httpx.AsyncHTTPTransport) -> None:
        self.transport = transport
        self.in_flight = 0
        self.last_used = time.monotonic()


class _Waiter:
    """A request waiting for a slot while ``limits.max_connections`` are in flight."""

    __slots__ = ("event", "shard")

    def __init__(self, event: Any) -> None:
        self.event = event
        self.shard: _Shard | None = None


def absent_sniffio_fails_fast() -> None:
    """Make a missing ``sniffio`` fail to import at once.

    httpcore imports ``sniffio`` inside every async request to learn the event loop; when it is
    not installed (recent anyio no longer needs it), each failed import scans ``sys.path`` again,
    which cost ~1 ms per request. Recording the absence in ``sys.modules`` changes no outcome:
    the import fails either way, only without the scan.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


class ShardedAsyncTransport(httpx.AsyncBaseTransport):
    """An ``httpx.AsyncHTTPTransport`` look-alike that scales to thousands of concurrent requests.

    Requests go to the first shard (an ``httpx.AsyncHTTPTransport``) with fewer than
    ``shard_capacity`` requests in flight; a new shard opens when all are busy, and shards left
    idle for ``limits.keepalive_expiry`` are closed. A request holds its slot until its response
    is closed, as it would hold a connection.

    ``verify``, ``cert``, ``trust_env``, ``http1``, ``http2`` and ``proxy`` mean what they mean
    for ``httpx.AsyncHTTPTransport`` and apply to every shard. ``limits.max_connections`` caps
    the requests in flight across all shards (further ones wait in order, up to the pool
    timeout, then raise ``httpx.PoolTimeout``); the default is no cap.
    ``limits.max_keepalive_connections`` applies to each shard. With ``http2=True`` each shard
    opens its own connection.
    """

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | str | bool = True,
        cert: Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits | None = None,
        proxy: Any = None,
        shard_capacity: int = DEFAULT_SHARD_CAPACITY,
    ) -> None:
        if shard_capacity < 1:
            raise ValueError(f"shard_capacity must be at least 1, got {shard_capacity!r}")
        limits = limits or httpx.Limits(
            max_connections=None, keepalive_expiry=DEFAULT_KEEPALIVE_EXPIRY
        )
        cap = limits.max_connections
        if cap is not None and cap < 1:
            raise ValueError(f"limits.max_connections must be at least 1, got {cap!r}")
        self._max_in_flight = cap
        self._capacity = shard_capacity if cap is None else min(shard_capacity, cap)
        self._idle_expiry = limits.keepalive_expiry
        keepalive = limits.max_keepalive_connections
        self._shard_options: dict[str, Any] = {
            # One SSL context for all shards; it also carries the client certificate.
            "verify": httpx.create_ssl_context(verify=verify, cert=cert, trust_env=trust_env),
            "trust_env": trust_env,
            "http1": http1,
            "http2": http2,
            "proxy": proxy,
            # A shard never sees more than `capacity` requests, so it needs no cap of its own.
            "limits": httpx.Limits(
                max_connections=None,
                max_keepalive_connections=(
                    self._capacity if keepalive is None else min(keepalive, self._capacity)
                ),
                keepalive_expiry=limits.keepalive_expiry,
            ),
        }
        self._in_flight = 0
        self._waiters: deque[_Waiter] = deque()
        self._last_sweep = time.monotonic()
        # The first shard opens now, so that bad options fail here rather than mid-request.
        self._shards: list[_Shard] = [self._open_shard()]

    @property
    def shard_count(self) -> int:
        """How many shards (httpx connection pools) are open."""
        return len(self._shards)

    @property
    def in_flight(self) -> int:
        """Requests sent whose responses are not closed yet."""
        return self._in_flight

    def _open_shard(self) -> _Shard:
        return _Shard(
            install_async(spare_held_connections(httpx.AsyncHTTPTransport(**self._shard_options)))
        )

    def _take_slot(self) -> _Shard | None:
        """A shard with room, its slot counted; ``None`` when the total cap is reached."""
        if self._max_in_flight is not None and self._in_flight >= self._max_in_flight:
            return None
        # First fit, not least loaded: a trickle of requests keeps reusing one warm shard.
        shard = next((s for s in self._shards if s.in_flight < self._capacity), None)
        if shard is None:
            shard = self._open_shard()
            self._shards.append(shard)
        shard.in_flight += 1
        self._in_flight += 1
        return shard

    def _give_back(self, shard: _Shard) -> None:
        shard.last_used = time.monotonic()
        if self._waiters:  # hand the slot straight to the longest waiter: FIFO, no barging
            waiter = self._waiters.popleft()
            waiter.shard = shard
            waiter.event.set()
            return
        shard.in_flight -= 1
        self._in_flight -= 1

    async def _wait_for_slot(self, timeout: float | None) -> _Shard:
        import anyio  # only requests over the cap get here

        waiter = _Waiter(anyio.Event())
        self._waiters.append(waiter)
        try:
            with anyio.fail_after(timeout):
                await waiter.event.wait()
        except BaseException as exc:
            if waiter.shard is not None:
                self._give_back(waiter.shard)  # handed over just as we gave up
            else:
                self._waiters.remove(waiter)
            if isinstance(exc, TimeoutError):
                raise httpx.PoolTimeout(
                    f"no free connection within {timeout} s "
                    f"(limits.max_connections={self._max_in_flight})"
                ) from None
            raise
        assert waiter.shard is not None
        return waiter.shard

    async def _close_idle_shards(self) -> None:
        """Close shards unused for the keep-alive expiry (their connections would be stale).

        httpcore drops expired connections only when their pool is next used, and after a
        burst most shards are not: without this their sockets would linger.
        """
        expiry = self._idle_expiry
        now = time.monotonic()
        if expiry is None or now - self._last_sweep < expiry:
            return
        self._last_sweep = now
        idle = [s for s in self._shards if s.in_flight == 0 and now - s.last_used >= expiry]
        if idle:
            import anyio

            self._shards = [s for s in self._shards if s not in idle]
            with anyio.CancelScope(shield=True):  # a cancelled request must not leak them
                for shard in idle:
                    await shard.transport.aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._close_idle_shards()
        shard = self._take_slot()
        if shard is None:
            timeout = request.extensions.get("timeout", {}).get("pool")
            shard = await self._wait_for_slot(timeout)
        try:
            response = await shard.transport.handle_async_request(request)
        except BaseException:
            self._give_back(shard)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = AsyncClosingStream(
            response.stream, functools.partial(self._release, shard)
        )
        return response

    async def _release(self, shard: _Shard) -> None:
        self._give_back(shard)  # the response's body is closed: its slot is free again

    async def aclose(self) -> None:
        shards, self._shards = self._shards, []
        for shard in shards:
            await shard.transport.aclose()
