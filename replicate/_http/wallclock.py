"""Wall-clock bounds on whole requests and answers, not just on each socket operation.

httpx's timeouts apply to each socket operation, so a server that trickles one
byte per second never trips them. Two bounds, kept in context variables, cap the
timeouts of the operations on the client's own connections (the network backend
of its transports is wrapped by :func:`install`):

* :func:`bounded`: an instant (``time.monotonic()``) by which every connect, write
  and read must end (a run's deadline); nested bounds only ever tighten.
* :func:`answering`: an :class:`Answer`, the time the whole answer to one attempt
  (status line, headers, body) may take, counted from its first read after the
  request was written, so that uploading a large body does not eat into it.

Transports that do not run on httpcore (``AiohttpTransport``) ask :func:`time_left`
and time each whole operation instead.

Once a bound has passed, the next operation fails at once with ``httpcore``'s
timeout, which httpx raises as ``httpx.ReadTimeout`` (``WriteTimeout``/``ConnectTimeout``).
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from contextvars import ContextVar, Token
from typing import Any

import httpcore
import httpx
from httpcore._utils import is_socket_readable

#: The message of the timeout raised once a bound has passed.
LIMIT_REACHED = "the request's total time limit was reached"

_UNKNOWN: Any = object()

_BOUND: ContextVar[float | None] = ContextVar("replicate_wallclock_bound", default=None)


class Answer:
    """The ``seconds`` the answer to one attempt may take, from its first read after the
    request was written (I/O-free: the clock readings are passed in)."""

    __slots__ = ("_by", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._by: float | None = None

    def wrote(self) -> None:
        """The request is (still) being written: the answer has not started."""
        self._by = None

    def left(self, now: float) -> float:
        """Seconds left for the answer; the first call starts its clock."""
        if self._by is None:
            self._by = now + self.seconds
        return self._by - now


_ANSWER: ContextVar[Answer | None] = ContextVar("replicate_wallclock_answer", default=None)


class _Setting:
    """Sets a context variable for the length of a ``with`` block (``None``: sets nothing).

    A class rather than ``@contextmanager``: runs enter these several times per request.
    """

    __slots__ = ("_token", "_value", "_var", "_when_earlier")

    def __init__(self, var: ContextVar[Any], value: Any, *, when_earlier: bool = False) -> None:
        self._var = var
        self._value = value
        self._when_earlier = when_earlier
        self._token: Token[Any] | None = None

    def __enter__(self) -> None:
        value = self._value
        if value is None:
            return
        if self._when_earlier:
            current = self._var.get()
            if current is not None and current <= value:
                return
        self._token = self._var.set(value)

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            self._var.reset(self._token)
            self._token = None


def answering(answer: Answer | None) -> AbstractContextManager[None]:
    """Within this block, reads are bounded by ``answer`` (``None``: no bound)."""
    return _Setting(_ANSWER, answer)


def bounded(at: float | None) -> AbstractContextManager[None]:
    """Within this block, socket operations end by ``at`` (``time.monotonic()``; ``None``:
    no new bound). An enclosing, earlier bound still applies."""
    return _Setting(_BOUND, at, when_earlier=True)


def rebound(at: float) -> AbstractContextManager[None]:
    """Within this block, socket operations end by ``at``, even if an enclosing bound has
    passed (a cancel sent once a run's deadline is reached gets its own grace)."""
    return _Setting(_BOUND, at)


def current() -> float | None:
    """The bound in force (``time.monotonic()``), if any."""
    return _BOUND.get()


def time_left(*, answer: bool = True) -> float | None:
    """Seconds left under the bound in force and, with ``answer``, the answer in force
    (starting its clock): for transports that time whole operations, not socket ones.
    ``None``: no bound."""
    now = time.monotonic()
    found = _ANSWER.get() if answer else None
    left = None if found is None else found.left(now)
    at = _BOUND.get()
    if at is not None:
        left = at - now if left is None else min(left, at - now)
    return left


def clamp(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` of a connect or write, shortened to the bound in force; raises
    ``error`` once it has passed."""
    answer = _ANSWER.get()
    if answer is not None:
        answer.wrote()
    return _shortened(timeout, error, time_left(answer=False))


def clamp_read(timeout: float | None) -> float | None:
    """``timeout`` of a read, shortened to the bound and the answer in force."""
    return _shortened(timeout, httpcore.ReadTimeout, time_left())


def _shortened(timeout: float | None, error: type[Exception], left: float | None) -> float | None:
    if left is None:
        return timeout
    if left <= 0:
        raise error(LIMIT_REACHED)
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, clamp_read(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        timeout = clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: Any = _UNKNOWN

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, clamp_read(timeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, clamp(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        timeout = clamp(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # httpcore asks for every idle connection on every pass of its pool, and anyio
            # answers by building all of its socket's attributes (a getpeername call
            # included): the socket, which never changes, is looked up once.
            if self._socket is _UNKNOWN:
                self._socket = self._inner.get_extra_info("socket")
            return is_socket_readable(self._socket)
        return self._inner.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        timeout = clamp(timeout, httpcore.ConnectTimeout)
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        timeout = clamp(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def install(transport: httpx.HTTPTransport) -> httpx.HTTPTransport:
    """Make ``transport``'s connections honour the bound in force (returns it)."""
    pool: Any = transport._pool  # httpx keeps its httpcore pool here
    pool._network_backend = _Backend(pool._network_backend)
    return transport


def install_async(transport: httpx.AsyncHTTPTransport) -> httpx.AsyncHTTPTransport:
    """Async :func:`install`."""
    pool: Any = transport._pool
    pool._network_backend = _AsyncBackend(pool._network_backend)
    return transport
