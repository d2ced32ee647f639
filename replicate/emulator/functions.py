"""User models written as Python functions: run in a worker thread, reported as live steps.

The function gets its input as keyword arguments (plus ``log``/``sleep`` helpers if it names
them). What it does becomes steps for the runner: each ``print``ed or ``log``ged line a ``log``
step, each yielded item an ``append`` step, its return value a ``set`` step, an exception a
``fail`` step. ``bytes`` and ``pathlib.Path`` values become :class:`OutputFile` s (served by the
emulator). Canceling the prediction stops the function at its next ``log``/``sleep``/``yield``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import io
import json
import math
import pathlib
import shutil
import sys
import tempfile
import threading
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

from .._encoding.file_output import decode_data_uri
from .._encoding.filenames import safe_file_name
from .catalog import QUEUE, Behaviour, ModelSpec, OutputFile, RunContext, Script, Step
from .reach import off_network
from .signature import HELPERS, accepts, file_inputs, schema_from_callable


class _Stopped(BaseException):
    """Raised inside the worker when the prediction ended (canceled) to unwind the function."""


class _InputNotFetched(Exception):
    """A file input the emulator will not or cannot fetch: the prediction fails with this."""


#: File inputs fetched for function models are refused past this size (as the API's uploads).
_FETCH_LIMIT = 100 * 1024 * 1024


class _PrintRouter(io.TextIOBase):
    """``sys.stdout`` stand-in: lines printed by a model's worker thread go to its log."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner
        self.sinks: dict[int, Callable[[str], None]] = {}
        self.partial: dict[int, str] = {}

    def write(self, text: str) -> int:
        sink = self.sinks.get(threading.get_ident())
        if sink is None:
            return self.inner.write(text)
        buffered = self.partial.get(threading.get_ident(), "") + text
        *lines, rest = buffered.split("\n")
        self.partial[threading.get_ident()] = rest
        for line in lines:
            sink(line)
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    # Code that inspects sys.stdout keeps seeing the real stream.
    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.inner.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.inner.errors

    def __getattr__(self, name: str) -> Any:  # buffer, reconfigure, ...
        if name == "inner":  # not set yet: no recursion through this method
            raise AttributeError(name)
        return getattr(self.inner, name)


_router_lock = threading.Lock()
# Every router ever installed stays alive: Python 3.11's print() holds no reference to the
# sys.stdout it is writing to, so freeing a router that another thread is printing through
# as the last model run gives sys.stdout back crashed the interpreter.
_routers: list[_PrintRouter] = []


@contextlib.contextmanager
def _prints_to(sink: Callable[[str], None]) -> Iterator[None]:
    with _router_lock:
        if not isinstance(sys.stdout, _PrintRouter):
            _routers.append(_PrintRouter(sys.stdout))
            sys.stdout = _routers[-1]
        router = sys.stdout
    ident = threading.get_ident()
    router.sinks[ident] = sink
    try:
        yield
    finally:
        rest = router.partial.pop(ident, "")
        with _router_lock:
            del router.sinks[ident]
            # The last model run gives sys.stdout back (unless someone replaced it since).
            if not router.sinks and sys.stdout is router:
                sys.stdout = router.inner
        if rest:
            sink(rest)


_MAGIC = (
    (b"\x89PNG", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"GIF8", ".gif"),
    (b"RIFF", ".wav"),
    (b"%PDF", ".pdf"),
    (b"ID3", ".mp3"),
)


def _suffix(data: bytes) -> str:
    """A file extension from the first bytes (so served outputs get a useful content type)."""
    if data[8:12] == b"WEBP":
        return ".webp"
    return next((ext for magic, ext in _MAGIC if data.startswith(magic)), ".bin")


def _as_output(value: Any, names: Iterator[str]) -> Any:
    """``value`` with bytes and paths turned into :class:`OutputFile` s; ``TypeError`` (the
    run fails) for what JSON cannot carry, as cog refuses it."""
    if isinstance(value, float) and not math.isfinite(value):
        raise TypeError(f"the model's output holds {value}, which JSON cannot carry")
    if value is None or isinstance(value, str | int | float | OutputFile):
        return value
    if isinstance(value, bytes | bytearray):
        return OutputFile(next(names) + _suffix(bytes(value)), bytes(value))
    if isinstance(value, pathlib.Path):
        return OutputFile(value.name, value.read_bytes())
    if isinstance(value, list | tuple):
        return [_as_output(item, names) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _as_output(item, names) for key, item in value.items()}
    raise TypeError(f"the model's output holds a {type(value).__name__}, which JSON cannot carry")


def _is_stream(value: Any) -> bool:
    return isinstance(value, Iterator) and not isinstance(value, str | bytes)


def _run(
    predict: Callable[..., Any],
    arguments: Callable[[], dict[str, Any]],
    put: Callable[[Step], None],
    sleep: Callable[[float], None],
) -> None:
    """Call ``predict`` with ``arguments()`` (file inputs fetched there, in this thread) and
    report what it does through ``put`` (runs in the worker thread)."""
    names = (f"output-{n}" for n in range(1_000_000))

    def log(line: str) -> None:
        put(Step(0, "log", str(line)))

    try:
        with _prints_to(log):
            result = predict(**arguments(), **_helpers(predict, log, sleep))
            if inspect.iscoroutine(result):  # an ``async def`` model: its own loop, this thread
                result = asyncio.run(result)
            if _is_stream(result):
                for item in result:
                    put(Step(0, "append", _as_output(item, names)))
            else:
                put(Step(0, "set", _as_output(result, names)))
    except _Stopped:
        pass
    except _InputNotFetched as exc:
        put(Step(0, "fail", str(exc)))
    except BaseException as exc:  # SystemExit too: a model that exits has failed
        # The traceback as cog logs it, without the emulator's own frame.
        frames = exc.__traceback__.tb_next if exc.__traceback__ else None
        text = "".join(traceback.format_exception(type(exc), exc, frames))
        put(Step(0, "log", text.rstrip("\n")))
        put(Step(0, "fail", f"{type(exc).__name__}: {exc}"))


def _helpers(
    predict: Callable[..., Any], log: Callable[[str], None], sleep: Callable[[float], None]
) -> dict[str, Any]:
    wanted = HELPERS & inspect.signature(predict).parameters.keys()
    return {name: log if name == "log" else sleep for name in wanted}


def _as_path(value: Any, ctx: RunContext, folder: pathlib.Path) -> Any:
    """A file input as cog passes it: a local path (``data:`` URIs, the emulator's own files,
    and URLs on this machine or its local network, fetched); lists item by item; other values
    unchanged."""
    if isinstance(value, list):
        return [_as_path(item, ctx, folder) for item in value]
    if not isinstance(value, str):
        return value
    if value.startswith("data:"):
        try:
            found: tuple[str, bytes] | None = ("input", decode_data_uri(value))
        except ValueError as exc:
            raise _InputNotFetched(f"malformed data: URI file input ({exc})") from None
    else:
        found = ctx.input_file(value)
        if found is None and value.startswith(("http://", "https://")):
            found = _fetch(value)
    if found is None:  # a scheme the emulator cannot fetch (s3:, ftp:, ...)
        raise _InputNotFetched(f"the emulator cannot fetch file input {value!r}")
    target = folder / str(len(list(folder.iterdir()))) / found[0]
    target.parent.mkdir()
    target.write_bytes(found[1])
    return target


def _fetch(url: str) -> tuple[str, bytes]:
    """Name and content of a file input at ``url`` (this machine or its local network only;
    no redirects followed)."""
    import httpx

    host = off_network(url)
    if host is not None:
        raise _InputNotFetched(
            f"the emulator does not fetch file inputs from {host!r}, which is not on this "
            "machine or its local network: pass a file, a data: URI or a local URL"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        with httpx.Client(timeout=30) as client, client.stream("GET", url) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > _FETCH_LIMIT:
                    raise _InputNotFetched(f"file input {url} is larger than 100 MiB")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise _InputNotFetched(f"could not fetch file input {url}: {exc}") from None
    return safe_file_name(unquote(urlsplit(url).path), "input"), b"".join(chunks)


async def _play(
    predict: Callable[..., Any], kwargs: dict[str, Any], ctx: RunContext
) -> AsyncIterator[Step]:
    """The steps of one run of ``predict``, as its worker thread produces them."""
    loop = asyncio.get_running_loop()
    time_scale = ctx.time_scale
    folder = pathlib.Path(tempfile.mkdtemp(prefix="replicate-emulator-input-"))
    files = file_inputs(predict)

    def arguments() -> dict[str, Any]:
        return {
            name: _as_path(value, ctx, folder) if name in files else value
            for name, value in kwargs.items()
        }

    queue: asyncio.Queue[Step | None] = asyncio.Queue()
    stopped = threading.Event()

    def put(step: Step | None) -> None:
        if stopped.is_set():
            raise _Stopped
        with contextlib.suppress(RuntimeError):  # the server's loop already closed
            loop.call_soon_threadsafe(queue.put_nowait, step)

    def sleep(seconds: float) -> None:
        # Simulated time, scaled like the seeded models'; a cancel cuts it short.
        if stopped.wait(max(0.0, seconds) * time_scale):
            raise _Stopped

    def work() -> None:
        try:
            _run(predict, arguments, put, sleep)
            with contextlib.suppress(_Stopped):
                put(None)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    threading.Thread(target=work, name="replicate-emulator-model", daemon=True).start()
    try:
        while (step := await queue.get()) is not None:
            yield step
    finally:
        stopped.set()


def function_behaviour(predict: Callable[..., Any]) -> Behaviour:
    """The behaviour of a model whose predictions call ``predict`` with their input."""
    names, any_name = accepts(predict)

    def behaviour(inp: dict[str, Any]) -> Script:
        # Inputs the function does not take are dropped, as cog ignores unknown inputs.
        kwargs = {k: v for k, v in inp.items() if any_name or k in names}
        return Script(QUEUE, [], live=lambda ctx: _play(predict, kwargs, ctx))

    return behaviour


def split_name(full_name: str) -> tuple[str, str]:
    """``owner/name`` split in two; ValueError for anything else."""
    owner, slash, name = full_name.partition("/")
    if not slash or not owner or not name or "/" in name or ":" in name:
        raise ValueError(f"model name must be 'owner/name', not {full_name!r}")
    return owner, name


def spec_from_function(
    full_name: str,
    predict: Callable[..., Any],
    *,
    input_schema: dict[str, Any] | None = None,
    output_schema: dict[str, Any] | None = None,
    official: bool = False,
    versions: int = 1,
) -> ModelSpec:
    """A model whose predictions call ``predict``; its schema derived unless given."""
    owner, name = split_name(full_name)
    if not callable(predict):
        raise TypeError(f"predict for {full_name} must be callable, not {type(predict).__name__}")
    if inspect.isasyncgenfunction(predict):
        raise TypeError(
            f"predict for {full_name}: async generators are not supported; yield "
            "from a plain generator function instead"
        )
    if versions < 1:
        raise ValueError(f"{full_name}: versions must be at least 1")
    schema = schema_from_callable(predict, input_schema, output_schema)
    # A new schema is a new version, as on the API: a client that cached the old one (use(),
    # a generated module) must not keep checking inputs against it.
    digest = hashlib.sha256(json.dumps(schema, sort_keys=True, default=str).encode()).hexdigest()
    ids = [
        hashlib.sha256(f"{owner}/{name}:{number}:{digest}".encode()).hexdigest()
        for number in range(1, versions + 1)
    ]
    return ModelSpec(
        name,
        inspect.getdoc(predict),
        schema,
        function_behaviour(predict),
        versions=versions,
        official=official,
        owner=owner,
        version_ids=ids,
    )
