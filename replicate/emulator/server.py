"""Run the emulator app under uvicorn, in a background thread or a child process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from types import TracebackType
from typing import IO, Any, TypeVar

import httpx
import uvicorn

from ..client import Client
from . import handlers
from .app import EmulatorApp, RecordedRequest
from .faults import Fault, FaultSet
from .files_api import signed_download_url
from .functions import spec_from_function, split_name
from .jobs import QUIRKS, Job
from .model_json import read_model_objects, spec_from_model_json
from .ratelimit import RateLimit, rate_limit_args
from .store import Deployment, Model, StoredFile
from .tls import TLSFiles, make_tls_files
from .webhooks import Delivery

T = TypeVar("T")
LISTENING = "replicate emulator listening on "


def http_implementation() -> str:
    """``httptools`` when installed (fast, knows ``QUERY``), else uvicorn's pure-Python ``h11``."""
    try:
        import httptools  # noqa: F401
    except ImportError:
        return "h11"
    return "httptools"


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A uvloop loop when available, else the default asyncio loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def raise_fd_limit() -> None:
    """Lift the soft open-files limit to the hard one: each held request is a descriptor."""
    try:
        import resource
    except ImportError:  # not on Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


#: Environment variable with the token a ``python -m replicate.emulator`` accepts.
TOKEN_ENV = "REPLICATE_EMULATOR_TOKEN"


def _drain(stream: IO[str]) -> None:
    with contextlib.suppress(ValueError, OSError):  # closed by stop()
        for _ in stream:
            pass


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0 picks a free port)."""
    raise_fd_limit()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(4096)
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host} port {port}: {exc.strerror}") from None
    sock.setblocking(False)
    return sock


class _Server(uvicorn.Server):
    """uvicorn, but held requests (``Prefer: wait``, SSE streams) are answered as shutdown
    begins: otherwise the graceful-shutdown timeout cancels them into a bare 500."""

    def __init__(self, config: uvicorn.Config, app: EmulatorApp) -> None:
        super().__init__(config)
        self._app = app

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._app.holding = True  # serving again after a stop
        await super().startup(sockets)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._app.release_held()
        await super().shutdown(sockets)


def make_server(
    app: EmulatorApp, log_level: str = "critical", tls: TLSFiles | None = None
) -> uvicorn.Server:
    """A uvicorn server tuned for many held connections and a small per-request cost."""
    config = uvicorn.Config(
        app,
        ssl_certfile=tls.cert_file if tls else None,
        ssl_keyfile=tls.key_file if tls else None,
        http=http_implementation(),
        lifespan="off",
        log_level=log_level,
        access_log=False,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=1,
        backlog=4096,
    )
    return _Server(config, app)


async def _announce(server: uvicorn.Server, on_started: Callable[[], None]) -> None:
    while not server.started:
        await asyncio.sleep(0.005)
    on_started()


async def serve(
    server: uvicorn.Server,
    app: EmulatorApp,
    sock: socket.socket,
    on_started: Callable[[], None] | None = None,
) -> None:
    """Serve until ``server.should_exit`` (calling ``on_started`` once requests are accepted);
    then cancel running jobs and close the webhook client."""
    if on_started is not None:  # cancelled below if the server never starts
        asyncio.get_running_loop().create_task(_announce(server, on_started))
    try:
        await server.serve(sockets=[sock])
    finally:
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.webhooks.close()


def run_on_loop(loop: asyncio.AbstractEventLoop, func: Callable[[], T], timeout: float = 10) -> T:
    """Run ``func`` on ``loop`` (running in another thread) and return its result."""

    async def wrapper() -> T:
        return func()

    coro: Coroutine[Any, Any, T] = wrapper()
    return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)


def url_for(sock: socket.socket, scheme: str = "http") -> str:
    """``http://host:port`` (or ``https://``) of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


class Emulator:
    """A running emulator and a handle to inspect and steer it.

    Use as a context manager (``with Emulator() as emu: ...``) or call :meth:`start` /
    :meth:`stop`. ``token`` restricts auth to one bearer token (default: any non-empty token);
    ``seed`` makes ids, webhook secret and probabilistic faults reproducible; ``time_scale``
    multiplies every simulated duration (0.01 makes a 5 s model take 50 ms). ``quirks`` turns on
    real-API deviations from the published schema (see ``replicate.emulator.jobs.QUIRKS`` or
    pass ``"all"``). ``process=True`` runs the server in a child process (own CPU core); then
    the server-side state is not inspectable from Python, but faults and reset still work.
    ``tls=True`` serves https with a certificate made for the run (trust :attr:`ca_file`).
    ``models`` (model objects, or a JSON/YAML file of them) are served from the start and
    survive :meth:`reset`; :meth:`add_model` and friends add models until the next reset.
    """

    def __init__(
        self,
        token: str | None = None,
        seed: int = 0,
        time_scale: float = 1.0,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        page_size: int = 100,
        quirks: frozenset[str] | set[str] | tuple[str, ...] | str = (),
        process: bool = False,
        max_file_size: int = 100 * 1024 * 1024,
        file_expiry: float = 24 * 3600,
        sse_retry_ms: int | None = None,
        record: bool = True,
        tls: bool = False,
        models: str | os.PathLike[str] | list[dict[str, Any]] | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self._settings: dict[str, Any] = {
            "token": token,
            "time_scale": time_scale,
            "page_size": _page_size(page_size),
            "quirks": _quirk_set(quirks),
            "sse_retry_ms": sse_retry_ms
            if sse_retry_ms is not None
            else max(1, int(1000 * time_scale)),
        }
        self._host, self._port, self._seed, self._process_mode = host, port, seed, process
        self._record = record
        self._models_file: str | os.PathLike[str] | None = None
        if isinstance(models, str | os.PathLike):
            self._models_file, models = models, read_model_objects(models)
        self._tls_wanted = tls
        self._tls: TLSFiles | None = None
        self._rate_limit = self._constructed_rate_limit = rate_limit
        self.app = EmulatorApp(
            token=token,
            seed=seed,
            time_scale=time_scale,
            page_size=page_size,
            quirks=self._settings["quirks"],
            max_file_size=max_file_size,
            file_expiry=file_expiry,
            sse_retry_ms=self._settings["sse_retry_ms"],
            record=record,
            models=[spec_from_model_json(obj) for obj in models or ()],
        )
        self.app.rate_limit = rate_limit
        self.base_url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._process: subprocess.Popen[str] | None = None
        self._drainer: threading.Thread | None = None
        self._faults: FaultSet | RemoteFaults = self.app.faults

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> Emulator:
        """Start serving; returns self once requests are accepted."""
        if self._tls_wanted:
            self._tls = make_tls_files(self._host)
        if self._process_mode:
            self._start_process()
        else:
            self._start_thread()
        return self

    def _start_thread(self) -> None:
        sock = bind_socket(self._host, self._port)
        self.base_url = url_for(sock, "https" if self._tls else "http")
        self._server = make_server(self.app, tls=self._tls)
        ready = threading.Event()

        def run() -> None:
            loop = new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            try:
                assert self._server is not None
                loop.run_until_complete(serve(self._server, self.app, sock))
            finally:
                loop.close()
                sock.close()

        self._thread = threading.Thread(target=run, name="replicate-emulator", daemon=True)
        self._thread.start()
        ready.wait(10)
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.005)
        if not self._server.started:
            raise RuntimeError("the emulator did not start within 10 seconds")

    def _start_process(self) -> None:
        settings = self._settings
        args = [
            sys.executable,
            "-m",
            "replicate.emulator",
            "--host",
            self._host,
            "--port",
            str(self._port),
            "--seed",
            str(self._seed),
            "--time-scale",
            str(settings["time_scale"]),
            "--page-size",
            str(settings["page_size"]),
            "--sse-retry-ms",
            str(settings["sse_retry_ms"]),
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if settings["token"] is not None:
            env[TOKEN_ENV] = settings["token"]  # not on the command line, where ps shows it
        if not self._record:
            args.append("--no-record")
        if self._tls is not None:
            args += ["--tls-cert", self._tls.cert_file, "--tls-key", self._tls.key_file]
        if self._models_file is not None:
            args += ["--models", os.fspath(self._models_file)]
        elif self.app.store.permanent:
            raise ValueError("process=True takes models= as a file path (the child reads it)")
        if self._rate_limit is not None:
            args += rate_limit_args(self._rate_limit)
        for quirk in sorted(settings["quirks"]):
            args += ["--quirk", quirk]
        self._process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line.startswith(LISTENING):
            self._process.kill()
            self._process.wait()
            self._process.stdout.close()
            raise RuntimeError(f"the emulator process did not start (said {line!r})")
        # Whatever the child prints later is drained, so a full pipe never blocks it.
        self._drainer = threading.Thread(
            target=_drain, args=(self._process.stdout,), name="emulator-output", daemon=True
        )
        self._drainer.start()
        self.base_url = line.removeprefix(LISTENING)
        self._faults = RemoteFaults(self._control)

    def stop(self) -> None:
        """Stop serving and release the port (and remove a ``tls=True`` run's certificates)."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._drainer is not None:
                self._drainer.join(5)  # ends at the child's end of output
                self._drainer = None
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = self._thread = None
            self.app.store.close_files()
        if self._tls is not None:
            self._tls.remove()
            self._tls = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- user models -------------------------------------------------------------------------------
    def add_model(
        self,
        name: str,
        predict: Callable[..., Any],
        *,
        input_schema: dict[str, Any] | None = None,
        output_schema: dict[str, Any] | None = None,
        official: bool = False,
        versions: int = 1,
    ) -> Model:
        """Serve ``owner/name``: each prediction calls ``predict(**input)`` in a worker thread.

        ``predict`` may return a value, yield items (an iterator output, streamed), ``print`` or
        ``log(...)`` lines, ``sleep(seconds)`` (scaled by ``time_scale``), raise (the prediction
        fails with that error) or output ``bytes``/``pathlib.Path`` (served as files). Without
        ``input_schema`` (the cog ``Input`` object schema) or ``output_schema``, both are derived
        from the signature (see :mod:`replicate.emulator.signature`). ``versions`` versions are
        listed (all run ``predict``); ``official=True`` makes an official model. The model
        replaces any of the same name and is gone after :meth:`reset`.
        """
        spec = spec_from_function(
            name,
            predict,
            input_schema=input_schema,
            output_schema=output_schema,
            official=official,
            versions=versions,
        )
        if self._process is not None:
            raise RuntimeError(
                "add_model needs the emulator in this process; Emulator(process=True) serves "
                "model objects from models= files only"
            )
        app = self._local()
        return self.call(lambda: app.store.add_spec(spec))

    def add_model_from_json(self, model: dict[str, Any], *, official: bool | None = None) -> Model:
        """Serve a real model object (its schema, version id and ``default_example`` output).

        ``official`` overrides the object's ``is_official``. Gone after :meth:`reset`.
        """
        spec = spec_from_model_json(model, official=official)
        app = self._local()
        return self.call(lambda: app.store.add_spec(spec))

    def load_models(self, path: str | os.PathLike[str]) -> list[Model]:
        """:meth:`add_model_from_json` for each model object in a JSON or YAML list file."""
        return [self.add_model_from_json(obj) for obj in read_model_objects(path)]

    def add_deployment(
        self,
        name: str,
        model: str,
        version: str | None = None,
        *,
        hardware: str = "cpu",
        min_instances: int = 0,
        max_instances: int = 1,
    ) -> dict[str, Any]:
        """Serve deployment ``owner/name`` (any owner, unlike ``deployments.create``, which
        makes them under the emulator's account) running ``model`` at ``version`` (default:
        its latest). Returns its JSON; gone after :meth:`reset`."""
        owner, short = split_name(name)
        app = self._local()
        deployment = self.call(
            lambda: app.store.add_deployment(
                owner, short, model, version, hardware, min_instances, max_instances
            )
        )
        return deployment.to_json()

    def add_collection(
        self, slug: str, models: list[str], *, name: str | None = None, description: str = ""
    ) -> None:
        """Serve collection ``slug`` listing ``models`` (``owner/name``, models this emulator
        serves), replacing one of the same slug; gone after :meth:`reset`."""
        from .store import CollectionSpec

        if not slug or "/" in slug:
            raise ValueError(f"a collection slug is a non-empty name without '/', not {slug!r}")
        for model in models:
            split_name(model)
        spec = CollectionSpec(slug, name or slug, description, list(models))
        app = self._local()

        def add() -> None:
            unknown = [model for model in spec.members if model not in app.store.models]
            if unknown:  # a misspelt name would be left out of the listing without a word
                raise ValueError(f"collection {slug!r}: no such models here: {unknown}")
            app.store.add_collection(spec)

        self.call(add)

    def predictions_for(self, name: str) -> list[Job]:
        """Predictions of model ``owner/name`` (by name, version or deployment), oldest first."""
        split_name(name)
        app = self._local()
        return self.call(lambda: [j for j in app.store.predictions.values() if j.model == name])

    def last_input(self, name: str) -> dict[str, Any]:
        """The input of the latest prediction of ``owner/name`` as sent (secret values too,
        which the API shows redacted once they reached the model); LookupError if none."""
        jobs = self.predictions_for(name)
        if not jobs:
            raise LookupError(f"{name} has not been run")
        return jobs[-1].sent_input

    @property
    def ca_file(self) -> str | None:
        """PEM file of the certificate authority to trust with ``tls=True`` (else None)."""
        return self._tls.ca_file if self._tls else None

    def client(self, **kwargs: Any) -> Client:
        """A :class:`replicate.Client` for this emulator (trusting its CA with ``tls=True``)."""
        if self._tls is not None:
            kwargs.setdefault("verify", self._tls.client_context())
        # The token accepted now (``emu.token`` may have been set since construction).
        accepted = self._settings["token"] if self._process is not None else self.app.token
        # api_token= may be given, e.g. a wrong one to test the code's handling of a 401.
        kwargs.setdefault("api_token", accepted or "emulator-token")
        return Client(base_url=self.base_url, **kwargs)

    @contextlib.contextmanager
    def as_default_client(self, **kwargs: Any) -> Iterator[Client]:
        """Point ``replicate.run(...)`` and the other module-level functions here, then restore.

        For code under test that uses the module-level client rather than taking one.
        """
        import replicate

        namespace = vars(replicate)
        missing = object()
        previous = namespace.get("default_client", missing)
        client = self.client(**kwargs)
        namespace["default_client"] = client
        try:
            yield client
        finally:
            if previous is missing:
                namespace.pop("default_client", None)
            else:
                namespace["default_client"] = previous
            client.close()

    # -- steering ----------------------------------------------------------------------------------
    def call(self, func: Callable[[], T]) -> T:
        """Run ``func`` on the server's event loop (where all state lives) and return its result."""
        if self._loop is None or self._server is None:
            return func()
        return run_on_loop(self._loop, func)

    def reset(self) -> None:
        """Clear state, faults, request log and deliveries; restore constructor settings."""
        if self._process is not None:
            self._control("POST", "reset").raise_for_status()
            return
        if self._rate_limit is not self._constructed_rate_limit:  # set_rate_limit() since
            self.set_rate_limit(self._constructed_rate_limit)
        self.call(self.app.reset)

    def set_rate_limit(self, rate_limit: RateLimit | None) -> None:
        """Turn the rate-limit mode on (``RateLimit.parse("60/s", burst=20)``) or off (None).

        Only before :meth:`start` with ``process=True``."""
        if self._process is not None:
            raise RuntimeError("set the rate limit of a process emulator before starting it")
        self._rate_limit = rate_limit

        def apply() -> None:
            self.app.rate_limit = rate_limit

        self.call(apply)

    def summary(self) -> dict[str, Any]:
        """Request count, prediction and training statuses by id, webhook delivery count.

        Works in both modes (the only inspection available with ``process=True``).
        """
        if self._process is not None:
            response = self._control("GET", "state")
            response.raise_for_status()
            result: dict[str, Any] = response.json()
            return result
        return self.call(lambda: handlers.summary(self.app))

    def _control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request to the child process's ``/_emulator/{path}`` (over https, trusting this
        run's CA, with ``tls=True``)."""
        verify = self._tls.client_context() if self._tls is not None else True
        return httpx.request(
            method, f"{self.base_url}/_emulator/{path}", verify=verify, timeout=10, **kwargs
        )

    @property
    def faults(self) -> FaultSet | RemoteFaults:
        """Fault rules: ``emu.faults.add(route, status=..., times=...)``, ``emu.faults.clear()``."""
        return self._faults

    @property
    def api_url(self) -> str:
        """``{base_url}/v1``."""
        return self.base_url + "/v1"

    def _local(self, setting: str | None = None) -> EmulatorApp:
        if self._process is not None:
            if setting is not None:
                raise RuntimeError(
                    f"{setting} cannot be changed with process=True: pass {setting}= to Emulator()"
                )
            raise RuntimeError("server-side state is not inspectable with process=True")
        return self.app

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, in order."""
        return self._local().requests

    @property
    def predictions(self) -> dict[str, Job]:
        """Predictions by id (server-side objects; read, don't mutate)."""
        return self._local().store.predictions

    @property
    def trainings(self) -> dict[str, Job]:
        """Trainings by id."""
        return self._local().store.trainings

    @property
    def models(self) -> dict[str, Model]:
        """Models by ``owner/name``."""
        return self._local().store.models

    @property
    def deployments(self) -> dict[str, Deployment]:
        """Deployments by ``owner/name``."""
        return self._local().store.deployments

    @property
    def files(self) -> dict[str, StoredFile]:
        """Uploaded files by id."""
        return self._local().store.files

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        """Webhook POSTs made so far (and those not made: a URL off this machine and its
        local network is recorded with ``error`` set, never contacted)."""
        return self._local().webhooks.deliveries

    @property
    def webhook_secret(self) -> str:
        """The ``whsec_`` signing secret (same as ``GET /v1/webhooks/default/secret``)."""
        return self._local().store.webhook_secret

    @property
    def time_scale(self) -> float:
        """Multiplier for simulated durations (settable; reset restores the constructor value)."""
        return self._local().time_scale

    @time_scale.setter
    def time_scale(self, value: float) -> None:
        self._local("time_scale").time_scale = value

    @property
    def page_size(self) -> int:
        """Items per list page (settable)."""
        return self._local().store.page_size

    @page_size.setter
    def page_size(self, value: int) -> None:
        self._local("page_size").store.page_size = _page_size(value)

    @property
    def quirks(self) -> frozenset[str]:
        """Enabled real-API quirks (settable)."""
        return self._local().quirks

    @quirks.setter
    def quirks(self, value: frozenset[str] | set[str] | tuple[str, ...] | str) -> None:
        self._local("quirks").quirks = _quirk_set(value)

    @property
    def token(self) -> str | None:
        """The only accepted token, or None for any (settable)."""
        return self._local().token

    @token.setter
    def token(self, value: str | None) -> None:
        self._local().token = value

    def signed_file_url(self, file_id: str, ttl: float = 3600) -> str:
        """A download URL for an uploaded file that works without a token for ``ttl`` seconds."""
        return signed_download_url(self._local(), self.base_url, file_id, ttl)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Poll ``condition`` (e.g. a webhook arrived) until true or ``timeout``; returns it."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True


def _page_size(value: int) -> int:
    # A page of no items would hide every list (and a next link could not point anywhere).
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"page_size must be a whole number of at least 1, not {value!r}")
    return value


def _quirk_set(value: frozenset[str] | set[str] | tuple[str, ...] | str) -> frozenset[str]:
    names = {value} if isinstance(value, str) else set(value)
    if "all" in names:
        return QUIRKS
    unknown = names - QUIRKS
    if unknown:
        raise ValueError(f"unknown quirks {sorted(unknown)}; known: {sorted(QUIRKS)}")
    return frozenset(names)


class RemoteFaults:
    """``faults`` for an emulator in another process, through its ``/_emulator/faults`` endpoint."""

    def __init__(self, control: Callable[..., httpx.Response]) -> None:
        self._control = control

    def add(self, route: str = "*", **fields: Any) -> Fault:
        """Register a rule in the server process (see :class:`Fault`); ``ValueError`` for a
        rule the server refuses, as :meth:`FaultSet.add` raises in-process."""
        fault = Fault(route=route, **fields)
        response = self._control("POST", "faults", json={"route": route, **fields})
        if response.status_code == 400:
            raise ValueError(response.json().get("detail", "invalid fault"))
        response.raise_for_status()
        return fault

    def clear(self) -> None:
        """Remove all rules in the server process."""
        with contextlib.suppress(httpx.HTTPError):
            self._control("DELETE", "faults").raise_for_status()
