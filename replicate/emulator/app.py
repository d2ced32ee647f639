"""The emulator's ASGI application: request log, faults, auth, then the API handlers."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import attrs

from . import handlers
from .catalog import ModelSpec
from .faults import FAULT_HEADER, Fault, FaultSet
from .http import (
    PROBLEM,
    HTTPError,
    Receive,
    Request,
    Response,
    Router,
    Send,
    StreamResponse,
    problem,
)
from .lifecycle import Runner
from .ratelimit import RateLimit
from .store import Store
from .webhooks import WebhookSender

MAX_RECORDED_BODY = 1 << 20
logger = logging.getLogger("replicate.emulator")


def _headers_repr(headers: dict[str, str]) -> str:
    # Tests print requests (assertion messages): the token stays out of what they show.
    shown = {k: "[REDACTED]" if k.lower() == "authorization" else v for k, v in headers.items()}
    return repr(shown)


@attrs.define
class RecordedRequest:
    """A request as the emulator saw it (bodies above 1 MiB are not kept). ``headers`` hold
    what was sent, ``Authorization`` included, for tests to check; its repr masks the token."""

    method: str
    path: str
    query: str
    headers: dict[str, str] = attrs.field(repr=_headers_repr)
    body: bytes | None
    operation: str
    time: float
    #: The status answered (a fault's included); ``None`` while unanswered or when dropped.
    status: int | None = None


class EmulatorApp:
    """ASGI app holding the state; every mutation happens on the server's event loop."""

    def __init__(
        self,
        *,
        token: str | None = None,
        seed: int = 0,
        time_scale: float = 1.0,
        page_size: int = 100,
        quirks: frozenset[str] = frozenset(),
        max_file_size: int = 100 * 1024 * 1024,
        file_expiry: float = 24 * 3600,
        sse_retry_ms: int = 1000,
        record: bool = True,
        models: list[ModelSpec] | None = None,
    ) -> None:
        self._defaults = (token, time_scale, quirks, sse_retry_ms, page_size)
        self.token = token
        self.time_scale = time_scale
        self.quirks = quirks
        self.max_file_size = max_file_size
        self.file_expiry = file_expiry
        self.sse_retry_ms = sse_retry_ms
        self.record = record
        self.store = Store(seed, page_size, models)
        #: Rate-limit mode: prediction creates beyond it are answered 429 (None: unlimited).
        self.rate_limit: RateLimit | None = None
        self.faults = FaultSet(seed)
        self.requests: list[RecordedRequest] = []
        self.webhooks = WebhookSender(
            lambda: self.store.webhook_secret,
            self.store.new_id,
            lambda: self.quirks,
            lambda: 0.5 * self.time_scale,
        )
        self.runner = Runner(
            self.webhooks,
            lambda: self.time_scale,
            lambda job, name, data: handlers.store_output(self, job, name, data),
            lambda job: handlers.on_succeeded(self, job),
            lambda url: handlers.input_file(self, url),
        )
        #: False once the server is shutting down: held requests answer at once.
        self.holding = True
        self.router = Router()
        for route in handlers.routes(self):
            self.router.add(route)
            self.faults.operations.add(route.operation)  # the names fault rules may use

    def reset(self) -> None:
        """Forget everything (running jobs end as canceled); restore constructor settings."""
        for job in [*self.store.predictions.values(), *self.store.trainings.values()]:
            if job.task is not None:
                job.task.cancel()
            if not job.done:
                job.status = "canceled"
                job.emit("done", '{"reason":"canceled"}')
        self.token, self.time_scale, self.quirks, self.sse_retry_ms, page_size = self._defaults
        self.store.page_size = page_size
        self.store.reset()
        if self.rate_limit is not None:  # one test's creates must not throttle the next's
            self.rate_limit.restart()
        self.faults.clear()
        self.requests.clear()
        self.webhooks.reset()

    def release_held(self) -> None:
        """Answer every held request now (``Prefer: wait`` with the prediction as it is, SSE
        streams end): the server is shutting down."""
        self.holding = False
        for job in [*self.store.predictions.values(), *self.store.trainings.values()]:
            job.notify()

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        route, params, path_known = self.router.match(request.method, request.path)
        request.params = params
        request.operation = route.operation if route else "unknown"
        if route is None or not route.stream_body:
            await request.read_body()
        recorded = None
        if self.record and not request.path.startswith("/_emulator"):
            body = request.body if len(request.body) <= MAX_RECORDED_BODY else None
            recorded = RecordedRequest(
                request.method,
                request.path,
                request.query_string,
                request.headers,
                None if route and route.stream_body else body,
                request.operation,
                time.time(),
            )
            self.requests.append(recorded)
        try:
            fault = None if request.operation == "control" else self._fault_for(request)
        except ValueError as exc:
            await self._send(send, problem(400, "Invalid fault header", str(exc)))
            return
        if fault is not None:
            if fault.latency > 0:
                await asyncio.sleep(fault.latency)
            if fault.drop and fault.sse_disconnect_after is None:
                _abort(receive)
                return
            if fault.status is not None:
                faulted = fault_response(fault)
                if recorded is not None:
                    recorded.status = faulted.status
                await self._send(send, faulted)
                return
        try:
            if route is None:
                raise HTTPError(
                    problem(405, "Method not allowed", "Method not allowed.")
                    if path_known
                    else problem(404, "Not found", "The requested resource was not found.")
                )
            if route.auth:
                self.authenticate(request)
            throttled = (
                self.rate_limit.check(request.operation, time.monotonic())
                if self.rate_limit
                else None
            )
            response = throttled or await route.handler(request)
        except HTTPError as exc:
            response = exc.response
        except Exception as exc:  # an emulator bug: say so instead of a bare 500
            logger.exception("emulator error handling %s %s", request.method, request.path)
            response = problem(500, "Emulator error", f"{type(exc).__name__}: {exc}")
        if recorded is not None:
            recorded.status = response.status
        if fault is not None and fault.answer_latency > 0:
            await asyncio.sleep(fault.answer_latency)  # handled, but the answer comes late
        if isinstance(response, StreamResponse):
            limit = fault.sse_disconnect_after if fault else None
            cut = fault is not None and fault.drop
            await self._stream(send, receive, response, limit, cut)
        elif fault is not None and fault.truncate is not None:
            await self._send_truncated(send, receive, response, fault.truncate)
        else:
            await self._send(send, response)

    def _fault_for(self, request: Request) -> Fault | None:
        header = request.headers.get(FAULT_HEADER)
        if header is not None:
            return self.faults.take_from_header(header)
        return self.faults.take(request.operation, request.method, request.path)

    def authenticate(self, request: Request) -> None:
        """Raise a 401 problem unless the request carries an acceptable bearer token."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        valid = scheme.lower() in ("bearer", "token") and bool(token)
        if valid and self.token is not None:
            valid = token == self.token
        if not valid:
            raise HTTPError(
                problem(
                    401,
                    "Unauthenticated",
                    "You did not pass a valid authentication token",
                )
            )

    @staticmethod
    async def _send(send: Send, response: Response) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": response.status,
                "headers": response.raw_headers(),
            }
        )
        await send({"type": "http.response.body", "body": response.body})

    @staticmethod
    async def _send_truncated(send: Send, receive: Receive, response: Response, keep: int) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": response.status,
                "headers": response.raw_headers(),
            }
        )
        await send({"type": "http.response.body", "body": response.body[:keep], "more_body": True})
        await asyncio.sleep(0.01)  # let the partial body reach the socket before cutting it
        _abort(receive)

    @staticmethod
    async def _stream(
        send: Send, receive: Receive, response: StreamResponse, event_limit: int | None, cut: bool
    ) -> None:
        """Send a streamed body; after ``event_limit`` events end cleanly (or abort if ``cut``)."""
        await send(
            {"type": "http.response.start", "status": response.status, "headers": response.headers}
        )
        sent = 0
        chunks: AsyncIterator[bytes] = response.chunks
        try:
            async for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                if chunk.startswith(b"event:"):
                    sent += 1
                    if event_limit is not None and sent >= event_limit:
                        break
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]
        if cut and event_limit is not None and sent >= event_limit:
            await asyncio.sleep(0.01)
            _abort(receive)
            return
        await send({"type": "http.response.body", "body": b""})


def fault_response(fault: Fault) -> Response:
    """The error response an injected ``status`` fault produces."""
    status = fault.status or 500
    headers = []
    retry_after = fault.retry_after
    if retry_after is None and status == 429:
        retry_after = 1
    if retry_after is not None:
        headers.append((b"retry-after", f"{retry_after:g}".encode()))
    if status >= 520:
        # Cloudflare-style edge errors arrive as HTML, not problem+json.
        body = (
            f"<html><head><title>{status}</title></head><body>"
            f"<h1>error code: {status}</h1></body></html>"
        ).encode()
        return Response(status, body, b"text/html; charset=utf-8", headers)
    titles = {
        429: "Too Many Requests",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }
    title = titles.get(status, "Injected fault")
    response = problem(status, title, fault.detail or f"Emulator injected a {status} response.")
    response.headers = headers
    response.content_type = PROBLEM
    return response


def _abort(receive: Receive) -> None:
    """Cut the TCP connection under this request (uvicorn keeps the transport on the cycle)."""
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop the connection: server does not expose its transport")
    transport.abort()
    cycle.disconnected = True  # type: ignore[union-attr]
