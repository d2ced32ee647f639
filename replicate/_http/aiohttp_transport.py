"""An httpx async transport that sends requests with aiohttp (``pip install 'replicate[aiohttp]'``).

aiohttp's connector hands out connections in constant time however many requests are in
flight, so thousands of concurrent runs cost little more than one. httpx stays the interface:
auth, retries, timeouts, decoding and streaming all work as with httpx's own transport.
aiohttp is imported on first use, never by ``import replicate``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import weakref
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import httpx

from . import wallclock
from .api_transport import STREAMED_EXTENSION
from .secrets import scrub_error

if TYPE_CHECKING:
    import aiohttp

_CHUNK = 64 * 1024
#: httpx has set these (or chosen to leave them out): aiohttp must not add its own.
_SKIP_AUTO_HEADERS = frozenset({"Accept-Encoding", "User-Agent", "Content-Type"})


def _import_aiohttp() -> Any:
    try:
        import aiohttp
    except ImportError:
        raise ImportError(
            "AiohttpTransport needs aiohttp: pip install 'replicate[aiohttp]'"
        ) from None
    return aiohttp


def httpx_error(exc: BaseException) -> httpx.TransportError | None:
    """The httpx exception an aiohttp failure stands for (``None``: not a transport failure).

    The mapping matters beyond the type name: retries decide on these classes.
    """
    aiohttp = _import_aiohttp()
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)
    if isinstance(exc, aiohttp.ServerTimeoutError):  # a socket read
        return httpx.ReadTimeout(message)
    if isinstance(exc, asyncio.TimeoutError):  # the total timeout: a wall-clock bound
        return httpx.ReadTimeout(wallclock.LIMIT_REACHED)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)
    if isinstance(exc, aiohttp.ClientResponseError):
        # aiohttp's parser refusing the answer (its "400" is a code of its own, not the
        # server's status), as h11's RemoteProtocolError is for httpx: retried alike. The
        # parser's message alone: its str() adds the URL, query and signature included.
        return httpx.RemoteProtocolError(exc.message or type(exc).__name__)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(message)
    if isinstance(exc, aiohttp.ClientConnectionError):
        return httpx.ReadError(message)
    if isinstance(exc, aiohttp.ClientError):
        return httpx.TransportError(message)
    return None


def _as_httpx(exc: Exception) -> Exception:
    """What to raise for an aiohttp failure: its httpx twin, or ``exc`` itself. aiohttp's
    response errors carry the request's headers, the API token among them, in their
    ``request_info`` (and their repr): those are not chained, and callers raise outside
    their ``except`` block so that ``__context__`` does not hold them either."""
    error = httpx_error(exc)
    if error is None:
        return exc
    if getattr(exc, "request_info", None) is None:
        error.__cause__ = exc
    return scrub_error(error)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send httpx requests through an ``aiohttp.ClientSession``; pass as ``transport=``.

    ``replicate.Client(transport=AiohttpTransport())`` makes async calls use aiohttp (sync
    calls keep httpx's default transport). ``limit`` caps open connections (0: no cap);
    ``verify`` is ``True``, ``False`` or an ``ssl.SSLContext``. One session is kept per event
    loop and closed by ``aclose()`` in that loop. Proxies and HTTP/2 are not supported.
    """

    def __init__(self, *, limit: int = 0, verify: ssl.SSLContext | bool = True) -> None:
        self._aiohttp = _import_aiohttp()  # fail at construction, with the install hint
        from yarl import URL  # aiohttp's own URL type (yarl comes with aiohttp)

        self._make_url = URL
        if limit < 0:
            raise ValueError(f"limit must be 0 (no cap) or positive, got {limit!r}")
        self._limit = limit
        # Built here, as httpx's own transports do: loading the CA bundle takes ~20 ms.
        self._ssl: ssl.SSLContext | bool = httpx.create_ssl_context() if verify is True else verify
        self._sessions: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, aiohttp.ClientSession
        ] = weakref.WeakKeyDictionary()
        # Per loop, answers whose body may still be read (event streams, downloads): aclose()
        # wakes their readers, which closing the session alone leaves waiting for ever.
        self._reading: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, weakref.WeakSet[aiohttp.ClientResponse]
        ] = weakref.WeakKeyDictionary()

    def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            aiohttp = self._aiohttp
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limit, ssl=self._ssl),
                auto_decompress=False,  # httpx decodes, as with its own transport
                cookie_jar=aiohttp.DummyCookieJar(),  # httpx keeps the cookies
                timeout=aiohttp.ClientTimeout(total=None),
                skip_auto_headers=_SKIP_AUTO_HEADERS,  # once here, not per request
            )
            self._sessions[loop] = session
        return session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {})
        body: Any = None
        upload: _UploadBound | None = None
        if isinstance(request.stream, httpx.ByteStream):
            body = b"".join(request.stream) or None
        elif request.stream is not None:
            upload = _UploadBound(timeout.get("write"))
            body = _chunks(request.stream, upload)  # uploads stream, never held in memory
        # aiohttp's socket timeouts apply per read, like httpx's: the wall-clock bounds of
        # `wallclock` (the answer's, and a run's deadline) become aiohttp's total timeout,
        # which covers the answer's body too. A stream or a download gets the answer's bound
        # up to its headers only; an upload, the deadline only (as with httpcore).
        streamed = bool(request.extensions.get(STREAMED_EXTENSION))
        total = wallclock.time_left(answer=not (streamed or upload))
        read = timeout.get("read")
        if total is not None and read is not None and total <= read:
            read = None  # the total ends first whenever a read would stall: one timer, not two
        sending = self._session().request(
            request.method,
            self._make_url(str(request.url), encoded=True),  # signed URLs must stay byte-exact
            # aiohttp frames an unsized body itself and refuses a caller's chunked header.
            headers=[
                (name, value)
                for name, value in request.headers.multi_items()
                if name.lower() != "transfer-encoding"
            ],
            data=body,
            allow_redirects=False,  # httpx follows redirects itself when asked to
            timeout=self._aiohttp.ClientTimeout(
                total=total, sock_connect=timeout.get("connect"), sock_read=read
            ),
        )
        failure: Exception | None = None
        try:
            if streamed:
                async with asyncio.timeout(wallclock.time_left()):
                    response = await sending
            elif upload is not None:
                async with upload.timeout:
                    response = await sending
            else:
                response = await sending
        except Exception as exc:
            if upload is not None and upload.writing and upload.timeout.expired():
                raise httpx.WriteTimeout("the upload stalled") from exc
            failure = exc
        if failure is not None:
            raise _as_httpx(failure)  # outside the handler: see _as_httpx
        if streamed or upload is not None:  # other answers are read whole before returning
            loop = asyncio.get_running_loop()
            self._reading.setdefault(loop, weakref.WeakSet()).add(response)
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            # An upload's answer is bounded here as it is read (aiohttp's total does not
            # cover it); other answers are by aiohttp's total timeout.
            stream=_ResponseBody(response, None if upload is None else upload.timeout.when()),
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode("latin-1"),
            },
        )

    async def aclose(self) -> None:
        """Close this event loop's session (the transport stays usable: a new one opens)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        session = self._sessions.pop(loop, None)
        if session is not None:
            closed = self._aiohttp.ClientConnectionError("the transport was closed")
            for response in list(self._reading.pop(loop, ())):
                if response.connection is not None and not response.content.is_eof():
                    response.content.set_exception(closed)
            await session.close()


class _UploadBound:
    """How long an upload may take, since aiohttp has no write timeout: each chunk written
    within the ``write`` timeout (as httpx bounds each write), then the whole answer within
    its wall-clock bound; always within the run's deadline. The :attr:`timeout` is moved on
    as the body goes out."""

    def __init__(self, write: float | None) -> None:
        self.write = write
        self.writing = True
        self.timeout = asyncio.timeout(wallclock.time_left(answer=False))

    def chunk_taken(self) -> None:
        """aiohttp asked for the next chunk: the one before it was written."""
        self._move(_earliest(self.write, wallclock.time_left(answer=False)))

    def all_taken(self) -> None:
        """The body is out: now the answer's bound (its clock starts here)."""
        self.writing = False
        self._move(wallclock.time_left())

    def _move(self, seconds: float | None) -> None:
        with contextlib.suppress(RuntimeError):  # the answer came before the body was out
            self.timeout.reschedule(
                None if seconds is None else asyncio.get_running_loop().time() + seconds
            )


def _earliest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


async def _chunks(stream: Any, bound: _UploadBound) -> AsyncIterator[bytes]:
    async for chunk in stream:
        bound.chunk_taken()
        yield chunk
    bound.all_taken()


class _ResponseBody(httpx.AsyncByteStream):
    # An iterator class rather than an async generator: no generator frame, no loop hooks.
    def __init__(self, response: aiohttp.ClientResponse, deadline: float | None = None) -> None:
        self._response = response
        self._deadline = deadline  # event loop time

    def __aiter__(self) -> _ResponseBody:
        return self

    async def __anext__(self) -> bytes:
        failure: Exception | None = None
        try:
            if self._deadline is None:
                chunk: bytes = await self._response.content.read(_CHUNK)
            else:
                async with asyncio.timeout_at(self._deadline):
                    chunk = await self._response.content.read(_CHUNK)
        except Exception as exc:
            failure = exc
        if failure is not None:
            raise _as_httpx(failure)
        if not chunk:
            raise StopAsyncIteration
        return chunk

    async def aclose(self) -> None:
        # A body read to the end frees the connection for reuse; a partial one closes it.
        self._response.release()
