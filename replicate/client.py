"""The Replicate API client."""

from __future__ import annotations

import ipaddress
import os
import threading
import warnings
import weakref
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
    Iterator,
    Mapping,
)
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Unpack, overload

import attrs
import httpx

from .__about__ import __version__
from ._cog import environment_token
from ._flows.polling import check_poll_interval, poll_interval_from_env
from ._http.api_transport import (
    ApiTransport,
    AsyncApiTransport,
    _Gate,
    transport_kwargs,
)
from ._http.limits import ACCEPT_ENCODING
from ._http.loop_end import on_loop_end
from ._http.pacing import Turns
from ._http.pool_guard import DEFAULT_SYNC_LIMITS, spare_held_connections
from ._http.retire import DrainingAsyncClient, DrainingClient
from ._http.retry import RetryPolicy
from ._http.urls import ApiUrls
from ._http.wallclock import install
from ._numbers import count, finite_seconds
from .exceptions import InvalidArgumentError
from .exceptions import ReplicateError as ReplicateError  # 1.x's replicate.client.ReplicateError

if TYPE_CHECKING:
    from replicate_api import Client as GeneratedClient

    from ._api.search import SearchResults
    from ._flows.run import RunParams
    from .account import Accounts
    from .batching import AsyncBatch, BatchParams, BatchResult
    from .collection import Collections
    from .deployment import Deployments
    from .file import Files
    from .hardware import HardwareNamespace
    from .model import Models
    from .prediction import Predictions
    from .stream import ServerSentEvent
    from .training import Trainings
    from .typed import AsyncFunction, Function
    from .webhook import Webhooks

__all__ = ["Client", "RetryPolicy"]

N = TypeVar("N")

DEFAULT_BASE_URL = "https://api.replicate.com"
#: 1.x's private name for the token lookup, which 1.x-era test suites import.
_get_api_token_from_environment = environment_token
#: connect 5 s; read/write 60 s; the pool wait is unbounded because every
#: connection it waits for is itself bounded by the read timeout.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0, pool=None)
#: What ``Client.poll_interval`` reads while the adaptive schedule is in use (1.x's default).
DEFAULT_POLL_INTERVAL = 0.5
USER_AGENT = f"replicate-python/{__version__}"


def normalize_base_url(base_url: str) -> str:
    """``https://host[/prefix]/v1`` from a URL given with or without ``/v1``."""
    url = base_url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
    return url if url.endswith("/v1") else url + "/v1"


def checked_timeout(timeout: Any) -> httpx.Timeout:
    """``timeout`` (seconds or an ``httpx.Timeout``) with every part finite and not
    negative; a part may be ``None`` (no limit) only inside an ``httpx.Timeout``."""
    if not isinstance(timeout, httpx.Timeout):
        return httpx.Timeout(finite_seconds("timeout", timeout))
    for part in ("connect", "read", "write", "pool"):
        value = timeout.as_dict()[part]
        if value is not None:
            finite_seconds(f"timeout.{part}", value)
    return timeout


def _check_httpx_kwargs(kwargs: dict[str, Any]) -> None:
    """Refuse keyword arguments httpx would only reject at the first request."""
    import inspect

    accepted = set(inspect.signature(httpx.Client.__init__).parameters) - {"self", "base_url"}
    unknown = sorted(set(kwargs) - accepted)
    if unknown:
        raise TypeError(f"Client() got unexpected keyword arguments {unknown}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


#: Every client of this process, so that a forked child drops the parent's connections.
_CLIENTS: weakref.WeakSet[Client] = weakref.WeakSet()


def _forget_connections_after_fork() -> None:
    for client in list(_CLIENTS):
        client._forget_connections()


os.register_at_fork(after_in_child=_forget_connections_after_fork)


class Client:
    """A client for Replicate's HTTP API.

    ``api_token`` defaults to the Cog scope's token inside a Cog model, else
    ``$REPLICATE_API_TOKEN`` (read at each request; without one, requests go
    without ``Authorization`` and a 401 says so); ``base_url`` to ``$REPLICATE_BASE_URL`` or ``https://api.replicate.com``
    (with or without ``/v1``). ``timeout`` is seconds or an ``httpx.Timeout``.
    ``max_retries`` (or a full ``retry=RetryPolicy(...)``) tunes retries.
    ``poll_interval`` fixes the delay between status checks while waiting (also
    ``$REPLICATE_POLL_INTERVAL``); by default an adaptive schedule is used, and ``0``
    polls at that schedule's floor (never a busy loop).
    ``file_encoding_strategy`` (``"default"``/``"upload"`` or ``"data-uri"``) and
    ``use_file_output`` set the defaults for file inputs and URL outputs;
    ``detect_file_paths=True`` also uploads input strings that name an existing file.
    ``authenticate_streams=True`` lets the token go to event-stream URLs on
    Replicate's own https hosts when they differ from the API origin.
    ``allow_http_webhooks=True`` lets plain ``http://`` webhook URLs be sent (by default
    they are refused unless the API itself is on loopback, e.g. the emulator).
    Other keyword arguments (``transport``, ``headers``, ``proxy``, ``limits``,
    ``verify``, ``http2``, ...) configure the underlying httpx clients. Without
    ``transport=``, async requests go through :class:`~replicate.transports.ShardedAsyncTransport`
    (thousands of concurrent runs; ``limits.max_connections`` caps the total in flight);
    ``transport=replicate.transports.AiohttpTransport()`` (``replicate[aiohttp]``) is faster still.

    The generated, fully typed low-level functions share this client's
    connections, auth, retries and error mapping through :attr:`raw`::

        from replicate_api.api.predictions import predictions_get
        prediction = predictions_get.sync(client=client.raw, prediction_id="...")
    """

    def __init__(
        self,
        api_token: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        poll_interval: float | None = None,
        file_encoding_strategy: str | None = None,
        use_file_output: bool = True,
        detect_file_paths: bool = False,
        authenticate_streams: bool = False,
        allow_http_webhooks: bool = False,
        **httpx_kwargs: Any,
    ) -> None:
        if api_token is not None and not isinstance(api_token, str):
            raise TypeError("api_token must be a str")
        self._api_token = api_token
        self._namespaces: dict[Callable[[Client], Any], Any] = {}
        self._base_url = normalize_base_url(
            base_url or os.environ.get("REPLICATE_BASE_URL") or DEFAULT_BASE_URL
        )
        root = self._base_url.removesuffix("/v1")
        #: The API's path from the host ("/v1"): 1.x's request paths start there.
        self._api_prefix = self._base_url[len(root) :]
        self._urls = ApiUrls(root + "/")
        origin = httpx.URL(self._base_url)
        if origin.scheme == "http" and not _is_loopback(origin.host):
            warnings.warn(
                f"base_url {self.base_url} is plain http: the API token would travel unencrypted",
                stacklevel=2,
            )
        policy = retry or RetryPolicy()
        if max_retries is not None:
            policy = attrs.evolve(policy, max_retries=count("max_retries", max_retries))
        #: The fixed delay between status checks, ``None`` for the adaptive schedule.
        self._poll_interval: float | None = (
            check_poll_interval(poll_interval)
            if poll_interval is not None
            else poll_interval_from_env(os.environ)
        )
        self.file_encoding_strategy = file_encoding_strategy or "default"
        #: Default for ``run(use_file_output=...)``: URL outputs become FileOutput objects.
        self.use_file_output = use_file_output
        #: Treat input strings naming an existing file as that file (off: strings stay text).
        self.detect_file_paths = detect_file_paths
        #: Send the token to stream URLs on Replicate's own https hosts (never other origins).
        self.authenticate_streams = authenticate_streams
        #: Send plain ``http://`` webhook URLs to a non-loopback API (off: refused).
        self.allow_http_webhooks = allow_http_webhooks
        self._timeout = DEFAULT_TIMEOUT if timeout is None else checked_timeout(timeout)
        self._gate = _Gate(origin, self._token, policy)
        _check_httpx_kwargs(httpx_kwargs)
        headers = {
            "User-Agent": USER_AGENT,
            # Only what replicate._http.limits can decode while counting (httpx would add br/zstd
            # when their packages happen to be installed).
            "Accept-Encoding": ACCEPT_ENCODING,
            **dict(httpx_kwargs.pop("headers", None) or {}),
        }
        self._user_transport: Any = httpx_kwargs.pop("transport", None)
        self._transport_options = transport_kwargs(httpx_kwargs)
        self._client_options = {"headers": headers, **httpx_kwargs}
        self._lock = threading.Lock()
        self._sync: DrainingClient | None = None
        self._async: weakref.WeakKeyDictionary[Any, httpx.AsyncClient] = weakref.WeakKeyDictionary()
        self._async_fallback: httpx.AsyncClient | None = None
        # Per loop: what closes its client when the loop ends (every asyncio.run() would
        # otherwise leave a client and its connections behind).
        self._async_closers: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self._turns: weakref.WeakKeyDictionary[Any, Turns] = weakref.WeakKeyDictionary()
        _CLIENTS.add(self)

    def _forget_connections(self) -> None:
        # In a child process after fork(): the parent's connections are neither ours to use
        # (two processes writing to one socket mix their requests and answers) nor to close
        # (closing a TLS connection would end the parent's session). New ones open on demand.
        self._lock = threading.Lock()  # another thread may have held it at the fork
        self._sync = None
        self._async = weakref.WeakKeyDictionary()
        self._async_fallback = None
        self._async_closers = weakref.WeakKeyDictionary()
        self._turns = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        return f"replicate.Client(base_url={self.base_url!r})"

    @property
    def base_url(self) -> str:
        """The API's base URL, e.g. ``https://api.replicate.com/v1`` (fixed for the client's
        lifetime: its connections and checks are made for it)."""
        return self._base_url

    @property
    def poll_interval(self) -> float:
        """Seconds between status checks while waiting. Reads 1.x's 0.5 while the adaptive
        schedule is in use (nothing set), so loops written for 1.x that sleep this long keep
        working; setting it (``None``: adaptive again) fixes the interval."""
        return DEFAULT_POLL_INTERVAL if self._poll_interval is None else self._poll_interval

    @poll_interval.setter
    def poll_interval(self, value: float | None) -> None:
        self._poll_interval = None if value is None else check_poll_interval(value)

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry settings in effect."""
        return self._gate.policy

    def _token(self) -> str | None:
        # 1.x's order: explicit, then the Cog scope's (inside a model), then the environment.
        token = self._api_token or environment_token()
        if not token:
            return None
        if not (token.isascii() and token.isprintable()) or token != token.strip():
            # A token read from a file with Windows line ends ("r8_...\r"): httpx's refusal
            # of the header would quote it in the error (a UnicodeEncodeError carries the
            # whole header for a non-ASCII one).
            token = token.strip()
            if not token.isprintable():
                raise InvalidArgumentError(
                    "the API token contains control characters a request header cannot carry"
                )
            if not token.isascii():
                raise InvalidArgumentError(
                    "the API token contains characters other than ASCII, which a request "
                    "header cannot carry (was it copied with a typographic quote or dash?)"
                )
        return token or None

    # --- connections -------------------------------------------------------

    def _httpx_options(self) -> dict[str, Any]:
        return {"base_url": self.base_url + "/", "timeout": self._timeout, **self._client_options}

    @property
    def _http(self) -> httpx.Client:
        """The shared synchronous httpx client (created on first use)."""
        client = self._sync
        if client is None:
            with self._lock:
                if self._sync is None:
                    inner = self._user_transport
                    if not isinstance(inner, httpx.BaseTransport):
                        options = {"limits": DEFAULT_SYNC_LIMITS, **self._transport_options}
                        inner = install(spare_held_connections(httpx.HTTPTransport(**options)))
                    self._sync = DrainingClient(
                        lambda: self._http,
                        transport=ApiTransport(inner, self._gate),
                        **self._httpx_options(),
                    )
                client = self._sync
        return client

    def _loop_async_client(self) -> tuple[Any, httpx.AsyncClient | None]:
        """The running event loop (or ``None``) and its async client, if one exists yet."""
        import asyncio

        try:
            loop: Any = asyncio.get_running_loop()
        except RuntimeError:
            return None, self._async_fallback
        return loop, self._async.get(loop)

    def _async_http(self) -> httpx.AsyncClient:
        """The httpx async client for the running event loop (one per loop)."""
        loop, client = self._loop_async_client()
        if client is None:
            with self._lock:  # several threads may each run their own loop
                self._forget_closed_loops()
                client = self._async.get(loop) if loop is not None else self._async_fallback
                if client is None:
                    client = self._new_async_client()
                    if loop is None:
                        self._async_fallback = client
                    else:
                        self._async[loop] = client
                        self._async_closers[loop] = on_loop_end(self._releaser(loop, client))
        return client

    def _start_turn(self) -> Awaitable[None] | None:
        """What an API call awaits before it starts on this event loop (``None``: start now):
        a burst of calls takes turns, so the first requests go out while the rest are built
        (see ``_http/pacing.py``). Only on asyncio; elsewhere calls start at once."""
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        turns = self._turns.get(loop)
        if turns is None:
            turns = self._turns.setdefault(loop, Turns())
        return turns.turn(loop)

    # 1.x's names for the two httpx clients: code written for 1.x closes them or opens raw
    # streams through them.
    @property
    def _client(self) -> httpx.Client:
        return self._http

    @property
    def _async_client(self) -> httpx.AsyncClient:
        return self._async_http()

    def _releaser(self, loop: Any, client: httpx.AsyncClient) -> Callable[[], Awaitable[None]]:
        """Forget ``loop``'s client and close it: at the loop's end or on ``aclose()``."""

        async def release() -> None:
            if self._async.get(loop) is client:
                del self._async[loop]
                self._async_closers.pop(loop, None)
            await client.aclose()

        return release

    def _forget_closed_loops(self) -> None:
        # Loops closed without finalising their async generators (loop.close() called by
        # hand): their clients can no longer be closed properly; let them go.
        for loop in [loop for loop in self._async if loop.is_closed()]:
            del self._async[loop]
            self._async_closers.pop(loop, None)

    def _new_async_client(self) -> httpx.AsyncClient:
        from ._http.pool import ShardedAsyncTransport, absent_sniffio_fails_fast

        absent_sniffio_fails_fast()  # also for a user's httpcore-based transport
        inner = self._user_transport
        if not isinstance(inner, httpx.AsyncBaseTransport):
            inner = ShardedAsyncTransport(**self._transport_options)  # scales past httpcore's pool
        return DrainingAsyncClient(
            self._async_http,
            transport=AsyncApiTransport(inner, self._gate),
            **self._httpx_options(),
        )

    @cached_property
    def raw(self) -> GeneratedClient:
        """The generated low-level client (``replicate_api.Client``) on this client's
        connections, auth, retries and error mapping; pass it as ``client=`` to any
        function in ``replicate_api.api``. API errors raise :class:`ReplicateError`."""
        from ._api.raw import bind_generated_client

        return bind_generated_client(self)

    def close(self) -> None:
        """Close the synchronous connection pool.

        Requests other threads have in flight still finish: the pool closes when the last
        of them ends. A later call opens a new pool.
        """
        with self._lock:
            retired, self._sync = self._sync, None
        if retired is not None:
            retired.close()

    async def aclose(self) -> None:
        """Close the connection pool of the running event loop (if it opened one).

        Requests other tasks have in flight still finish: the pool closes when the last of
        them ends. A later call opens a new pool.
        """
        loop, client = self._loop_async_client()
        if client is None:
            return
        closer = self._async_closers.get(loop) if loop is not None else None
        if closer is not None:
            await closer.aclose()  # runs the releaser: forgets and closes the client
            return
        await client.aclose()
        if loop is None:
            self._async_fallback = None
        else:
            self._async.pop(loop, None)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- escape hatch ------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send any request to the API, e.g. ``client.request("GET", "/account").json()``.

        ``path`` is relative to the API base (``/predictions``) or a full API URL.
        Auth, retries and error mapping apply: 4xx/5xx raise :class:`ReplicateError`.
        Returns the ``httpx.Response`` (body already read).
        """
        return self._request(
            method, self._host_path(path), params=params, json=json, headers=headers
        )

    async def async_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Async :meth:`request`."""
        return await self._async_request(
            method, self._host_path(path), params=params, json=json, headers=headers
        )

    # 1.x's private request helpers. Every API call goes through them, as in 1.x, so that a
    # test suite patching them (a common way to mock 1.x) intercepts every call rather than
    # letting some reach the network. 1.x-style paths start from the host ("/v1/predictions");
    # other keyword arguments go to httpx.
    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._http.request(method.upper(), self._from_host(path), **kwargs)

    def _async_request(
        self, method: str, path: str, **kwargs: Any
    ) -> Coroutine[Any, Any, httpx.Response]:
        # Not `async def`: the awaitable httpx makes is handed back, one frame fewer for each
        # of thousands of requests in flight (callers await it as 1.x's coroutine).
        return self._async_http().request(method.upper(), self._from_host(path), **kwargs)

    def _host_path(self, path: str) -> str:
        # 1.x's form of an API path, from the host: "/predictions" and "predictions" are
        # "/v1/predictions"; a path already from the host (API paths never start with the
        # API's prefix) and full URLs (next-page links) pass through.
        if path.startswith(("http://", "https://", self._api_prefix + "/")):
            return path
        return self._api_prefix + "/" + path.lstrip("/")

    def _from_host(self, path: str) -> str | httpx.URL:
        # 1.x's paths start from the host ("/v1/predictions"), each parsed once (ApiUrls).
        if path.startswith(("http://", "https://")):
            return path
        return self._urls.absolute(path)

    # --- namespaces (imported and created on first access) -----------------
    # Properties, as in 1.x, rather than cached_property: mock.create_autospec(Client) can
    # then configure them (client.predictions.create.return_value = ...).

    def _namespace(self, kind: Callable[[Client], N]) -> N:
        namespace: N | None = self._namespaces.get(kind)
        if namespace is None:
            namespace = self._namespaces[kind] = kind(self)
        return namespace

    @property
    def accounts(self) -> Accounts:
        """``client.accounts``: the account that owns the API token."""
        from .account import Accounts

        return self._namespace(Accounts)

    @property
    def collections(self) -> Collections:
        """``client.collections``: curated lists of models."""
        from .collection import Collections

        return self._namespace(Collections)

    @property
    def deployments(self) -> Deployments:
        """``client.deployments``: your deployments, and predictions on them."""
        from .deployment import Deployments

        return self._namespace(Deployments)

    @property
    def files(self) -> Files:
        """``client.files``: uploaded files."""
        from .file import Files

        return self._namespace(Files)

    @property
    def hardware(self) -> HardwareNamespace:
        """``client.hardware``: the hardware models can run on."""
        from .hardware import HardwareNamespace

        return self._namespace(HardwareNamespace)

    @property
    def models(self) -> Models:
        """``client.models``: models, their versions and examples."""
        from .model import Models

        return self._namespace(Models)

    @property
    def predictions(self) -> Predictions:
        """``client.predictions``: create, get, list and cancel predictions."""
        from .prediction import Predictions

        return self._namespace(Predictions)

    @property
    def trainings(self) -> Trainings:
        """``client.trainings``: create, get, list and cancel trainings."""
        from .training import Trainings

        return self._namespace(Trainings)

    @property
    def webhooks(self) -> Webhooks:
        """``client.webhooks``: the default webhook signing secret and validation."""
        from .webhook import Webhooks

        return self._namespace(Webhooks)

    # --- running models ----------------------------------------------------

    def run(
        self, ref: Any, input: dict[str, Any] | None = None, **params: Unpack[RunParams]
    ) -> Any:
        """Run a model and return its output.

        ``ref`` is ``"owner/name"``, ``"owner/name:version"``, a version id, a Model or
        a Version. ``wait`` is ``Prefer: wait`` (True, seconds 1-60, or False to poll).
        URL outputs become :class:`~replicate.helpers.FileOutput` unless
        ``use_file_output=False``. Outputs the model declares as iterators come back as
        1.x returns them: a generator when ``ref`` names a version, else the finished
        list; ``rich=True`` returns an :class:`~replicate._flows.outputs.OutputIterator`
        (items as they are produced, ``.prediction``, ``.text()``) for any ref.
        ``timeout`` (seconds) or ``deadline`` (a datetime) bounds the whole run: the
        server gets ``Cancel-After``, and once the bound passes the prediction is
        cancelled and :class:`~replicate.exceptions.PredictionTimeoutError` raised.
        ``progress(prediction)`` is called on create, on every update and at the end.
        Ctrl-C cancels the prediction before propagating. Raises
        :class:`~replicate.exceptions.ModelError` if the prediction does not succeed.
        Other keyword arguments (``webhook``, ``webhook_events_filter``,
        ``webhook_completed``, ``file_encoding_strategy``, ``cancel_after``) are those
        of ``predictions.create``.
        """
        from ._flows.run import run_model

        return run_model(self, ref, input, **params)

    async def async_run(
        self, ref: Any, input: dict[str, Any] | None = None, **params: Unpack[RunParams]
    ) -> Any:
        """Async :meth:`run`; cancelling the task cancels the prediction on the server."""
        from ._flows.run import async_run_model

        return await async_run_model(self, ref, input, **params)

    def stream(
        self, ref: Any, *, input: dict[str, Any] | None = None, **params: Any
    ) -> Iterator[ServerSentEvent]:
        """Run a model and iterate its server-sent events as they are produced: a
        generator as in 1.x, or with ``rich=True`` an :class:`~replicate.stream.EventStream`.

        See :func:`replicate.stream.stream`.
        """
        from .stream import stream

        return stream(self, ref, input, **params)

    async def async_stream(
        self, ref: Any, input: dict[str, Any] | None = None, **params: Any
    ) -> AsyncIterator[ServerSentEvent]:
        """Async :meth:`stream`: ``async for event in await client.async_stream(...)``;
        an async generator, or with ``rich=True`` an :class:`~replicate.stream.AsyncEventStream`."""
        from .stream import async_stream

        return await async_stream(self, ref, input, **params)

    @overload
    def use(
        self, ref: str, *, streaming: bool = False, use_async: Literal[False] = False
    ) -> Function: ...
    @overload
    def use(
        self, ref: str, *, streaming: bool = False, use_async: Literal[True]
    ) -> AsyncFunction: ...
    def use(
        self, ref: str, *, streaming: bool = False, use_async: bool = False
    ) -> Function | AsyncFunction:
        """A model as a typed Python function on this client; see :func:`replicate.use`."""
        from .typed import use

        if use_async:
            return use(ref, streaming=streaming, use_async=True, client=self)
        return use(ref, streaming=streaming, client=self)

    def batch(
        self, ref: Any, inputs: Iterable[Mapping[str, Any]], **params: Unpack[BatchParams]
    ) -> Iterator[BatchResult]:
        """Run a model on many inputs at the API's rate limit; yields one result per input.

        Results come as predictions finish (``ordered=True``: in input order). Creates are
        paced by a token bucket shared by every batch of this client (``rate``, default
        600/min; ``burst``), which slows down when the API answers 429. ``concurrency``
        caps predictions in flight. With ``ledger="batch.db"`` every input's progress is
        kept in SQLite, so rerunning after a crash resumes without running any input
        twice; inputs are matched by ``key`` (a field name or function; default: a hash
        of the input). ``output_dir`` saves output files there (else results hold URLs,
        which expire). ``shard="I/N"`` runs this machine's share of the inputs at its
        share of the rate. ``on_progress`` gets a :class:`~replicate.batching.BatchProgress`.
        Ctrl-C cancels the predictions in flight (``cancel_on_interrupt=False`` leaves
        them running). See ``docs/batch.md``.
        """
        from .batching import batch

        return batch(self, ref, inputs, **params)

    def async_batch(
        self, ref: Any, inputs: Iterable[Mapping[str, Any]], **params: Unpack[BatchParams]
    ) -> AsyncBatch:
        """Async :meth:`batch`: ``async for result in client.async_batch(...)``; cancelling
        the consuming task (or ``aclose()``) stops the batch."""
        from .batching import async_batch

        return async_batch(self, ref, inputs, **params)

    def search(self, query: str, *, limit: int | None = None) -> SearchResults:
        """Search models, collections and docs (``GET /search``)."""
        from ._api.ops import call_sync
        from ._api.search import search_call

        return call_sync(self, search_call(query, limit))

    async def async_search(self, query: str, *, limit: int | None = None) -> SearchResults:
        """Async :meth:`search`."""
        from ._api.ops import call_async
        from ._api.search import search_call

        return await call_async(self, search_call(query, limit))
