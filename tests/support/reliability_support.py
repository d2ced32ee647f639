"""Shared machinery of the reliability suite.

* :class:`LiveEmulator` — the emulator's app served by uvicorn on a loop we own, so the
  server can crash and come back on the same port while predictions keep running.
* :class:`Middlebox` — the client's inner httpx transport: a real loopback connection plus
  what a misbehaving proxy would do to responses (drop ``Retry-After``, swap a problem+json
  body for an HTML page, cut a JSON body short), and a log of every attempt.
* small helpers: fast retry policy, client factory, ``call`` for sync/async twins,
  connection-pool checks.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import attrs
import httpx

from replicate._http.retry import RetryPolicy
from replicate.client import Client
from replicate.emulator.app import EmulatorApp
from replicate.emulator.server import bind_socket, make_server, new_event_loop, run_on_loop

T = TypeVar("T")

TOKEN = "r8_reliability-secret-0123456789abcdefABCDEF"
# Tiny backoff so the suite stays fast; a server-requested delay up to 5 s is honoured.
FAST_RETRIES = RetryPolicy(max_retries=3, backoff_base=0.002, backoff_max=0.02, max_retry_after=5)
# Enough patience to ride out a ~0.2 s server restart (connect failures are retried).
RESTART_RETRIES = RetryPolicy(max_retries=12, backoff_base=0.02, backoff_max=0.1)


class LiveEmulator:
    """An emulator that can be stopped, crashed and restarted on the same port, state intact."""

    def __init__(
        self, time_scale: float = 0.05, sse_retry_ms: int = 5, *, seed: int = 0, record: bool = True
    ) -> None:
        self.app = EmulatorApp(
            time_scale=time_scale, sse_retry_ms=sse_retry_ms, seed=seed, record=record
        )
        self.loop = new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._server: Any = None
        self._serving: Any = None
        self.port = 0
        self.start()

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Listen (again) on our port and serve."""
        sock = bind_socket("127.0.0.1", self.port)
        self.port = sock.getsockname()[1]
        server = make_server(self.app)
        server.config.timeout_graceful_shutdown = 0
        self._server = server
        self._serving = asyncio.run_coroutine_threadsafe(server.serve(sockets=[sock]), self.loop)
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or self._serving.done():
                raise RuntimeError("emulator did not start")
            time.sleep(0.002)

    def crash(self) -> None:
        """Stop like a killed process: cut every open connection, stop listening."""
        server = self._server
        if server is None:
            return

        def abort_all() -> None:
            for connection in list(server.server_state.connections):
                transport = getattr(connection, "transport", None)
                if transport is not None:
                    transport.abort()

        self.loop.call_soon_threadsafe(abort_all)
        server.force_exit = True
        server.should_exit = True
        self._serving.result(10)
        self._server = None

    def restart(self, down_for: float = 0.15) -> None:
        """Crash, stay down ``down_for`` seconds (connections are refused), come back."""
        self.crash()
        time.sleep(down_for)
        self.start()

    def close(self) -> None:
        """Stop serving and the loop."""
        self.crash()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    # -- inspection (state lives on the server loop) -------------------------------------------
    def call(self, func: Callable[[], T]) -> T:
        """Run ``func`` on the server loop and return its result."""
        return run_on_loop(self.loop, func)

    def reset(self) -> None:
        """Fresh state, no faults, empty request log."""
        self.call(self.app.reset)

    def settle(self, timeout: float = 3.0) -> bool:
        """Wait until no request is being handled (e.g. one the client gave up on)."""
        server = self._server
        return server is None or self.wait_for(lambda: not server.server_state.tasks, timeout)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def faults(self) -> Any:
        return self.app.faults

    @property
    def requests(self) -> list[Any]:
        return list(self.app.requests)

    @property
    def predictions(self) -> dict[str, Any]:
        return dict(self.app.store.predictions)

    @property
    def files(self) -> dict[str, Any]:
        return dict(self.app.store.files)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Poll ``condition`` until true or ``timeout``."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True


# -- the middlebox ---------------------------------------------------------------------------

NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@attrs.define
class Rewrite:
    """What the middlebox does to matching responses, at most ``times`` times (None: always)."""

    action: str  # "strip-retry-after" | "html" | "cut-json"
    route: Callable[[httpx.Request], bool] = lambda request: True
    times: int | None = None
    hits: int = 0

    def wants(self, request: httpx.Request, response: httpx.Response) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if not self.route(request):
            return False
        if self.action == "html":
            return response.status_code >= 500
        if self.action == "cut-json":
            kind = response.headers.get("content-type", "")
            return response.status_code < 300 and "json" in kind
        return "retry-after" in response.headers

    def apply(
        self, request: httpx.Request, response: httpx.Response, body: bytes
    ) -> httpx.Response:
        self.hits += 1
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-length", "retry-after", "content-type")
        ]
        kind = response.headers.get("content-type", "application/octet-stream")
        if self.action == "html":
            body, kind = NGINX_502, "text/html"
            status = 502
        else:
            status = response.status_code
            if self.action == "cut-json":
                body = body[: len(body) // 2]
        headers += [("content-type", kind), ("content-length", str(len(body)))]
        return httpx.Response(status, headers=headers, content=body, request=request)


@attrs.define
class Attempt:
    """One request the client put on the wire, and what came back (status or exception)."""

    method: str
    url: str
    headers: dict[str, str]
    outcome: int | str = "pending"


class Middlebox(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Real loopback transports (sync and async) plus proxy-style response rewriting."""

    def __init__(self) -> None:
        self.sync = httpx.HTTPTransport()
        self.async_ = httpx.AsyncHTTPTransport()
        self.rewrites: list[Rewrite] = []
        self.attempts: list[Attempt] = []

    def add(
        self,
        action: str,
        route: Callable[[httpx.Request], bool] | None = None,
        times: int | None = None,
    ) -> Rewrite:
        rewrite = Rewrite(action, route or (lambda request: True), times)
        self.rewrites.append(rewrite)
        return rewrite

    @contextmanager
    def _attempt(self, request: httpx.Request) -> Iterator[Attempt]:
        """Log one attempt; an exception from the real transport becomes its outcome."""
        attempt = Attempt(request.method, str(request.url), dict(request.headers))
        self.attempts.append(attempt)
        try:
            yield attempt
        except Exception as exc:
            attempt.outcome = type(exc).__name__
            raise

    def _answered(
        self, attempt: Attempt, request: httpx.Request, response: httpx.Response
    ) -> Rewrite | None:
        attempt.outcome = response.status_code
        return next((r for r in self.rewrites if r.wants(request, response)), None)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._attempt(request) as attempt:
            response = self.sync.handle_request(request)
        rewrite = self._answered(attempt, request, response)
        if rewrite is None:
            return response
        body = response.read()
        response.close()
        return rewrite.apply(request, response, body)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with self._attempt(request) as attempt:
            response = await self.async_.handle_async_request(request)
        rewrite = self._answered(attempt, request, response)
        if rewrite is None:
            return response
        body = await response.aread()
        await response.aclose()
        return rewrite.apply(request, response, body)

    def close(self) -> None:
        self.sync.close()

    async def aclose(self) -> None:
        await self.async_.aclose()

    def in_flight(self) -> int:
        """Requests still holding a pooled connection (sync and async pools)."""
        return _pool_busy(self.sync._pool) + _pool_busy(self.async_._pool)


def _pool_busy(pool: Any) -> int:
    """Requests of an httpcore pool waiting for, or holding, a connection."""
    return len(pool._requests) + sum(
        1 for c in pool.connections if not (c.is_idle() or c.is_closed())
    )


def make_client(base_url: str, middlebox: Middlebox | None = None, **options: Any) -> Client:
    """A client with our token, tiny backoff and fast polling, optionally over a middlebox."""
    settings: dict[str, Any] = {"retry": FAST_RETRIES, "poll_interval": 0.01, **options}
    if middlebox is not None:
        settings["transport"] = middlebox
    return Client(TOKEN, base_url=base_url, **settings)


async def call(mode: str, target: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``target.method`` (sync) or ``target.async_method`` (async)."""
    if mode == "sync":
        return getattr(target, method)(*args, **kwargs)
    return await getattr(target, "async_" + method)(*args, **kwargs)


def checked_out(client: Client) -> int:
    """Requests of ``client`` still holding a connection or a pool slot, across its pools
    (a middlebox, httpx's default pools, or the sharded async pool)."""
    https: list[Any] = [client._sync, client._async_fallback, *client._async.values()]
    busy = 0
    for http in https:
        if http is None:
            continue
        inner = http._transport._inner
        if isinstance(inner, Middlebox):
            busy += inner.in_flight()
        elif isinstance(getattr(inner, "in_flight", None), int):  # the sharded pool
            busy += inner.in_flight
        else:
            busy += _pool_busy(inner._pool)
    return busy
