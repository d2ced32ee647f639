"""httpx transports that add auth, wait-aware timeouts, retries and error mapping.

They wrap whatever transport the user chose (the default, a proxy transport, a
``MockTransport``...) and sit under *both* the hand-written namespaces and the
generated ``replicate_api`` functions, so every request gets the same treatment.
The decisions live in pure functions (``_retry``, :func:`wait_read_timeout`);
the two transport classes only do the I/O.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable, Generator
from contextvars import ContextVar
from typing import Any

import httpx
from attrs import frozen

from .._steps import Stepper
from ..exceptions import InvalidResponseError, ReplicateError, url_without_query
from .limits import API_BODY_LIMIT, ERROR_BODY_LIMIT, BodyReader, UnsupportedEncoding
from .retry import Failure, RetryPolicy, requested_delay, retry_delay
from .secrets import remember, scrub_error
from .throttle import Throttles
from .wallclock import Answer, answering, current

logger = logging.getLogger("replicate")

# Headroom on top of a ``Prefer: wait=N`` hold so the read does not time out first.
WAIT_TIMEOUT_MARGIN = 10.0
# The API holds a ``Prefer: wait`` request for at most this long.
MAX_SERVER_WAIT = 60.0
#: Request extension letting a stream URL on Replicate's own hosts carry the token (set only
#: with ``Client(authenticate_streams=True)``): the :func:`origin` it may go to. httpx copies
#: extensions onto redirects, so a redirect elsewhere keeps the extension, not the token.
STREAM_TOKEN_EXTENSION = "replicate_stream_token"
#: Request extension of downloads that follow redirects: the :func:`origin` they started
#: from. httpx copies it onto redirects, so a file host elsewhere that redirects to the API
#: does not get its request sent with the token.
STARTED_AT_EXTENSION = "replicate_started_at"
#: Request extension with a ``time.monotonic()`` deadline after which no retry is made.
DEADLINE_EXTENSION = "replicate_deadline"
#: Request extension marking a body the caller reads as it arrives (event streams and
#: downloads): it is handed back unread instead of being read whole and capped.
STREAMED_EXTENSION = "replicate_streamed"
#: Set (for the current task) by callers that pace their own creates, i.e. batches: a 429
#: answer is handed to this callback with the server's requested delay and raised at once
#: instead of retried here, so the wait happens once, in the caller's shared rate limiter.
THROTTLE_HANDLER: ContextVar[Callable[[float | None], None] | None] = ContextVar(
    "replicate_throttle_handler", default=None
)
_PREFER_WAIT = re.compile(r"(?:^|[,;\s])wait(?:\s*=\s*(\d+))?(?:$|[,;\s])")


#: Added to a 401's detail when the request went without a token (as 1.x, requests
#: without a token are still sent: gateways and proxies may add the header).
NO_TOKEN_HINT = (
    "no API token was set: set the REPLICATE_API_TOKEN environment variable "
    "(or, in Python, pass api_token= to replicate.Client())"
)


def wait_read_timeout(prefer: str | None, read: float | None) -> float | None:
    """The read timeout a request needs so that a ``Prefer: wait`` hold fits in it."""
    if read is None or not prefer:
        return read
    match = _PREFER_WAIT.search(prefer)
    if match is None:
        return read
    held = float(match.group(1)) if match.group(1) else MAX_SERVER_WAIT
    return max(read, min(held, MAX_SERVER_WAIT) + WAIT_TIMEOUT_MARGIN)


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port: where a token may go."""
    return url.scheme, url.host, url.port


def classify_failure(exc: Exception) -> Failure | None:
    """Map a transport exception to a retry category; ``None`` means not retryable."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return "connect"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return "network"
    return None


#: What a transport error says when the network library gave it no message (anyio's
#: timeouts and closed streams have none).
_UNSAID: dict[type[Exception], str] = {
    httpx.ConnectTimeout: "timed out connecting",
    httpx.WriteTimeout: "timed out sending the request",
    httpx.ReadTimeout: "timed out waiting for the answer",
    httpx.PoolTimeout: "timed out waiting for a free connection",
    httpx.ConnectError: "could not connect",
    httpx.WriteError: "the connection failed while sending the request",
    httpx.ReadError: "the connection failed while reading the answer",
}


def presentable(exc: BaseException) -> BaseException:
    """``exc`` as raised to the caller: a message if the network library gave it none, and
    no remembered token in it or in the errors it chains (:func:`scrub_error`)."""
    if not exc.args or exc.args == ("",):
        said = next((text for kind, text in _UNSAID.items() if isinstance(exc, kind)), None)
        if said is not None:
            exc.args = (said,)
    return scrub_error(exc)


def _is_replayable(request: httpx.Request) -> bool:
    # In-memory bodies and multipart (which rewinds its files) can be sent again;
    # a one-shot iterator cannot.
    return isinstance(request.stream, httpx.ByteStream) or type(request.stream).__name__ == (
        "MultipartStream"
    )


class _Gate:
    """Per-client request preparation and retry bookkeeping shared by both transports."""

    def __init__(
        self, api: httpx.URL, token: Callable[[], str | None], policy: RetryPolicy
    ) -> None:
        self.origin = origin(api)  # where the token goes: (scheme, host, port), made once
        self.token = token
        self.policy = policy
        self.slots = Throttles()  # resends of throttled requests, spread out

    def prepare(self, request: httpx.Request) -> None:
        """Attach the token for API requests only, and stretch the read timeout for waits."""
        here = origin(request.url)
        extensions = request.extensions
        ours = here == self.origin and extensions.get(STARTED_AT_EXTENSION, here) == here
        # Stream URLs on Replicate's own hosts may opt in (Client(authenticate_streams=True)).
        if ours or extensions.get(STREAM_TOKEN_EXTENSION) == here:
            given = request.headers.get("Authorization")
            if given is not None:
                # The caller's own header (``Client(headers=...)``, e.g. a gateway's
                # credential) wins over the token, as in 1.x; kept out of messages too.
                remember(given.partition(" ")[2] or given)
            elif token := self.token():
                remember(token)
                request.headers["Authorization"] = f"Bearer {token}"
        else:
            request.headers.pop("Authorization", None)
        timeout = request.extensions.get("timeout")
        prefer = request.headers.get("prefer")
        if prefer and isinstance(timeout, dict):
            read = wait_read_timeout(prefer, timeout.get("read"))
            request.extensions["timeout"] = {**timeout, "read": read}

    def after_response(
        self,
        request: httpx.Request,
        response: httpx.Response,
        attempt: int,
        *,
        throttled_before: bool = False,
    ) -> Backoff | None:
        """The wait before retrying this (already read) error response, or ``None``.
        ``throttled_before``: the attempt before this one was throttled too (a resend at
        its slot refused again, which widens the spacing; a resend after a 5xx does not)."""
        handler = THROTTLE_HANDLER.get()
        if response.status_code == 429 and handler is not None:
            handler(requested_delay(response.headers, response.content))
            return None
        if not _is_replayable(request) or _past_deadline(request):
            return None
        delay = retry_delay(
            self.policy,
            method=request.method,
            attempt=attempt,
            status=response.status_code,
            headers=response.headers,
            body=response.content,
        )
        if delay is None:
            return None
        give_back = None
        if response.status_code == 429:
            slots, now = self.slots.of(request.method, request.url.path), time.monotonic()
            slot = slots.reserve(now, delay, again=throttled_before, within=_time_left(request))
            if slot is None:  # not before the deadline: no slot is held for it
                return None
            delay, give_back = slot - now, functools.partial(slots.release, slot)
        elif _past_deadline(request, delay):
            return None
        logger.info(
            "HTTP %s from %s %s; retry %d in %.2fs",
            response.status_code,
            request.method,
            url_without_query(request.url),
            attempt + 1,
            delay,
        )
        return Backoff(delay, give_back)

    def after_error(self, request: httpx.Request, exc: Exception, attempt: int) -> Backoff | None:
        """The wait before retrying after a transport exception, or ``None`` to re-raise."""
        failure = classify_failure(exc)
        if failure is None or not _is_replayable(request) or _past_deadline(request):
            return None
        delay = retry_delay(self.policy, method=request.method, attempt=attempt, failure=failure)
        if delay is None or _past_deadline(request, delay):
            return None
        logger.info(
            "%s on %s %s; retry %d in %.2fs",
            type(exc).__name__,
            request.method,
            url_without_query(request.url),
            attempt + 1,
            delay,
        )
        return Backoff(delay)

    def log(self, request: httpx.Request, response: httpx.Response) -> None:
        """Debug-log one exchange (method, URL without query, status; never headers)."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s", request.method, url_without_query(request.url), response.status_code
            )

    def error(self, request: httpx.Request, response: httpx.Response) -> ReplicateError:
        response.request = request
        token = self.token()
        hint = NO_TOKEN_HINT if "Authorization" not in request.headers else None
        return ReplicateError.from_response(
            response, secrets=[token] if token else [], unauthorized_hint=hint
        )


def attempt_answer(request: httpx.Request) -> Answer | None:
    """How long the whole answer to one attempt (status line, headers and, for API
    calls, the body) may take once the request is written: the read timeout (``None``:
    unbounded). Streams and downloads are bounded this way up to their headers only."""
    timeout = request.extensions.get("timeout")
    if not isinstance(timeout, dict) or timeout.get("read") is None:
        return None
    return Answer(float(timeout["read"]))


def body_reader(request: httpx.Request, response: httpx.Response, *, error: bool) -> BodyReader:
    """The capped reader for an API answer (or an error body, cut rather than refused)."""
    return BodyReader(
        response.headers.get("content-encoding"),
        limit=ERROR_BODY_LIMIT if error else API_BODY_LIMIT,
        truncate=error,
        method=request.method,
        url=lambda: url_without_query(request.url),  # formatted only for an error
    )


def _time_left(request: httpx.Request) -> float | None:
    # Requests made for a run with a time bound carry it (time.monotonic()), or run under
    # a wall-clock bound: no retry may start after it. ``None``: no bound.
    bounds = [b for b in (request.extensions.get(DEADLINE_EXTENSION), current()) if b is not None]
    return min(bounds) - time.monotonic() if bounds else None


def _past_deadline(request: httpx.Request, delay: float = 0.0) -> bool:
    left = _time_left(request)
    return left is not None and delay >= left


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


async def _async_sleep(seconds: float) -> None:
    import anyio  # deferred: keeps `import replicate` light

    await anyio.sleep(seconds)


@frozen
class Attempt:
    """Send the request, its answer bounded by ``answer``; the shell answers with the
    response or throws the transport error."""

    answer: Answer | None


@frozen
class ReadBody:
    """Feed the raw body of ``response`` to ``reader`` until it is done (still within
    ``answer``), close the stream; answered with ``reader.finish()``."""

    response: httpx.Response
    reader: BodyReader
    answer: Answer | None


@frozen
class Backoff:
    """Wait this many seconds before the next attempt; ``give_back``: for a throttled
    resend, what frees its :class:`~.throttle.RetrySlots` slot if the wait is cut short."""

    seconds: float
    give_back: Callable[[], None] | None = None


Step = Attempt | ReadBody | Backoff


def exchange(gate: _Gate, request: httpx.Request) -> Generator[Step, Any, httpx.Response]:
    """One request with its retries, as an I/O-free generator of steps for a transport shell.

    API answers are read here, decoded and capped (:mod:`replicate._http.limits`), before the
    response is handed back, so that a body cut off mid-way is retried like any other
    transport failure; each attempt must be answered whole within its
    :func:`attempt_answer`. Streams and downloads (and responses already read) are
    returned untouched for the caller to consume.
    """
    gate.prepare(request)
    streamed = bool(request.extensions.get(STREAMED_EXTENSION))
    attempt = 0
    throttled = False  # the attempt before was answered 429
    while True:
        answer = attempt_answer(request)
        try:
            response: httpx.Response = yield Attempt(answer)
        except Exception as exc:
            backoff = gate.after_error(request, exc, attempt)
            if backoff is None:
                presentable(exc)
                raise
            wait, throttled = backoff, False
        else:
            gate.log(request, response)
            failed = response.status_code >= 400
            if not failed and (response.is_stream_consumed or streamed):
                return response
            try:
                reader = body_reader(request, response, error=failed)
            except UnsupportedEncoding as exc:
                raise InvalidResponseError(
                    request.method, url_without_query(request.url), str(exc)
                ) from None
            try:
                raw: bytes = yield ReadBody(response, reader, answer)
            except UnsupportedEncoding as exc:
                raise InvalidResponseError(
                    request.method, url_without_query(request.url), str(exc)
                ) from None
            except Exception as exc:
                backoff = None if failed else gate.after_error(request, exc, attempt)
                if backoff is None:
                    presentable(exc)
                    raise
                wait, throttled = backoff, False
            else:
                if reader.decodes:  # decoded here: httpx must not decode it again
                    for name in ("content-encoding", "content-length"):
                        response.headers.pop(name, None)
                response.stream = httpx.ByteStream(raw)
                # From memory: ``response.content`` is then set for the error parsers, and
                # httpx's client does not read the body a second time (through four nested
                # async generators per call).
                response.read()
                if not failed:
                    return response
                backoff = gate.after_response(
                    request, response, attempt, throttled_before=throttled
                )
                if backoff is None:
                    raise gate.error(request, response)
                wait, throttled = backoff, response.status_code == 429
        try:
            yield wait
        except GeneratorExit:  # the wait was cut short (cancelled, interrupted)
            if wait.give_back is not None:
                wait.give_back()
            raise
        attempt += 1


class ApiTransport(httpx.BaseTransport):
    """Synchronous shell over :func:`exchange`: auth, wait timeouts, retries, error mapping."""

    def __init__(self, inner: httpx.BaseTransport, gate: _Gate) -> None:
        self._inner = inner
        self._gate = gate

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        steps = Stepper(exchange(self._gate, request))
        try:
            for step in steps:
                with steps:  # an error performing it is thrown into exchange() at that step
                    if isinstance(step, Backoff):
                        _sleep(step.seconds)
                        continue
                    with answering(step.answer):
                        if isinstance(step, Attempt):
                            steps.answer(self._inner.handle_request(request))
                        else:
                            steps.answer(_read_sync(step.response, step.reader))
        finally:
            steps.close()  # interrupted: exchange() gives back a throttled resend's slot
        response: httpx.Response = steps.result
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncApiTransport(httpx.AsyncBaseTransport):
    """Asynchronous shell over :func:`exchange` (same steps, awaited)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, gate: _Gate) -> None:
        self._inner = inner
        self._gate = gate

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # Steps are performed inline, not in a helper coroutine: one frame fewer for each
        # of thousands of requests in flight.
        steps = Stepper(exchange(self._gate, request))
        try:
            for step in steps:
                with steps:
                    if isinstance(step, Backoff):
                        await _async_sleep(step.seconds)
                        continue
                    with answering(step.answer):
                        if isinstance(step, Attempt):
                            steps.answer(await self._inner.handle_async_request(request))
                        else:
                            steps.answer(await _read_async(step.response, step.reader))
        finally:
            steps.close()  # cancelled: exchange() gives back a throttled resend's slot
        response: httpx.Response = steps.result
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def _read_sync(response: httpx.Response, reader: BodyReader) -> bytes:
    stream = response.stream
    assert isinstance(stream, httpx.SyncByteStream)
    try:
        for chunk in stream:
            if reader.feed(chunk):
                break
        return reader.finish()
    finally:
        stream.close()


async def _read_async(response: httpx.Response, reader: BodyReader) -> bytes:
    stream = response.stream
    assert isinstance(stream, httpx.AsyncByteStream)
    try:
        async for chunk in stream:
            if reader.feed(chunk):
                break
        return reader.finish()
    finally:
        await stream.aclose()


def transport_kwargs(httpx_kwargs: dict[str, Any]) -> dict[str, Any]:
    """Pop the options that configure a default transport out of the client kwargs."""
    names = ("verify", "cert", "trust_env", "http1", "http2", "limits", "proxy")
    return {name: httpx_kwargs.pop(name) for name in names if name in httpx_kwargs}
